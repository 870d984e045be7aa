import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy } from 'n8n-workflow';

export interface LogRecord {
	level: string;
	message: string;
	meta?: unknown;
}

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/**
 * Records everything logged during a run, whatever N8N_LOG_LEVEL says: through the engine's
 * `LoggerProxy` and through the DI `Logger` that nodes get as `this.logger`. Call `stop()` after.
 */
export function captureLogs(): { records: LogRecord[]; stop(): void } {
	const records: LogRecord[] = [];
	const logger = Container.get(Logger);
	const originals = LEVELS.map((level) => [level, logger[level]] as const);
	for (const [level, original] of originals) {
		logger[level] = (message: string, meta?: Parameters<Logger['error']>[1]) => {
			records.push({ level, message, meta });
			original.call(logger, message, meta);
		};
	}
	LoggerProxy.init(logger);
	return {
		records,
		stop() {
			for (const [level, original] of originals) logger[level] = original;
		},
	};
}
