import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database';
import {
  createPostgresTestDatabase,
  postgresProblem,
  RedisServer,
  redisProblem,
  redisServerProblem,
  requireServices,
  SHARED_REDIS_URL,
  skipWithout,
} from '../../helpers/redis';
import { type RevocationCase, REVOCATIONS, whoAmI } from '../../helpers/revocations';
import { startTestServer, type TestServer } from '../../helpers/server';

/**
 * How soon a session revoked on instance A stops working on instance B, which has it cached:
 * within 100 ms through Redis, within 2 s without it (the cache's entry lifetime).
 */

const problems = [await redisProblem(SHARED_REDIS_URL), await postgresProblem(), redisServerProblem()];

/** Time from `since` to the sending of the first request that `url` refuses (polled; gives up after 5 s). */
async function firstRefusal(url: string, accessToken: string, since: number): Promise<number> {
  for (;;) {
    const sentAt = Date.now();
    if ((await whoAmI(url, accessToken)) === 'refused') return sentAt - since;
    if (sentAt - since > 5_000) throw new Error(`still accepted ${sentAt - since} ms after the revocation`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function expectAccepted(servers: TestServer[], tokens: string[]): Promise<void> {
  for (const server of servers) for (const token of tokens) expect(await whoAmI(server.url, token)).not.toBe('refused');
}

describe.skipIf(skipWithout(problems))('a session revoked on one instance', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  describe('while Redis is up', () => {
    beforeAll(async () => {
      requireServices(problems);
      database = await createPostgresTestDatabase();
      a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, database });
      // B would keep a session a minute: only the event can make it let go sooner.
      b = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, database, sessionCache: { lifetimeMs: 60_000 } });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await database?.drop();
    });

    it.each(REVOCATIONS)('is refused on the other within 100 ms after %s', async (name, setUp) => {
      const revocation = await setUp(a);
      await expectAccepted([a, b], [...revocation.ended, ...revocation.kept]);
      await revocation.revoke();
      const since = Date.now();
      const delays = [];
      for (const token of revocation.ended) delays.push(await firstRefusal(b.url, token, since));
      console.log(`[session-revocation] ${name} on A: refused on B after ${delays.join(', ')} ms`);
      for (const delay of delays) expect(delay).toBeLessThanOrEqual(100);
      await expectAccepted([a, b], revocation.kept);
    });
  });

  describe('while Redis is away', () => {
    let redisServer: RedisServer;
    beforeAll(async () => {
      requireServices(problems);
      redisServer = await RedisServer.start();
      database = await createPostgresTestDatabase();
      // A keeps sessions a minute: refusing at once after its own revocation cannot come from expiry.
      a = await startTestServer({ env: { REDIS_URL: redisServer.url }, database, sessionCache: { lifetimeMs: 60_000 } });
      b = await startTestServer({ env: { REDIS_URL: redisServer.url }, database });
    });
    afterAll(async () => {
      // The instances say goodbye to Redis on close: give them one to talk to.
      if (redisServer && !redisServer.running) await redisServer.restart();
      await a?.close();
      await b?.close();
      await database?.drop();
      await redisServer?.kill();
    });

    it('is refused at once on the instance that revoked it, and within 2 s on the other, for every way to revoke', async () => {
      const revocations: [string, RevocationCase][] = [];
      for (const [name, setUp] of REVOCATIONS) revocations.push([name, await setUp(a)]);
      await redisServer.kill();
      for (const [name, revocation] of revocations) {
        // B has just read the sessions: its entries are as fresh as they can be.
        await expectAccepted([a, b], [...revocation.ended, ...revocation.kept]);
        await revocation.revoke();
        const since = Date.now();
        for (const token of revocation.ended) expect(await whoAmI(a.url, token)).toBe('refused');
        const delays = [];
        for (const token of revocation.ended) delays.push(await firstRefusal(b.url, token, since));
        console.log(`[session-revocation] ${name} on A without Redis: refused on B after ${delays.join(', ')} ms`);
        for (const delay of delays) expect(delay).toBeLessThanOrEqual(2_000);
        await expectAccepted([a, b], revocation.kept);
      }
    });
  });
});
