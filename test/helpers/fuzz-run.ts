import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import pino from 'pino';
import { buildParleySchema } from '../../src/server/schema';
import { createGroup, openPrivateChat, sendMessage } from './chat-factories';
import { signUpUser, type TestUser } from './factories';
import { emptySeeds, type FuzzOperation, type Seeds } from './fuzz';
import { OutboxMailbox } from './mail';
import { postGraphQL, startTestServer, type TestServer } from './server';
import { pollUntil } from './subscriptions';

export interface FuzzTarget {
  server: TestServer;
  caller: Caller;
  seeds: Seeds;
  schema: GraphQLSchema;
  /** What the server logged at level error or above: unexpected failures, including those no client saw. */
  loggedErrors: string[];
}

/** A server on its own database, a signed-in caller with things of their own to aim at, and the schema to fuzz. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const loggedErrors: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      loggedErrors.push(...String(chunk).split('\n').filter(Boolean).map((line) => line.slice(0, 1000)));
      done();
    },
  });
  const server = await startTestServer({ logger: pino({ level: 'error' }, sink) });
  const seeds = emptySeeds();
  const caller = new Caller(server, await signUpUser(server), seeds);
  await reseed(server, caller, seeds);
  // The server's own schema, as built for it (the standard introspection query costs more than clients may spend).
  return { server, caller, seeds, schema: await buildParleySchema(), loggedErrors };
}

/** The fast-check seed: FUZZ_SEED to replay a run, else a new one (printed with the results). */
export function fuzzSeed(): number {
  return process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
}

export async function heapMiB(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Codes that are failures wherever they appear: the server hid a bug behind them, or forgot the code. */
const FAILING = new Set(['INTERNAL_SERVER_ERROR', 'MISSING_CODE']);
/** Socket close codes that mean the server failed (graphql-ws InternalServerError, WebSocket internal error). */
const FAILING_CLOSES = new Set([4500, 1011]);

interface GraphQLAnswer {
  data?: unknown;
  errors?: readonly { message?: unknown; extensions?: { code?: unknown } }[];
}

/** What the fuzz saw, counted by extensions.code (OK for an answer without errors), with the first failures kept to show. */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly failures: string[] = [];
  /** Root fields that answered at least once without an error: the fuzz got past the door. */
  readonly succeeded = new Set<string>();
  documents = 0;

  private add(outcome: string, failed: boolean, example: () => string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    if (failed && this.failures.length < 10) this.failures.push(`${outcome}: ${example().slice(0, 600)}`);
    else if (failed) this.failures.push(outcome);
  }

  /** An answer in GraphQL's shape: each error by its code, or OK. */
  answer(answer: GraphQLAnswer, example: () => string, field?: string): void {
    this.documents += 1;
    if (!answer.errors?.length) {
      this.add('OK', false, example);
      if (field) this.succeeded.add(field);
      return;
    }
    for (const error of answer.errors) {
      const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'MISSING_CODE';
      this.add(code, FAILING.has(code), () => `${JSON.stringify(error.message)} for ${example()}`);
    }
  }

  /** An HTTP answer: a 5xx fails whatever its body; a GraphQL body is counted by its codes; any other body by its status. */
  http(status: number, text: string, example: () => string, field?: string): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const isGraphQL = typeof body === 'object' && body !== null && ('errors' in body || 'data' in body);
    if (status >= 500) this.add(`HTTP ${status}`, true, () => `${text.slice(0, 200)} for ${example()}`);
    if (isGraphQL) this.answer(body as GraphQLAnswer, example, status < 500 ? field : undefined);
    else {
      this.documents += 1;
      this.add(`HTTP ${status} (not GraphQL)`, status >= 500, example);
    }
  }

  /** A socket operation that ended with its socket closed. */
  closed(code: number, example: () => string): void {
    this.documents += 1;
    this.add(`close ${code}`, FAILING_CLOSES.has(code), example);
  }

  /** A subscription the server accepted and that had nothing to send yet: it got past the door too. */
  subscribed(field?: string): void {
    this.documents += 1;
    this.add('SUBSCRIBED', false, () => '');
    if (field) this.succeeded.add(field);
  }

  failed(): number {
    return [...this.counts].filter(([outcome]) => FAILING.has(outcome) || /^HTTP 5|^close (4500|1011)$/.test(outcome)).reduce((sum, [, count]) => sum + count, 0);
  }

  format(title: string): string {
    const rows = [...this.counts].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `  ${outcome.padEnd(32)} ${count}`);
    return `${title}: ${this.documents} documents, ${this.failed()} internal errors\n${rows.join('\n')}`;
  }
}

