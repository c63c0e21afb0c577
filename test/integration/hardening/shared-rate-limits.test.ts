import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument } from '../../generated/graphql';
import type { TestDatabase } from '../../helpers/database';
import { signUpUser } from '../../helpers/factories';
import { createPostgresTestDatabase, postgresProblem, redisProblem, requireServices, SHARED_REDIS_URL, skipWithout } from '../../helpers/redis';
import { startTestServer, type TestServer } from '../../helpers/server';

const problems = await Promise.all([redisProblem(SHARED_REDIS_URL), postgresProblem()]);

describe.skipIf(skipWithout(problems))('rate limits across instances sharing Redis', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    requireServices(problems);
    database = await createPostgresTestDatabase();
    const env = { REDIS_URL: SHARED_REDIS_URL, RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' };
    [a, b] = await Promise.all([startTestServer({ env, database }), startTestServer({ env, database })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  it('count failed logins on one instance against the account on the other', async () => {
    const headers = { 'x-forwarded-for': `192.0.2.${Math.floor(Math.random() * 250) + 1}` };
    const user = await signUpUser(a, {}, headers);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const server = attempt % 2 === 0 ? a : b;
      await server.request(LogInDocument, { input: { login: user.username, password: 'wrong password!' } }, { headers });
    }
    const onA = await a.request(LogInDocument, { input: { login: user.username, password: user.password } }, { headers });
    const onB = await b.request(LogInDocument, { input: { login: user.username, password: user.password } }, { headers });
    expect(onA.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(onB.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
  });
});
