import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument, MeDocument, RefreshSessionDocument } from '../../generated/graphql';
import { signUpUser } from '../../helpers/factories';
import { capturedLogger } from '../../helpers/logs';
import { startTestServer, type TestServer } from '../../helpers/server';

const { logger, lines } = capturedLogger('info');
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ logger });
});
afterAll(() => server.close());

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('logs', () => {
  it('write one JSON line per operation with its request id, and never a password or token', async () => {
    const user = await signUpUser(server, { password: 'a very particular passphrase 42' });
    const login = await server.request(LogInDocument, { input: { login: user.username, password: user.password } });
    const refreshed = await server.request(RefreshSessionDocument, { refreshToken: login.data!.logIn.refreshToken });
    await server.request(MeDocument, {}, { token: refreshed.data!.refreshSession.accessToken, headers: { 'x-request-id': 'trace-me-42' } });

    const text = lines.join('\n');
    for (const secret of [user.password, user.accessToken, user.refreshToken, login.data!.logIn.refreshToken, refreshed.data!.refreshSession.accessToken]) {
      expect(text).not.toContain(secret);
    }
    const operations = logged().filter((line) => line.msg === 'graphql operation');
    expect(operations.map((line) => line.operationName)).toEqual(['SignUp', 'LogIn', 'RefreshSession', 'Me']);
    expect(operations.every((line) => typeof line.reqId === 'string')).toBe(true);
    expect(operations.at(-1)?.reqId).toBe('trace-me-42');
  });

  it('mask an unexpected failure as INTERNAL_SERVER_ERROR with a request id that finds the full error in the log', async () => {
    const user = await signUpUser(server);
    // Break the database under the server: the session check fails in a way no resolver expects.
    await server.parley.database.prisma.$executeRawUnsafe('ALTER TABLE "Session" RENAME TO "SessionGone"');
    const result = await server.request(MeDocument, {}, { token: user.accessToken });
    expect(result.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const requestId = result.errors?.[0]?.extensions.requestId;
    expect(requestId).toBe(result.headers.get('x-request-id'));
    expect(JSON.stringify(result.errors)).not.toMatch(/prisma|SQL|\/work\//i);
    const entry = logged().find((line) => line.msg === 'operation failed unexpectedly' && line.reqId === requestId);
    expect(entry?.err).toBeDefined();
  });
});
