import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The API's address is read from the page's; the session needs no other part of a browser here.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { href: 'http://parley.test/' } } });
});
const { Session } = await import('./session');

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const SERVER_NOW = Date.parse('2026-12-01T12:00:00.000Z');
let issued = 0;

/** What Parley answers to signUp/logIn/refreshSession: tokens numbered in issue order, access for 15 minutes. */
function authPayload(field: string, lifetimeMs = 15 * 60_000) {
  issued += 1;
  const payload = {
    accessToken: `access-${issued}`,
    accessTokenExpiresAt: new Date(SERVER_NOW + lifetimeMs).toISOString(),
    refreshToken: `refresh-${issued}`,
    refreshTokenExpiresAt: new Date(SERVER_NOW + 30 * 86_400_000).toISOString(),
    user: { __typename: 'User', id: 'u1', username: 'ana', displayName: 'Ana', avatarUrl: null },
  };
  return new Response(JSON.stringify({ data: { [field]: payload } }), { headers: { date: new Date(SERVER_NOW).toUTCString() } });
}

function refusal(code: string, field?: string) {
  return new Response(JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code, field } }] }));
}

/** An answer the test gives when it chooses: a request in flight while something else happens. */
function held() {
  let give!: (response: Response) => void;
  const response = new Promise<Response>((resolve) => {
    give = resolve;
  });
  return { response, give };
}

let requests: string[];
let answer: (operation: string) => Promise<Response>;
let tabs: EventTarget;
let storage: MemoryStorage;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: SERVER_NOW });
  issued = 0;
  requests = [];
  tabs = new EventTarget();
  storage = new MemoryStorage();
  answer = async (operation) => authPayload(operation === 'RefreshSession' ? 'refreshSession' : 'logIn');
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const { query } = JSON.parse(String(init.body)) as { query: string };
    const operation = /(?:mutation|query) (\w+)/.exec(query)?.[1] ?? '?';
    requests.push(operation);
    return answer(operation);
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function signedIn(lifetimeMs?: number) {
  const session = new Session(storage, tabs as unknown as Window);
  if (lifetimeMs !== undefined) answer = async (operation) => authPayload(operation === 'RefreshSession' ? 'refreshSession' : 'logIn', lifetimeMs);
  await session.logIn({ login: 'ana', password: 'a long passphrase' });
  return session;
}

