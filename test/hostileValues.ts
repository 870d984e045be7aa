/** Hostile values an expression can produce, shared by the fuzz tests; none may crash the node or slip through unnamed. */
export const HOSTILE: unknown[] = [
	NaN,
	Infinity,
	-Infinity,
	-1,
	-0,
	1e308,
	2 ** 53 + 1,
	'',
	' ',
	'NaN',
	'1e3',
	'0x10',
	'12px',
	'９',
	'🙂'.repeat(3),
	'\u0000',
	'\u0085\u202e\ud800',
	'../..',
	'...',
	'<script>alert(1)</script>',
	'x'.repeat(1024 * 1024),
	null,
	undefined,
	true,
	false,
	[],
	[1, 2],
	{},
	{ toString: 'x' },
	{ __proto__: { polluted: true } },
	{ lora: 'not-a-list' },
	{ lora: [{ model: {}, strength: [] }] },
	// String() and Number() of these throw
	{ lora: [{ model: { toString: 'x' }, strength: { valueOf: 'x' } }] },
	Object.create(null),
];

/** Names an object already has through its prototype: a lookup of a field by such a name finds something that is no field. */
export const PROTOTYPE_NAMES: string[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** Deterministic PRNG, so a failing run can be replayed from its seed. */
export function prng(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1664525 + 1013904223) % 2 ** 32;
		return state / 2 ** 32;
	};
}

/** A file name is safe: at most 200 characters, no path separator, control character or half emoji, the expected ending. */
export function expectSafeFileName(name: string, ending: string) {
	expect(name.length).toBeLessThanOrEqual(200);
	const unsafe = [...name].filter((char) => {
		const code = char.codePointAt(0) ?? 0;
		// separators, C0 and C1 controls, text-direction overrides, lone surrogates
		return char === '/' || char === '\\' || code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0xd800 && code <= 0xdfff);
	});
	expect(unsafe).toEqual([]);
	expect(name.endsWith(ending)).toBe(true);
}