/**
 * The fuzzing user: their session is renewed when an operation ended it (logOut, refreshSession
 * with a rotated token, logOutEverywhere), their password followed when changePassword or
 * resetPassword took one, their address when changeEmail moved it; deleteAccount replaces them.
 * When a new password went unseen (its answer lost to a socket that logOutEverywhere closed at the
 * same moment), a new user takes the caller's place, with things of their own.
 */
export class Caller {
  /** How often a new user had to take over. */
  replaced = 0;

  constructor(
    private readonly server: TestServer,
    public user: TestUser,
    private readonly seeds: Seeds,
  ) {
    this.remember(user);
  }

  get token(): string {
    return this.user.accessToken;
  }

  /** Keeps up with what `operation` did to the caller's account; call after each signed-in answer. */
  async follow(operation: FuzzOperation, answer: GraphQLAnswer | undefined): Promise<void> {
    const data = answer?.data as Record<string, unknown> | null | undefined;
    if (data?.changePassword === true && typeof operation.args.newPassword === 'string') {
      this.user.password = operation.args.newPassword;
      this.seeds.passwords.push(operation.args.newPassword);
    }
    // A reset link of the caller's (the fuzz has only theirs) set a new password and signed in anew.
    const reset = data?.resetPassword as { accessToken?: string; refreshToken?: string } | null | undefined;
    if (reset?.accessToken && reset.refreshToken && typeof operation.args.newPassword === 'string') {
      Object.assign(this.user, { accessToken: reset.accessToken, refreshToken: reset.refreshToken, password: operation.args.newPassword });
      this.seeds.refreshTokens.push(reset.refreshToken);
      this.seeds.passwords.push(operation.args.newPassword);
    }
    const moved = data?.changeEmail as { email?: string } | null | undefined;
    if (typeof moved?.email === 'string') this.user.email = moved.email;
    // Signed out everywhere, or deleted: signed in again (or replaced) before the next operation needs it.
    const ended = data?.logOutEverywhere === true || data?.deleteAccount === true;
    if (ended || answer?.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) await this.ensureSignedIn();
  }

  async ensureSignedIn(): Promise<void> {
    const me = await postGraphQL<{ me: { id: string } }>(this.server.url, { query: '{ me { id } }' }, { token: this.token });
    if (me.data?.me.id === this.user.id) return;
    const query = 'mutation In($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken } }';
    const result = await postGraphQL<{ logIn: { accessToken: string; refreshToken: string } }>(this.server.url, {
      query,
      variables: { input: { login: this.user.username, password: this.user.password } },
    });
    if (result.data) {
      this.user.accessToken = result.data.logIn.accessToken;
      this.user.refreshToken = result.data.logIn.refreshToken;
      this.seeds.refreshTokens.push(this.user.refreshToken);
      return;
    }
    this.replaced += 1;
    this.user = await signUpUser(this.server);
    this.remember(this.user);
    await reseed(this.server, this, this.seeds);
  }

  private remember(user: TestUser): void {
    this.seeds.refreshTokens.push(user.refreshToken);
    this.seeds.passwords.push(user.password, 'correct horse battery staple 2', 'password');
  }
}

/**
 * Fresh things of the caller's to aim at (the fuzz deletes, leaves and blocks as it goes): two new
 * users, a friendship and a request, a private chat, a group the caller owns and one they are a
 * member of, messages in each, and cursors of the caller's lists.
 */
