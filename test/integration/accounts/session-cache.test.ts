import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionsDocument } from '../../generated/graphql';
import { signUpUser } from '../../helpers/factories';
import { waitFor } from '../../helpers/redis';
import { REVOCATIONS, whoAmI } from '../../helpers/revocations';
import { startTestServer, type TestServer } from '../../helpers/server';

/**
 * Authentication reads a session once and then answers from memory. These servers keep sessions for
 * a minute, so that only a revocation (or the session's end) can make them read it again.
 */
const LONG_LIFETIME = { lifetimeMs: 60_000 };

const SESSION_READ = /^\s*SELECT\b[\s\S]*\bFROM\s+(?:"public"\.)?"Session"/i;
const SESSION_WRITE = /^\s*UPDATE\s+(?:"public"\.)?"Session"/i;

/** A server that records the statements run while `counting`. */
async function countingServer(env: Record<string, string> = {}) {
  const statements: string[] = [];
  let counting = false;
  const server = await startTestServer({
    env,
    sessionCache: LONG_LIFETIME,
    databaseOptions: { onQuery: (sql) => counting && statements.push(sql) },
  });
  const counted = async (work: () => Promise<unknown>) => {
    statements.length = 0;
    counting = true;
    try {
      await work();
    } finally {
      counting = false;
    }
    return { reads: statements.filter((sql) => SESSION_READ.test(sql)).length, writes: statements.filter((sql) => SESSION_WRITE.test(sql)).length };
  };
  return { server, counted };
}

describe('a session cached across requests', () => {
  let server: TestServer;
  let counted: Awaited<ReturnType<typeof countingServer>>['counted'];
  beforeAll(async () => {
    ({ server, counted } = await countingServer());
  });
  afterAll(() => server.close());

  it('is read on the first authenticated request only', async () => {
    const user = await signUpUser(server);
    const { reads } = await counted(async () => {
      for (let request = 0; request < 5; request += 1) expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
    });
    expect(reads).toBe(1);
  });

  it('is read once for concurrent first requests', async () => {
    const user = await signUpUser(server);
    const { reads } = await counted(async () => {
      const ids = await Promise.all(Array.from({ length: 8 }, () => whoAmI(server.url, user.accessToken)));
      expect(ids).toEqual(Array(8).fill(user.id));
    });
    expect(reads).toBe(1);
  });

  it('moves lastUsedAt forward with one write for many requests, off the requests’ path', async () => {
    const user = await signUpUser(server);
    const sessionId = decodeJwt(user.accessToken).sid as string;
    const prisma = server.parley.database.prisma;
    const longAgo = new Date(Date.now() - 3_600_000);
    await prisma.session.update({ where: { id: sessionId }, data: { lastUsedAt: longAgo } });
    const { writes } = await counted(async () => {
      for (let request = 0; request < 5; request += 1) expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
      await waitFor('lastUsedAt to move', async () => (await prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).lastUsedAt > longAgo);
    });
    expect(writes).toBe(1);
    const listed = await server.request(SessionsDocument, {}, { token: user.accessToken });
    expect(Date.parse(listed.data!.sessions[0]!.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each(REVOCATIONS)('is refused on the very next request after %s, other sessions kept', async (_, setUp) => {
    const revocation = await setUp(server);
    for (const token of [...revocation.ended, ...revocation.kept]) expect(await whoAmI(server.url, token)).not.toBe('refused');
    await revocation.revoke();
    for (const token of revocation.ended) expect(await whoAmI(server.url, token)).toBe('refused');
    for (const token of revocation.kept) expect(await whoAmI(server.url, token)).not.toBe('refused');
  });
});

describe('a cached session that reaches its expiresAt', () => {
  const SESSION_SECONDS = 3;
  let server: TestServer;
  let counted: Awaited<ReturnType<typeof countingServer>>['counted'];
  beforeAll(async () => {
    // Access tokens outlive the session here: only the session's expiresAt can end it.
    ({ server, counted } = await countingServer({ REFRESH_TOKEN_TTL: `${SESSION_SECONDS}s`, ACCESS_TOKEN_TTL: '15m' }));
  });
  afterAll(() => server.close());

  it('is refused after it, though the cache would have kept it longer', async () => {
    const user = await signUpUser(server);
    const signedUpBy = Date.now();
    const { reads } = await counted(async () => {
      expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
      expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
    });
    expect(reads).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, signedUpBy + SESSION_SECONDS * 1000 + 100 - Date.now()));
    expect(await whoAmI(server.url, user.accessToken)).toBe('refused');
  });
});
