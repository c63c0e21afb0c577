import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, LogInDocument, LogOutDocument, LogOutEverywhereDocument } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { delay, type SignedInClient, signedInClient, within } from '../../helpers/subscriptions';
import { wsExecute } from '../../helpers/ws';

const SESSION_ENDED = 4403;

interface Session {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

/** A new session of `user`, as from another device. */
async function logIn(on: TestServer, user: TestUser): Promise<Session> {
  const result = await on.request(LogInDocument, { input: { login: user.username, password: user.password } });
  if (!result.data) throw new Error(`logIn failed: ${JSON.stringify(result.errors)}`);
  return result.data.logIn;
}

/** A socket that the server has accepted; it may run queries too, to show it still works. */
async function openSocket(on: TestServer, accessToken: string): Promise<SignedInClient> {
  const client = signedInClient(on, accessToken, { allowQueriesAndMutations: true });
  expect(await within(client.connected, 5_000, 'connection_ack')).toBe(true);
  return client;
}

async function expectWorks(client: SignedInClient, user: TestUser): Promise<void> {
  const result = await within(wsExecute<{ me: { id: string } }>(client, '{ me { id } }'), 5_000, 'a query over the socket');
  expect(result.data?.me.id).toBe(user.id);
  expect(client.isClosed()).toBe(false);
}

/** Waits for the server to close the socket, at most a second, and returns the close code. */
const closedWithinASecond = async (client: SignedInClient) => (await within(client.closed, 1_000, 'the server to close the socket')).code;

describe('ending a session', () => {
  let server: TestServer;
  const sockets: SignedInClient[] = [];
  const socketOf = async (accessToken: string) => {
    const client = await openSocket(server, accessToken);
    sockets.push(client);
    return client;
  };
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((client) => client.dispose()));
    await server.close();
  });

  it("closes the sockets of a session logged out with its refresh token (4403), and leaves the user's other session's socket open", async () => {
    const user = await signUpUser(server);
    const other = await logIn(server, user);
    const [first, alsoFirst, second] = [await socketOf(user.accessToken), await socketOf(user.accessToken), await socketOf(other.accessToken)];

    const loggedOut = await server.request(LogOutDocument, { refreshToken: user.refreshToken }, { token: user.accessToken });
    expect(loggedOut.data?.logOut).toBe(true);

    expect(await closedWithinASecond(first)).toBe(SESSION_ENDED);
    expect(await closedWithinASecond(alsoFirst)).toBe(SESSION_ENDED);
    await expectWorks(second, user);
  });

  it('refuses a new socket signed in with the access token of a logged-out session (4403)', async () => {
    const user = await signUpUser(server);
    const other = await logIn(server, user);
    await server.request(LogOutDocument, { refreshToken: user.refreshToken }, { token: other.accessToken });

    const client = signedInClient(server, user.accessToken);
    sockets.push(client);
    expect(await within(client.connected, 5_000, 'the socket to be refused')).toBe(false);
    expect((await client.closed).code).toBe(SESSION_ENDED);
  });

  it("closes every socket of every session on logOutEverywhere (4403), and no other user's", async () => {
    const [user, bystander] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const other = await logIn(server, user);
    const [first, second, theirs] = [await socketOf(user.accessToken), await socketOf(other.accessToken), await socketOf(bystander.accessToken)];

    const result = await server.request(LogOutEverywhereDocument, {}, { token: other.accessToken });
    expect(result.data?.logOutEverywhere).toBe(true);

    expect(await closedWithinASecond(first)).toBe(SESSION_ENDED);
    expect(await closedWithinASecond(second)).toBe(SESSION_ENDED);
    await expectWorks(theirs, bystander);
  });

  it("closes the other sessions' sockets on changePassword (4403), and keeps the socket of the session that changed it", async () => {
    const user = await signUpUser(server);
    const other = await logIn(server, user);
    const [mine, elsewhere] = [await socketOf(user.accessToken), await socketOf(other.accessToken)];

    const result = await server.request(
      ChangePasswordDocument,
      { currentPassword: user.password, newPassword: 'a different horse battery staple' },
      { token: user.accessToken },
    );
    expect(result.errors).toBeUndefined();

    expect(await closedWithinASecond(elsewhere)).toBe(SESSION_ENDED);
    await expectWorks(mine, user);
  });
});

describe('an access token that expires on an open socket', () => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startTestServer({ env: { ACCESS_TOKEN_TTL: '2s' } });
    user = await signUpUser(server);
  });
  afterAll(() => server.close());

  it('closes the socket with 4403 when the token expires, not before', async () => {
    const session = await logIn(server, user);
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    const client = await openSocket(server, session.accessToken);
    await expectWorks(client, user);

    const closed = await within(client.closed, 5_000, 'the server to close the socket at expiry');
    const closedAt = Date.now();
    expect(closed.code).toBe(SESSION_ENDED);
    // Timers may round by a millisecond or so; the clock of this process is the server's.
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt - 20);
    expect(closedAt).toBeLessThanOrEqual(expiresAt + 1_000);
    await client.dispose();
  });

  it('refuses a socket signed in with an expired access token (4403)', async () => {
    const session = await logIn(server, user);
    // Waiting for the clock to pass the expiry is the scenario itself.
    await delay(Math.max(0, Date.parse(session.accessTokenExpiresAt) - Date.now()) + 50);
    const client = signedInClient(server, session.accessToken);
    expect(await within(client.connected, 5_000, 'the socket to be refused')).toBe(false);
    expect((await client.closed).code).toBe(SESSION_ENDED);
    await client.dispose();
  });
});
