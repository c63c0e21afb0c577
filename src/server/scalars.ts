import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/** The contract names it DateTime; graphql-scalars' ISO variant serializes with toISOString (UTC, ms). */
const iso = DateTimeISOResolver.toConfig();

export const DateTimeScalar = new GraphQLScalarType({
  ...iso,
  // Every timestamp of every page goes through here: a Date (all the server holds) needs no more checks.
  serialize: (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : iso.serialize!(value)),
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string in UTC with millisecond precision, e.g. 2026-11-22T09:30:00.000Z.',
});
