import pino, { type Logger } from 'pino';
import type { Config } from '../config/config';

/** JSON lines on stdout. Nothing logs secrets on purpose; the redaction is a second line of defence. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', '*.password', '*.refreshToken', '*.accessToken', '*.token'],
  });
}
