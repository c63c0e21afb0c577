import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildParleySchema } from '../../../src/server/schema';

describe('schema.graphql', () => {
  it('is what the type-graphql classes emit (run `npm run schema:emit` after changing them)', async () => {
    const committed = readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(await buildParleySchema())}\n`);
  });
});
