import { describe, expect, it } from 'vitest';
import { waitWords } from './wait';

describe('how long to wait, in words', () => {
  it('counts seconds under a minute', () => {
    expect(waitWords(1)).toBe('in 1 second');
    expect(waitWords(42)).toBe('in 42 seconds');
    expect(waitWords(0)).toBe('in 1 second');
  });

  it('rounds up, so that trying at the time said never comes too early', () => {
    expect(waitWords(0.2)).toBe('in 1 second');
    expect(waitWords(61)).toBe('in 2 minutes');
    expect(waitWords(3540)).toBe('in 59 minutes');
    expect(waitWords(3541)).toBe('in 1 hour');
  });

  it('says hours, and the minutes beyond them', () => {
    expect(waitWords(3600)).toBe('in 1 hour');
    expect(waitWords(2 * 3600 + 5 * 60)).toBe('in 2 hours 5 minutes');
    expect(waitWords(3600 + 60)).toBe('in 1 hour 1 minute');
  });
});