describe('the session', () => {
  it('keeps its tokens for the next page load', async () => {
    await signedIn();
    const reloaded = new Session(storage, tabs as unknown as Window);
    expect(reloaded.snapshot()?.user.username).toBe('ana');
    expect(await reloaded.accessToken()).toBe('access-1');
  });

  it('counts token lifetimes on this device’s clock, whatever the server’s says', async () => {
    // The device's clock is a day behind the server's: the token still lives 15 minutes here.
    vi.setSystemTime(SERVER_NOW - 86_400_000);
    const session = await signedIn();
    expect(session.snapshot()?.accessExpiresAt).toBe(Date.now() + 15 * 60_000);
  });

  it('refreshes once for every request that finds the token about to expire, and they all get the new one', async () => {
    const session = await signedIn(30_000);
    vi.setSystemTime(Date.now() + 25_000);
    const tokens = await Promise.all([session.accessToken(), session.accessToken(), session.accessToken()]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(requests).toEqual(['LogIn', 'RefreshSession']);
  });

  it('answers a refusal of an older token with the current one, without a refresh', async () => {
    const session = await signedIn();
    await session.refresh('access-1');
    expect(await session.refresh('access-1')).toBe('access-2');
    expect(requests).toEqual(['LogIn', 'RefreshSession']);
  });

  it('refreshes a margin before expiry by itself', async () => {
    await signedIn(20_000);
    await vi.advanceTimersByTimeAsync(14_000);
    expect(requests).toEqual(['LogIn']);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(requests).toEqual(['LogIn', 'RefreshSession']);
  });

  it('ends when the server refuses the refresh token, and says why', async () => {
    const session = await signedIn();
    answer = async () => refusal('UNAUTHENTICATED');
    expect(await session.refresh('access-1')).toBeNull();
    expect(session.snapshot()).toBeNull();
    expect(session.ended).toBe('expired');
    expect(storage.length).toBe(0);
  });

  it('survives a refresh that could not reach the server, and tries again soon', async () => {
    const session = await signedIn();
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(session.refresh('access-1')).rejects.toThrow('Failed to fetch');
    expect(session.snapshot()?.accessToken).toBe('access-1');
    answer = async () => authPayload('refreshSession');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(session.snapshot()?.accessToken).toBe('access-2');
  });

  it('takes the tokens another tab refreshed instead of spending its own refresh token', async () => {
    const session = await signedIn(30_000);
    vi.setSystemTime(Date.now() + 25_000);
    const otherTab = new Session(storage, new EventTarget() as unknown as Window);
    await otherTab.refresh('access-1');
    // This tab missed the storage event: it still finds the new tokens before refreshing.
    expect(await session.accessToken()).toBe('access-2');
    expect(requests).toEqual(['LogIn', 'RefreshSession']);
  });

  it('signs out in every tab when one logs out', async () => {
    const session = await signedIn();
    const otherTab = new Session(storage, new EventTarget() as unknown as Window);
    await otherTab.logOut();
    tabs.dispatchEvent(Object.assign(new Event('storage'), { key: 'parley.session' }));
    expect(session.snapshot()).toBeNull();
    expect(session.ended).toBe('logged-out');
    expect(requests).toContain('LogOut');
  });

  it('signs in with a reset link as it does with a password', async () => {
    answer = async () => authPayload('resetPassword');
    const session = new Session(storage, tabs as unknown as Window);
    await session.resetPassword('link-token', 'a new long passphrase');
    expect(session.snapshot()?.accessToken).toBe('access-1');
    expect(new Session(storage, tabs as unknown as Window).snapshot()?.user.username).toBe('ana');
    expect(requests).toEqual(['ResetPassword']);
  });

  it('keeps the session a reset link started when the old session’s refresh is refused meanwhile', async () => {
    const session = await signedIn();
    const refreshAnswer = held();
    answer = (operation) => (operation === 'RefreshSession' ? refreshAnswer.response : Promise.resolve(authPayload('resetPassword')));
    const refreshing = session.refresh('access-1');
    await session.resetPassword('link-token', 'a new long passphrase');
    // The reset ended every other session on the server, the one being refreshed too.
    refreshAnswer.give(refusal('UNAUTHENTICATED'));
    expect(await refreshing).toBe('access-2');
    expect(session.snapshot()?.accessToken).toBe('access-2');
    expect(session.ended).toBeNull();
  });

  it('ends as deleted when the account is deleted, in this tab and in storage', async () => {
    const session = await signedIn();
    answer = async () => new Response(JSON.stringify({ data: { deleteAccount: true } }));
    await session.deleteAccount('a long passphrase', true);
    expect(requests).toEqual(['LogIn', 'DeleteAccount']);
    expect(session.snapshot()).toBeNull();
    expect(session.ended).toBe('deleted');
    expect(storage.length).toBe(0);
  });

  it('still says deleted when the refresh the deletion refused ends after it', async () => {
    const session = await signedIn();
    const deleteAnswer = held();
    const refreshAnswer = held();
    answer = (operation) => (operation === 'RefreshSession' ? refreshAnswer.response : deleteAnswer.response);
    const deleting = session.deleteAccount('a long passphrase', false);
    await vi.advanceTimersByTimeAsync(0);
    // The server closed the sockets as it deleted the account: one of them asks for a refresh.
    const refreshing = session.refresh('access-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toEqual(['LogIn', 'DeleteAccount', 'RefreshSession']);
    deleteAnswer.give(new Response(JSON.stringify({ data: { deleteAccount: true } })));
    await deleting;
    refreshAnswer.give(refusal('UNAUTHENTICATED'));
    expect(await refreshing).toBeNull();
    expect(session.ended).toBe('deleted');
  });

  it('stays signed in when the password given to delete the account is wrong', async () => {
    const session = await signedIn();
    answer = async () => refusal('BAD_USER_INPUT', 'currentPassword');
    await expect(session.deleteAccount('not it', false)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect(session.snapshot()?.accessToken).toBe('access-1');
    expect(session.ended).toBeNull();
  });
});
