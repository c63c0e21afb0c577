import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A logger whose lines (JSON, one per entry) are kept in `lines`, for tests that read what the server logged. */
export function capturedLogger(level: pino.LevelWithSilent): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
