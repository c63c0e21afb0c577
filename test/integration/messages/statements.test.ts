import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddReactionDocument, PinMessageDocument } from '../../generated/graphql';
import { createGroup, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { signedInClient, subscribe } from '../../helpers/subscriptions';
import { png, uploadFile } from '../../helpers/uploads';
import { DeliveryTracker } from '../../../src/modules/messages/deliveries';
import type { ReceiptEvent } from '../../../src/realtime/topics';

/** The hot operations as a chat app asks for them, and the statements each may cost once the session is known. */
const HOT_OPERATIONS: { name: string; query: string; variables: (chatId: string, index: number) => Record<string, unknown>; statements: number }[] = [
  {
    name: 'sendMessage',
    query: `mutation ($input: SendMessageInput!) { sendMessage(input: $input) {
      id seq body clientId createdAt attachments { url } author { id username displayName avatarUrl } chat { id lastSeq } } }`,
    variables: (chatId, index) => ({ input: { chatId, body: `hello ${index}`, clientId: `statement-test-${index}` } }),
    statements: 1,
  },
  {
    name: 'messages (history page with authors)',
    query: `query ($chatId: ID!) { messages(chatId: $chatId, last: 50) {
      edges { cursor node { id seq body createdAt attachments { url thumbnailUrl name width height } author { id username displayName avatarUrl } } } pageInfo { hasPreviousPage } } }`,
    variables: (chatId) => ({ chatId }),
    statements: 1,
  },
  {
    name: 'messagesSince (catch-up page with authors)',
    query: `query ($chatId: ID!) { messagesSince(chatId: $chatId, afterSeq: 3, first: 50) { nodes { id seq body author { id username } } } }`,
    variables: (chatId) => ({ chatId }),
    statements: 1,
  },
  {
    name: 'chats (list page with last messages, members, unread counts)',
    query: `{ chats(first: 20) { nodes { id kind name lastSeq unreadCount viewerMembership { role lastReadSeq }
      lastMessage { id seq body author { id username } } members { role lastReadSeq user { id username displayName avatarUrl } } } } }`,
    variables: () => ({}),
    statements: 1,
  },
  {
    name: 'sendMessage (a reply with two mentions)',
    query: `mutation ($input: SendMessageInput!) { sendMessage(input: $input) {
      id seq body replyTo { id body author { id username } } mentions { id username } author { id username } chat { id lastSeq } } }`,
    variables: (chatId, index) => ({ input: { chatId, body: `re ${index}`, replyToId: firstMessageId, mentionUserIds: mentionable } }),
    statements: 1,
  },
  {
    name: 'messages (history page with replies, mentions, reactions and pins)',
    query: `query ($chatId: ID!) { messages(chatId: $chatId, last: 50) { edges { cursor node { id seq body createdAt
      author { id username } replyTo { id body author { id username } } mentions { id username }
      reactions { emoji count reactedByViewer users { id username } } pinnedAt pinnedBy { id username } } } } }`,
    variables: (chatId) => ({ chatId }),
    statements: 1,
  },
  {
    name: 'chats (list page with unread mentions)',
    query: '{ chats(first: 20) { nodes { id unreadCount unreadMentionCount viewerMembership { pinnedAt archived mutedUntil } lastMessage { id body } } } }',
    variables: () => ({}),
    statements: 1,
  },
  {
    name: 'unreadSummary',
    query: '{ unreadSummary { chats messages mentions } }',
    variables: () => ({}),
    statements: 1,
  },
  {
    name: 'searchMessages',
    query: 'query { searchMessages(query: "message", first: 20) { edges { cursor highlight node { id seq body createdAt } } } }',
    variables: () => ({}),
    statements: 1,
  },
  {
    name: 'markChatRead',
    query: 'mutation ($chatId: ID!) { markChatRead(chatId: $chatId) { lastReadSeq lastDeliveredSeq } }',
    variables: (chatId) => ({ chatId }),
    statements: 1,
  },
];

/** What the hot reply mentions and answers (set up below). */
let firstMessageId: string;
let mentionable: string[];

let counting = false;
const statements: string[] = [];
let server: TestServer;
let viewer: TestUser;
let chatId: string;
beforeAll(async () => {
  // Sessions are kept for a minute here, so that a slow machine cannot turn a cache hit into a read.
  server = await startTestServer({
    databaseOptions: { onQuery: (sql) => counting && statements.push(sql) },
    sessionCache: { lifetimeMs: 60_000 },
  });
  viewer = await signUpUser(server);
  const others = await Promise.all([signUpUser(server), signUpUser(server)]);
  chatId = await createGroup(server, viewer, others);
  for (const [index, author] of [viewer, ...others, viewer, ...others].entries()) await sendMessage(server, author, chatId, { body: `message ${index}` });
  mentionable = others.map((other) => other.id);
  firstMessageId = (await sendMessage(server, others[0]!, chatId, { body: 'answer me', mentionUserIds: [viewer.id] })).id;
  for (const [emoji, who] of [['👍', others[0]!], ['👍', viewer], ['🎉', others[1]!]] as const) {
    expect((await server.request(AddReactionDocument, { messageId: firstMessageId, emoji }, { token: who.accessToken })).errors).toBeUndefined();
  }
  expect((await server.request(PinMessageDocument, { messageId: firstMessageId }, { token: viewer.accessToken })).errors).toBeUndefined();
  // Pages then hold uploads too, whose links are signed as they are read, with no statement of their own.
  const photo = await uploadFile(server, viewer, { bytes: await png(), name: 'dot.png', mimeType: 'image/png' });
  await sendMessage(server, viewer, chatId, { body: null, attachments: [{ uploadId: photo.id }, { url: 'https://example.com/a.pdf' }] });
});
afterAll(() => server.close());

describe('hot operations', () => {
  it.each(HOT_OPERATIONS)('$name runs $statements statement(s)', async ({ query, variables, statements: allowed }) => {
    const run = async (index: number) => {
      const result = await postGraphQL(server.url, { query, variables: variables(chatId, index) }, { token: viewer.accessToken });
      expect(result.errors).toBeUndefined();
    };
    await run(0);
    statements.length = 0;
    counting = true;
    await run(1);
    counting = false;
    console.log(`${statements.length} statement(s):\n${statements.map((sql) => `  ${sql.trim().split('\n')[0]!.slice(0, 100)}`).join('\n')}`);
    expect(statements).toHaveLength(allowed);
  });
});

describe('a send with uploads', () => {
  it('runs 1 statement: the uploads are checked, locked and attached by the same statement', async () => {
    const photos = [];
    for (let index = 0; index < 2; index += 1) photos.push(await uploadFile(server, viewer, { bytes: await png(), name: `p${index}.png`, mimeType: 'image/png' }));
    const query = 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id seq attachments { url thumbnailUrl name mimeType sizeBytes width height } } }';
    const run = async (uploadId: string) => {
      const result = await postGraphQL(server.url, { query, variables: { input: { chatId, attachments: [{ uploadId }] } } }, { token: viewer.accessToken });
      expect(result.errors).toBeUndefined();
    };
    await run(photos[0]!.id);
    statements.length = 0;
    counting = true;
    await run(photos[1]!.id);
    counting = false;
    expect(statements).toHaveLength(1);
  });
});

