import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { buildParleySchema } from '../../src/server/schema';

describe('object types', () => {
  it('read their plain fields straight off the object: no resolver per field, per row', async () => {
    // A field without its own resolver costs a type-graphql wrapper call on every object otherwise
    // (50 messages x 5 fields on a history page), and compiled execution cannot inline it.
    const schema = await buildParleySchema();
    const wrapped = getMetadataStorage()
      .objectTypes.filter((type) => type.simpleResolvers !== true)
      .map((type) => type.name);
    expect(wrapped).toEqual([]);
    expect(schema.getType('Message')).toBeDefined();
  });
});
