// Seeded randomness, so a sandbox started with the same rngSeed gives the same ids, seeds and images.

// Math.imul held once: in a vm context (jest's), a call through the global `Math` is many times slower.
const imul = Math.imul;

/** A small, fast 32-bit PRNG; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = imul(t ^ (t >>> 15), t | 1);
		t ^= t + imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A version-4-shaped UUID drawn from `rand`. */
export function prngUuid(rand: () => number): string {
	const bytes: number[] = [];
	for (let i = 0; i < 16; i++) bytes.push(Math.floor(rand() * 256));
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
