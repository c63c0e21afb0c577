import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The API's address is read from the page's; nothing else of a browser is needed here.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { href: 'http://parley.test/' } } });
});
const { verifyEmailOnce } = await import('./verify-email');

function tabStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  } as Storage;
}

const verified = () => new Response(JSON.stringify({ data: { verifyEmail: { __typename: 'User', id: 'u1', email: 'ana@example.com', emailVerified: true } } }));
const used = () => new Response(JSON.stringify({ data: null, errors: [{ message: 'This link was already used: ask for a new one.', extensions: { code: 'BAD_USER_INPUT', field: 'token' } }] }));

let requests: string[];
let answer: () => Promise<Response>;
beforeEach(() => {
  requests = [];
  answer = async () => verified();
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    requests.push((JSON.parse(String(init.body)) as { variables: { token: string } }).variables.token);
    return answer();
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('verifying an address from a link', () => {
  it('asks Parley once when the page asks twice at once (React’s StrictMode)', async () => {
    const storage = tabStorage();
    const both = await Promise.all([verifyEmailOnce('t1', storage), verifyEmailOnce('t1', storage)]);
    expect(both).toEqual(['ana@example.com', 'ana@example.com']);
    expect(requests).toEqual(['t1']);
  });

  it('shows the verified address again after a reload, without spending the link twice', async () => {
    const storage = tabStorage();
    await verifyEmailOnce('t2', storage);
    answer = async () => used();
    expect(await verifyEmailOnce('t2', storage)).toBe('ana@example.com');
    expect(requests).toEqual(['t2']);
  });

  it('says why a link is refused, every time it is opened', async () => {
    const storage = tabStorage();
    answer = async () => used();
    await expect(verifyEmailOnce('t3', storage)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', message: 'This link was already used: ask for a new one.' });
    await expect(verifyEmailOnce('t3', storage)).rejects.toMatchObject({ field: 'token' });
    expect(requests).toEqual(['t3', 't3']);
  });

  it('asks again after the server could not be reached', async () => {
    const storage = tabStorage();
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(verifyEmailOnce('t4', storage)).rejects.toThrow('Failed to fetch');
    answer = async () => verified();
    expect(await verifyEmailOnce('t4', storage)).toBe('ana@example.com');
    expect(requests).toEqual(['t4', 't4']);
  });
});