export async function reseed(server: TestServer, caller: Caller, seeds: Seeds): Promise<void> {
  // An operation of the previous batch may still be running on the server when its socket closed
  // (changePassword, logOutEverywhere): it can end the session this signs in with. Signed in again, it goes on.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await seedOnce(server, caller, seeds);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function seedOnce(server: TestServer, caller: Caller, seeds: Seeds): Promise<void> {
  await caller.ensureSignedIn();
  const me = caller.user;
  const [friend, other] = await Promise.all([signUpUser(server), signUpUser(server)]);
  const request = 'mutation R($userId: ID!) { sendFriendRequest(userId: $userId) { id } }';
  await postGraphQL(server.url, { query: request, variables: { userId: friend.id } }, { token: me.accessToken });
  await postGraphQL(server.url, { query: request, variables: { userId: me.id } }, { token: friend.accessToken });
  await postGraphQL(server.url, { query: request, variables: { userId: me.id } }, { token: other.accessToken });
  const chats = await Promise.all([openPrivateChat(server, me, friend), createGroup(server, me, [friend, other]), createGroup(server, friend, [me, other])]);
  const messages: string[] = [];
  for (const chatId of chats) {
    for (const author of [me, friend, me]) messages.push((await sendMessage(server, author, chatId, { body: `seed ${author.username}` })).id);
  }
  const lists = `{
    chats(first: 1) { pageInfo { endCursor } nodes { messages(first: 1) { pageInfo { endCursor } } } }
    friendships(first: 20) { pageInfo { endCursor } nodes { id } }
    users(first: 1) { pageInfo { endCursor } }
  }`;
  const result = await postGraphQL<{ friendships: { nodes: { id: string }[] } }>(server.url, { query: lists }, { token: me.accessToken });
  const tokens = await linkTokens(server, me);
  // Ids are replaced rather than added to, so that the pools stay small and operations often pair a chat with its own members.
  const replace = (pool: string[], values: string[]) => pool.splice(0, pool.length, ...values);
  replace(seeds.chatIds, chats);
  replace(seeds.messageIds, messages);
  replace(seeds.userIds, [me.id, friend.id, other.id]);
  replace(seeds.usernames, [friend.username, other.username]);
  replace(seeds.friendshipIds, result.data?.friendships.nodes.map((node) => node.id) ?? []);
  seeds.cursors.push(...[...JSON.stringify(result.data ?? {}).matchAll(/"endCursor":"([^"]+)"/g)].map((match) => match[1]!));
  replace(seeds.tokens, tokens);
}

/** One reader per server, so that each email of the outbox is parsed once. */
const outboxes = new WeakMap<TestServer, OutboxMailbox>();
function outboxOf(server: TestServer): OutboxMailbox {
  let outbox = outboxes.get(server);
  if (!outbox) outboxes.set(server, (outbox = new OutboxMailbox(join(server.config.dataDir, 'outbox'))));
  return outbox;
}

/** Fresh tokens of the caller's emailed links: a password reset, and a verification while the address is unverified. */
async function linkTokens(server: TestServer, me: TestUser): Promise<string[]> {
  const outbox = outboxOf(server);
  const about = async (subject: string) => (await outbox.to(me.email)).filter((mail) => mail.subject.includes(subject));
  const [resets, verifications] = [(await about('reset your password')).length, (await about('confirm your email address')).length];
  await postGraphQL(server.url, { query: 'mutation R($email: String!) { requestPasswordReset(email: $email) }', variables: { email: me.email } });
  const verification = await postGraphQL<{ requestEmailVerification: boolean }>(server.url, { query: 'mutation { requestEmailVerification }' }, { token: me.accessToken });
  const wanted: [string, number][] = [['reset your password', resets]];
  if (verification.data?.requestEmailVerification) wanted.push(['confirm your email address', verifications]);
  const tokens: string[] = [];
  for (const [subject, before] of wanted) {
    // The newest one: the outbox keeps every email, in the order they were written. None comes when an operation
    // of the previous batch, still running, changed the caller's address or deleted the account: no token then.
    const mails = await pollUntil(() => about(subject), (found) => found.length > before, 3_000, `an email about "${subject}"`).catch(() => []);
    if (mails.length > before) tokens.push(mails.at(-1)!.token!);
  }
  return tokens;
}

export type SocketOutcome =
  | { kind: 'answer'; answer: GraphQLAnswer }
  | { kind: 'subscribed' }
  | { kind: 'closed'; code: number };

/**
 * The first thing the server answers to an operation over the socket, then unsubscribes. A live
 * subscription that has nothing to send within `quietMs` counts as accepted; errors the server
 * raises later are still caught by the fuzz, from the server's log.
 */
export function firstOutcome(client: Client, query: string, variables: Record<string, unknown> | undefined, quietMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: SocketOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(outcome);
    };
    const unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (value) => settle({ kind: 'answer', answer: value as GraphQLAnswer }),
        error: (error) => {
          if (Array.isArray(error)) settle({ kind: 'answer', answer: { errors: error } });
          else settle({ kind: 'closed', code: typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 0 });
        },
        complete: () => settle({ kind: 'answer', answer: { data: null } }),
      },
    );
    const timer = setTimeout(() => settle({ kind: 'subscribed' }), quietMs);
  });
}
