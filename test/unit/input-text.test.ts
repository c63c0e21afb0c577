import fc from 'fast-check';
import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connectionParamsProblem, inputTextProblem, textProblem } from '../../src/server/input-text';

function problemOf(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const document = parse(query);
  const error = inputTextProblem(document, getOperationAST(document, operationName)!, variables);
  return error && { field: error.extensions.field, message: error.message };
}

describe('textProblem', () => {
  it('accepts any well-formed text without NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((text) => !text.includes('\0')), (text) => {
        expect(textProblem(text)).toBeUndefined();
      }),
    );
  });

  it('refuses NUL and unpaired surrogates anywhere', () => {
    const bad = fc.constantFrom('\0', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), bad, fc.string({ unit: 'binary' }), (before, character, after) => {
        expect(textProblem(before + character + after)).toBeDefined();
      }),
    );
  });
});

describe('inputTextProblem', () => {
  it.each([
    ['an input field', 'mutation M($input: SendMessageInput!) { sendMessage(input: $input) { id } }', { input: { chatId: 'c', body: 'a\0' } }, 'body'],
    ['a nested input field', 'mutation M($input: SendMessageInput!) { sendMessage(input: $input) { id } }', { input: { attachments: [{ url: 'ok' }, { url: '\uD800' }] } }, 'attachments.1.url'],
    ['a scalar argument', 'query Q($search: String) { users(search: $search) { nodes { id } } }', { search: '\0' }, 'search'],
    ['a scalar argument under another variable name', 'query Q($s: String) { users(search: $s) { nodes { id } } }', { s: '\0' }, 'search'],
    ['a list element', 'mutation M($ids: [ID!]!) { addChatMembers(chatId: "c", userIds: $ids) { id } }', { ids: ['a', '\0'] }, 'userIds.1'],
    ['a variable inside a literal object', 'mutation M($b: String) { sendMessage(input: { chatId: "c", body: $b }) { id } }', { b: '\0' }, 'body'],
    ['a literal', 'mutation { sendMessage(input: { chatId: "c", body: "a\\u0000" }) { id } }', undefined, 'body'],
    ['a literal in a fragment', 'query { ...F } fragment F on Query { user(username: "\\u0000") { id } }', undefined, 'username'],
    ['a default value', 'query Q($s: String = "\\u0000") { users(search: $s) { nodes { id } } }', {}, 'search'],
  ])('names %s', (_, query, variables, field) => {
    expect(problemOf(query, variables)?.field).toBe(field);
  });

  it('looks only at the operation that runs and at the variables it declares', () => {
    const query = 'query A { users(search: "\\u0000") { nodes { id } } } query B($s: String) { users(search: $s) { nodes { id } } }';
    expect(problemOf(query, { s: 'fine', other: '\0' }, 'B')).toBeUndefined();
    expect(problemOf(query, undefined, 'A')?.field).toBe('search');
  });

  it('explains the problem in the message', () => {
    const query = 'query Q($s: String) { users(search: $s) { nodes { id } } }';
    expect(problemOf(query, { s: 'a\0' })?.message).toBe('search must not contain NUL characters (U+0000).');
    expect(problemOf(query, { s: 'a\uDFFF' })?.message).toBe('search must be well-formed Unicode (it contains an unpaired surrogate).');
  });

  it('accepts what people write', () => {
    const query = 'mutation M($input: SendMessageInput!) { sendMessage(input: $input) { id } }';
    expect(problemOf(query, { input: { chatId: 'c', body: 'שלום \u202E 👩🏽‍💻 🏴󠁧󠁢󠁳󠁣󠁴󠁿', clientId: 'x' } })).toBeUndefined();
  });
});

describe('connectionParamsProblem', () => {
  it('names the key, nested or not', () => {
    expect(connectionParamsProblem({ authorization: 'Bearer x\0' })).toBe('connectionParams.authorization must not contain NUL characters (U+0000).');
    expect(connectionParamsProblem({ client: { names: ['ok', '\uD800'] } })).toMatch(/^connectionParams\.client\.names\.1 /);
    expect(connectionParamsProblem({ authorization: 'Bearer x', allowQueriesAndMutations: true })).toBeUndefined();
    expect(connectionParamsProblem(undefined)).toBeUndefined();
  });
});
