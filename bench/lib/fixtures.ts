import { randomBytes } from 'node:crypto';

/** Setup goes through the API, as a client would: sign-ups, log-ins, chats. */
export async function graphql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (answer.errors?.length || !answer.data) {
    throw new Error(`setup failed: ${JSON.stringify(answer.errors ?? answer)} for ${query.trim().split('\n')[0]}`);
  }
  return answer.data;
}

export interface BenchUser {
  id: string;
  username: string;
  password: string;
  /** The access token of the session made at sign-up. */
  token: string;
}

const AUTH_FIELDS = 'accessToken user { id username }';
type AuthAnswer = { accessToken: string; user: { id: string; username: string } };

/** Signs up `count` new users (a few at a time: each costs a bcrypt hash on the server's core). */
export async function signUpUsers(url: string, count: number, prefix: string): Promise<BenchUser[]> {
  const tag = randomBytes(3).toString('hex');
  return inBatches(count, 4, async (index) => {
    const username = `${prefix}_${tag}_${index}`;
    const password = randomBytes(18).toString('base64url');
    const { signUp } = await graphql<{ signUp: AuthAnswer }>(
      url,
      `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`,
      { input: { username, email: `${username}@example.com`, password } },
    );
    return { id: signUp.user.id, username, password, token: signUp.accessToken };
  });
}

/** A further session (and its access token) of an existing user. */
export async function logIn(url: string, user: BenchUser): Promise<string> {
  const { logIn } = await graphql<{ logIn: AuthAnswer }>(
    url,
    `mutation LogIn($input: LogInInput!) { logIn(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { login: user.username, password: user.password } },
  );
  return logIn.accessToken;
}

/** The private chat of `user` and `other`; returns its id. */
export async function openPrivateChat(url: string, user: BenchUser, other: BenchUser): Promise<string> {
  const { openPrivateChat } = await graphql<{ openPrivateChat: { id: string } }>(
    url,
    'mutation Open($userId: ID!) { openPrivateChat(userId: $userId) { id } }',
    { userId: other.id },
    user.token,
  );
  return openPrivateChat.id;
}

/** A group chat of `members`, created by the first (its owner); returns its id. */
export async function createGroupChat(url: string, members: BenchUser[], name: string): Promise<string> {
  const [owner, ...others] = members;
  const { createGroupChat } = await graphql<{ createGroupChat: { id: string } }>(
    url,
    'mutation Create($input: CreateGroupChatInput!) { createGroupChat(input: $input) { id } }',
    { input: { name, memberIds: others.map((member) => member.id) } },
    owner!.token,
  );
  return createGroupChat.id;
}

export async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}
