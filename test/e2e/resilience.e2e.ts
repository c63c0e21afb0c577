import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signUp } from './helpers/browser';
import { expectOnce, makeFriends, messageFromPeople, messagesWith, openChat, send, startWorld, tickOf, type World } from './helpers/world';

/** Short-lived access tokens, so that refreshes and the socket's 4403 at expiry happen during the run. */
const ACCESS_TOKEN_TTL_SECONDS = 20;

let world: World;
beforeAll(async () => {
  world = await startWorld('resilience', { ACCESS_TOKEN_TTL: `${ACCESS_TOKEN_TTL_SECONDS}s`, WS_PING_INTERVAL: '5s' });
});
afterAll(() => world?.close());

function banner(page: Page) {
  return page.getByTestId('connection-banner');
}

describe('the web client when connections fail', () => {
  it('starts with two friends in a conversation', async () => {
    const { ana, ben } = world;
    await signUp(ana);
    await signUp(ben);
    await makeFriends(ana, ben);
    await messageFromPeople(ana, ben);
    await send(ana, 'Hello Ben');
    await openChat(ben, 'Ana');
    await expectOnce(ben, 'Hello Ben');
  });

  it('catches up after its connection went silent, as a sleeping laptop does, without a reload', async () => {
    const { ana, ben, proxy } = world;
    await proxy.blackhole();
    await send(ana, 'Sent while Ben slept 1');
    await send(ana, 'Sent while Ben slept 2');
    // Stored; and, as Parley still writes to Ben's socket, which it cannot yet tell is silent, maybe
    // DELIVERED: a tick only says what the server knows. Never READ, and nothing on Ben's screen.
    await expect.poll(() => tickOf(ana, 'Sent while Ben slept 2')).toMatch(/^(SENT|DELIVERED)$/);
    expect(await messagesWith(ben, 'Sent while Ben slept 1').count()).toBe(0);
    // No pong within 5 s of a ping: Ben's client gives the socket up and says so.
    await expect.poll(() => banner(ben.page).innerText(), { timeout: 30_000 }).toMatch(/Reconnecting/);
    await screenshot(ben.page, '08-reconnecting');
    await proxy.start();
    await expectOnce(ben, 'Sent while Ben slept 1', 40_000);
    await expectOnce(ben, 'Sent while Ben slept 2');
    await expectOnce(ben, 'Hello Ben');
    await expect.poll(() => banner(ben.page).innerText(), { timeout: 10_000 }).toBe('');
    await expect.poll(() => tickOf(ana, 'Sent while Ben slept 2'), { timeout: 10_000 }).toBe('READ');
  });

  it('survives a server restart mid-conversation: what was sent meanwhile arrives once, after the reconnect', async () => {
    const { ana, ben, parley, proxy } = world;
    await parley.stop();
    await expect.poll(() => banner(ana.page).innerText(), { timeout: 15_000 }).toMatch(/Reconnecting/);
    // Written while the server is down: kept, shown as not sent yet, and sent by itself later.
    await send(ana, 'Written while the server was down');
    await messagesWith(ana, 'Written while the server was down').getByText('Not sent').first().waitFor();
    await screenshot(ana.page, '09-not-sent');
    // Ben stays cut off after the restart; Ana comes back first and goes on.
    await proxy.stop();
    await parley.start();
    await expect.poll(() => tickOf(ana, 'Written while the server was down'), { timeout: 40_000 }).toBe('SENT');
    await send(ana, 'Sent while Ben was away 1');
    await send(ana, 'Sent while Ben was away 2');
    await expectOnce(ana, 'Sent while Ben was away 2');
    await proxy.start();
    for (const text of ['Written while the server was down', 'Sent while Ben was away 1', 'Sent while Ben was away 2']) {
      await expectOnce(ben, text, 40_000);
      await expectOnce(ana, text);
    }
    const order = await ben.page.locator('.messages .message .body').allInnerTexts();
    expect(order.slice(-3)).toEqual(['Written while the server was down', 'Sent while Ben was away 1', 'Sent while Ben was away 2']);
    await expect.poll(() => tickOf(ana, 'Sent while Ben was away 2'), { timeout: 10_000 }).toBe('READ');
    // And both ways, live, as before.
    await send(ben, 'Back again');
    await expectOnce(ana, 'Back again');
  });

  it('refreshes the session before the token expires and resumes the socket with a fresh one', async () => {
    const { ana, ben } = world;
    const refreshes: string[] = [];
    const sockets: string[] = [];
    ana.page.on('request', (request) => {
      if (request.postData()?.includes('RefreshSession')) refreshes.push(request.url());
    });
    ana.page.on('websocket', (socket) => sockets.push(socket.url()));
    // Past one token lifetime: the session refreshed, and Parley closed the socket (4403) when its token expired.
    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_TTL_SECONDS + 4) * 1000));
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(sockets.length).toBeGreaterThanOrEqual(1);
    await send(ben, 'Still live after the token expired');
    await expectOnce(ana, 'Still live after the token expired');
    await send(ana, 'Still sending too');
    await expectOnce(ben, 'Still sending too');
    // Nobody was signed out on the way.
    await ana.page.reload();
    await expectOnce(ana, 'Still sending too');
    expect(ana.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  });
});