describe('deliveries', () => {
  it('cost one statement for the send and none per receiver: the author and the chat come with the event', async () => {
    const author = await signUpUser(server);
    const recipients = await Promise.all(Array.from({ length: 4 }, () => signUpUser(server)));
    const group = await createGroup(server, author, recipients);
    const clients = recipients.map((recipient) => signedInClient(server, recipient.accessToken));
    const live = 'subscription ($c: ID) { messageAdded(chatId: $c) { id seq body createdAt author { id username displayName avatarUrl } chat { id } } }';
    const messages = clients.map((client) => subscribe<{ seq: number; author: { id: string }; chat: { id: string } }>(client, live, { c: group }));
    // Probes until every subscription is live (a subscribe has no acknowledgement).
    for (let attempt = 1; ; attempt += 1) {
      const probe = await sendMessage(server, author, group, { body: `probe ${attempt}` });
      const arrived = messages.map((subscription) => subscription.waitForEvent((event) => event.seq === probe.seq, 500));
      if ((await Promise.allSettled(arrived)).every((outcome) => outcome.status === 'fulfilled')) break;
      if (attempt === 20) throw new Error('the subscriptions never went live');
    }
    statements.length = 0;
    counting = true;
    // Selecting only what the author needs back: no `status`, which reads the members.
    const result = await postGraphQL<{ sendMessage: { seq: number } }>(
      server.url,
      { query: 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { seq } }', variables: { input: { chatId: group, body: 'to everyone' } } },
      { token: author.accessToken },
    );
    const sent = result.data!.sendMessage;
    const received = await Promise.all(messages.map((subscription) => subscription.waitForEvent((event) => event.seq === sent.seq)));
    counting = false;
    expect(received.map((event) => [event.author.id, event.chat.id])).toEqual(recipients.map(() => [author.id, group]));
    // Delivered pointers may be written meanwhile (their own statement, tested below); nothing else.
    expect(statements.filter((sql) => !/UPDATE "ChatMember" m SET "lastDeliveredSeq"/.test(sql))).toEqual([expect.stringMatching(/INSERT INTO "Message"/)]);
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it("record every recipient's delivered pointer of a tick in one statement, and report each pointer that moved", async () => {
    const author = await signUpUser(server);
    const recipients = await Promise.all(Array.from({ length: 4 }, () => signUpUser(server)));
    const group = await createGroup(server, author, recipients);
    const outsider = await signUpUser(server);
    const sent = await sendMessage(server, author, group, { body: 'to everyone' });
    // Each bus message the tracker publishes: a tick's receipts travel as one (one Redis publish, not one per pointer).
    const messages: ReceiptEvent[][] = [];
    const publisher = { publish: (_topic: string, event: unknown) => messages.push([event as ReceiptEvent]), publishAll: (_topic: string, events: unknown[]) => messages.push(events as ReceiptEvent[]) };
    const tracker = new DeliveryTracker(server.parley.database.sql, publisher, server.parley.logger);
    // A tick's pushes: every recipient (one of them twice, the later seq winning), and an outsider's, which is ignored.
    for (const recipient of recipients) tracker.delivered(group, recipient.id, sent.seq);
    tracker.delivered(group, recipients[0]!.id, sent.seq - 1);
    tracker.delivered(group, outsider.id, sent.seq);
    statements.length = 0;
    counting = true;
    await tracker.close();
    counting = false;
    expect(statements).toHaveLength(1);
    expect(messages).toHaveLength(1);
    const published = messages.flat();
    expect(published.map(({ receipt }) => [receipt.userId, receipt.lastDeliveredSeq]).sort()).toEqual(recipients.map((recipient) => [recipient.id, sent.seq]).sort());
    const members = await server.parley.database.prisma.chatMember.findMany({ where: { chatId: group, userId: { in: recipients.map((r) => r.id) } } });
    expect(members.map((member) => member.lastDeliveredSeq)).toEqual(recipients.map(() => sent.seq));
    // Nothing moves the second time: nothing is reported.
    for (const recipient of recipients) tracker.delivered(group, recipient.id, sent.seq);
    await tracker.close();
    expect(messages.flat()).toHaveLength(recipients.length);
  });
});
