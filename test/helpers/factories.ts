import { randomBytes } from 'node:crypto';
import { SignUpDocument, type SignUpInput } from '../generated/graphql';
import type { TestServer } from './server';

export const GOOD_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

let counter = 0;

/** A unique, valid username: letters and digits only, so tests can add their own suffixes. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}x${randomBytes(3).toString('hex')}`.slice(0, 32);
}

/** Signs a new user up through the API and returns their credentials. */
export async function signUpUser(
  server: TestServer,
  overrides: Partial<SignUpInput> = {},
  headers: Record<string, string> = {},
): Promise<TestUser> {
  const username = overrides.username ?? uniqueUsername();
  const input: SignUpInput = {
    username,
    email: `${username}@example.com`,
    password: GOOD_PASSWORD,
    ...overrides,
  };
  const result = await server.request(SignUpDocument, { input }, { headers });
  if (!result.data) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
  const { user, accessToken, refreshToken } = result.data.signUp;
  return { id: user.id, username: user.username, email: input.email, password: input.password, accessToken, refreshToken };
}

type Tuple<TItem, TLength extends number, TSoFar extends TItem[] = []> = TSoFar['length'] extends TLength
  ? TSoFar
  : Tuple<TItem, TLength, [TItem, ...TSoFar]>;

/** `count` new users at once, as a tuple: `const [ana, ben] = await signUpUsers(server, 2)`. */
export function signUpUsers<TCount extends number>(server: TestServer, count: TCount): Promise<Tuple<TestUser, TCount>> {
  return Promise.all(Array.from({ length: count }, () => signUpUser(server))) as Promise<Tuple<TestUser, TCount>>;
}
