import fc from 'fast-check';
import { hostileString } from './fuzz';

/** Hostile or random GraphQL documents and request bodies: each a different way to hurt a parser, validator or executor. */

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const knownField = fc.constantFrom('me', 'chats', 'users', 'sessions', 'friendships', '__typename', '__schema', 'chat', 'messages', 'user');

export const hostileQuery = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer({ min: 1, max: 400 }).map((depth) => `${'{ me { '.repeat(depth)}id${' } }'.repeat(depth)}`),
  fc.integer({ min: 1, max: 600 }).map((count) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: me { id }`).join(' ')} }`),
  fc.integer({ min: 1, max: 90_000 }).map((size) => `{ user(username: "${'x'.repeat(size)}") { id } }`),
  fc.tuple(knownField, fc.array(name, { maxLength: 8 })).map(([field, sub]) => `{ ${field} { ${sub.join(' ') || 'id'} } }`),
  // Hostile text written into the document as a literal, escaped as JSON would (GraphQL reads the same escapes).
  hostileString.map((text) => `{ users(search: ${JSON.stringify(text)}) { nodes { id } } }`),
  fc.constant('fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'),
  fc.integer({ min: 1, max: 60 }).map((depth) => `{ __schema { types { ${'fields { type { ofType { '.repeat(depth)}name${' } } }'.repeat(depth)} } } }`),
  fc.integer({ min: 1, max: 300 }).map((count) => `{ me { id ${'@include(if: true) '.repeat(count)} } }`),
  fc.constantFrom(
    'mutation { sendMessage(input: { chatId: "x", body: "' + 'y'.repeat(5_000) + '" }) { id } }',
    'subscription { messageAdded { id } }',
    'query Q($a: Int!) { chats(first: $a) { nodes { id } } }',
    '{ chats(first: 100) { nodes { messages(first: 100) { nodes { chat { messages(first: 100) { nodes { id } } } } } } } }',
    '{ users(first: 2147483647, after: "\u0000\uffff") { nodes { id } } }',
    'query { ...on Query { me { id } } }',
    '{ me { id } } { me { id } }',
  ),
);

export const hostileVariables = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ a: fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer())) }),
);

/** A request body: usually a GraphQL request, sometimes not JSON of the expected shape, or not JSON at all. */
export const hostileBody = fc.oneof(
  { weight: 6, arbitrary: fc.record({ query: hostileQuery, variables: hostileVariables, operationName: fc.option(name, { nil: undefined }) }).map((request) => JSON.stringify(request)) },
  { weight: 1, arbitrary: fc.array(fc.record({ query: hostileQuery }), { minLength: 2, maxLength: 5 }).map((batch) => JSON.stringify(batch)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from('{"query":"{ me { '), Buffer.from(bytes), Buffer.from([0xff, 0xfe]), Buffer.from('} }"}')])) },
);
