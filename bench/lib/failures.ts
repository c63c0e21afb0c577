const MAX_SAMPLES = 5;

/** Failures counted by code, with the first few messages kept as samples: what a Measurement reports. */
export function failureLog(): { failures: Record<string, number>; samples: string[]; fail(code: string, message: string, count?: number): void } {
  const failures: Record<string, number> = {};
  const samples: string[] = [];
  return {
    failures,
    samples,
    fail: (code, message, count = 1) => {
      failures[code] = (failures[code] ?? 0) + count;
      if (samples.length < MAX_SAMPLES) samples.push(`${code}: ${message}`.slice(0, 300));
    },
  };
}
