import { ChangePasswordDocument, LogInDocument, LogOutDocument, LogOutEverywhereDocument, RefreshSessionDocument } from '../generated/graphql';
import { signUpUser } from './factories';
import { postGraphQL, type TestServer } from './server';

/**
 * The ways a session ends before its time, each set up through the API, for the tests that check
 * how soon every instance refuses the ended sessions.
 */
export interface RevocationCase {
  /** Access tokens whose sessions the revocation ends. */
  ended: string[];
  /** Access tokens of the same user that it leaves working. */
  kept: string[];
  /** Revokes through the API (on the server the case was set up on). */
  revoke(): Promise<void>;
}

/** The cheapest authenticated request: the viewer's id, or UNAUTHENTICATED. */
export async function whoAmI(url: string, accessToken: string): Promise<'refused' | string> {
  const result = await postGraphQL<{ me: { id: string } }>(url, { query: '{ me { id } }' }, { token: accessToken });
  if (result.data?.me) return result.data.me.id;
  if (result.errors?.[0]?.extensions.code === 'UNAUTHENTICATED') return 'refused';
  throw new Error(`{ me { id } } failed: ${JSON.stringify(result.errors)}`);
}

async function logIn(server: TestServer, user: { username: string; password: string }) {
  const result = await server.request(LogInDocument, { input: { login: user.username, password: user.password } });
  if (!result.data) throw new Error(`logIn failed: ${JSON.stringify(result.errors)}`);
  return result.data.logIn;
}

function succeeded(operation: string, result: { data?: unknown; errors?: unknown }): void {
  if (!result.data || result.errors) throw new Error(`${operation} failed: ${JSON.stringify(result.errors)}`);
}

export const REVOCATIONS: [string, (server: TestServer) => Promise<RevocationCase>][] = [
  [
    'logOut',
    async (server) => {
      const user = await signUpUser(server);
      const phone = await logIn(server, user);
      return {
        ended: [phone.accessToken],
        kept: [user.accessToken],
        revoke: async () => succeeded('logOut', await server.request(LogOutDocument, { refreshToken: phone.refreshToken }, { token: phone.accessToken })),
      };
    },
  ],
  [
    'logOutEverywhere',
    async (server) => {
      const user = await signUpUser(server);
      const phone = await logIn(server, user);
      return {
        ended: [user.accessToken, phone.accessToken],
        kept: [],
        revoke: async () => succeeded('logOutEverywhere', await server.request(LogOutEverywhereDocument, {}, { token: phone.accessToken })),
      };
    },
  ],
  [
    'changePassword',
    async (server) => {
      const user = await signUpUser(server);
      const phone = await logIn(server, user);
      return {
        ended: [user.accessToken],
        kept: [phone.accessToken],
        revoke: async () => {
          const variables = { currentPassword: user.password, newPassword: 'a brand new passphrase 42' };
          succeeded('changePassword', await server.request(ChangePasswordDocument, variables, { token: phone.accessToken }));
        },
      };
    },
  ],
  [
    'refresh-token reuse',
    async (server) => {
      const user = await signUpUser(server);
      const refreshed = await server.request(RefreshSessionDocument, { refreshToken: user.refreshToken });
      succeeded('refreshSession', refreshed);
      const other = await logIn(server, user);
      return {
        ended: [user.accessToken, refreshed.data!.refreshSession.accessToken],
        kept: [other.accessToken],
        revoke: async () => {
          // The rotated token, presented again: refused, and its session ends.
          const replayed = await server.request(RefreshSessionDocument, { refreshToken: user.refreshToken });
          if (replayed.errors?.[0]?.extensions.code !== 'UNAUTHENTICATED') throw new Error(`replayed refresh token: ${JSON.stringify(replayed)}`);
        },
      };
    },
  ],
];
