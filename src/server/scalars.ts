import { GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/** The contract names it DateTime; graphql-scalars' ISO variant serializes with toISOString (UTC, ms). */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeISOResolver.toConfig(),
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string in UTC with millisecond precision, e.g. 2026-11-22T09:30:00.000Z.',
});
