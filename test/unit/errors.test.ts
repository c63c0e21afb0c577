import { describe, expect, it } from 'vitest';
import { RateLimitedError, waitOf } from '../../src/errors/errors';

describe('RATE_LIMITED', () => {
  it('says the wait as people say it, never shorter than it is', () => {
    expect([1, 59, 119, 120, 121, 3599, 7199, 7200, 7201].map(waitOf)).toEqual([
      '1 second',
      '59 seconds',
      '119 seconds',
      '2 minutes',
      '3 minutes',
      '60 minutes',
      '120 minutes',
      '2 hours',
      '3 hours',
    ]);
    expect(new RateLimitedError(3600)).toMatchObject({ message: 'Too many attempts; try again in 60 minutes.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 3600 } });
  });
});
