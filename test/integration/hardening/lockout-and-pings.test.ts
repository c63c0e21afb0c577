import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/errors/errors';
import { RateLimits } from '../../../src/server/rate-limits';
import { signUpUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('failed-login lockouts', () => {
  /** How long the account is locked after `failures` failed logins in a row, in seconds. */
  async function lockedFor(limits: RateLimits, account: string): Promise<number> {
    for (let attempt = 0; attempt < 10; attempt += 1) await limits.loginFailed(account, '192.0.2.1');
    try {
      await limits.assertAllowed('loginFailuresPerAccount', account);
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimitedError);
      return (error as RateLimitedError).extensions.retryAfterSeconds as number;
    }
    throw new Error('not locked');
  }

  it('grow: each lockout of an account lasts twice as long as the one before', async () => {
    // A one-second base lockout instead of 15 minutes, so that the test can wait one out.
    const limits = new RateLimits(undefined, 1, 1);
    const first = await lockedFor(limits, 'ada');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await lockedFor(limits, 'ada');
    expect([first, second]).toEqual([1, 2]);
    expect(await lockedFor(new RateLimits(undefined, 1, 1), 'bob')).toBe(1);
  });
});

describe('idle sockets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WS_PING_INTERVAL: '1s' } });
  });
  afterAll(() => server.close());

  async function openSocket(autoPong: boolean): Promise<{ socket: WebSocket; closed: Promise<number> }> {
    const user = await signUpUser(server);
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong });
    const closed = new Promise<number>((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.accessToken}` } }));
    return { socket, closed };
  }

  it('are dropped when they stop answering pings, while answering ones stay open', async () => {
    const silent = await openSocket(false);
    const answering = await openSocket(true);
    const started = Date.now();
    expect(await silent.closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    answering.socket.close();
  });
});
