import { expect } from 'vitest';
import type { GraphQLResponse } from './server';

/** The operation was refused with `code` (naming `field`, when given), and answered no data. */
export function expectRefused(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}
