import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationHistoryDocument, DeleteMessageDocument, EditMessageDocument, SearchMessagesDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUsers, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { expectRefused } from '../../helpers/expectations';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;

const search = (viewer: TestUser, query: string, more: { chatId?: string; first?: number; after?: string } = {}) =>
  server.request(SearchMessagesDocument, { query, ...more }, { token: viewer.accessToken });
const bodiesFound = async (viewer: TestUser, query: string, chatId?: string) => {
  const result = await search(viewer, query, { chatId });
  expect(result.errors).toBeUndefined();
  return result.data!.searchMessages.edges.map((edge) => edge.node.body);
};

describe('searchMessages', () => {
  let ana: TestUser;
  let ben: TestUser;
  let outsider: TestUser;
  let chatId: string;
  let otherChat: string;
  beforeAll(async () => {
    [ana, ben, outsider] = await signUpUsers(server, 3);
    chatId = await openPrivateChat(server, ana, ben);
    otherChat = await createGroup(server, ben, [outsider]);
    for (const body of [
      'The deployment went fine',
      'Déjà vu: the CAFÉ is closed',
      'deploy the cafe app tomorrow',
      'Mail me at ana@example.com',
      'nothing to see here',
      '<b>bold</b> & deploy',
    ]) {
      await sendMessage(server, ana, chatId, { body });
    }
    await sendMessage(server, ben, otherChat, { body: 'secret deploy plans' });
  });

  it('finds every word, ignoring case and accents, the last word also as a prefix, newest first', async () => {
    expect(await bodiesFound(ana, 'deploy')).toEqual(['<b>bold</b> & deploy', 'deploy the cafe app tomorrow', 'The deployment went fine']);
    expect(await bodiesFound(ana, 'cafe deploy')).toEqual(['deploy the cafe app tomorrow']);
    expect(await bodiesFound(ana, 'DEJA CAFÉ')).toEqual(['Déjà vu: the CAFÉ is closed']);
    // Only the last word is a prefix.
    expect(await bodiesFound(ana, 'dep cafe')).toEqual([]);
    expect(await bodiesFound(ana, 'ana@example.com')).toEqual(['Mail me at ana@example.com']);
    expect(await bodiesFound(ana, 'example')).toEqual(['Mail me at ana@example.com']);
  });

  it('highlights the matches with <mark>, everything else HTML-escaped', async () => {
    const result = await search(ana, 'deploy');
    expect(result.data!.searchMessages.edges.map((edge) => edge.highlight)).toEqual([
      '&lt;b&gt;bold&lt;/b&gt; &amp; <mark>deploy</mark>',
      '<mark>deploy</mark> the cafe app tomorrow',
      'The <mark>deployment</mark> went fine',
    ]);
    expect((await search(ana, 'deja cafe')).data!.searchMessages.edges[0]!.highlight).toBe('<mark>Déjà</mark> vu: the <mark>CAFÉ</mark> is closed');
  });

  it('searches only the chats the viewer is in, or the one asked for (NOT_FOUND for others)', async () => {
    expect(await bodiesFound(outsider, 'deploy')).toEqual(['secret deploy plans']);
    expect(await bodiesFound(ben, 'deploy', otherChat)).toEqual(['secret deploy plans']);
    expect(await bodiesFound(ben, 'deploy', chatId)).toHaveLength(3);
    expect(await bodiesFound(ben, 'deploy')).toHaveLength(4);
    expectRefused(await search(outsider, 'deploy', { chatId }), 'NOT_FOUND');
    expectRefused(await search(outsider, 'deploy', { chatId: UNKNOWN_ID }), 'NOT_FOUND');
  });

  it('never finds deleted messages, and finds edited ones by their new words', async () => {
    const [one, two] = await signUpUsers(server, 2);
    const chat = await openPrivateChat(server, one, two);
    const kept = await sendMessage(server, one, chat, { body: 'quarterly numbers draft' });
    const removed = await sendMessage(server, one, chat, { body: 'quarterly numbers leaked' });
    await server.request(DeleteMessageDocument, { messageId: removed.id }, { token: one.accessToken });
    await server.request(EditMessageDocument, { messageId: kept.id, body: 'annual numbers final' }, { token: one.accessToken });
    expect(await bodiesFound(two, 'quarterly')).toEqual([]);
    expect(await bodiesFound(two, 'annual numbers')).toEqual(['annual numbers final']);
  });

  it('stores a message whose word is near the longest a search vector holds, found by its words', async () => {
    const [one, two] = await signUpUsers(server, 2);
    const chat = await openPrivateChat(server, one, two);
    // A lexeme holds at most 2,047 bytes: anything that adds to the body's words (a prefix, a key) must keep such words storable.
    const body = `giant ${'x'.repeat(2_044)} word`;
    await sendMessage(server, one, chat, { body });
    const short = await sendMessage(server, one, chat, { body: 'short' });
    const edited = await server.request(EditMessageDocument, { messageId: short.id, body: `tall ${'y'.repeat(2_030)}` }, { token: one.accessToken });
    expect(edited.errors).toBeUndefined();
    expect(await bodiesFound(two, 'giant word')).toEqual([body]);
    expect(await bodiesFound(two, `tall ${'y'.repeat(150)}`)).toHaveLength(1);
  });

  it('pages newest first with cursors, without skipping or repeating', async () => {
    const [one, two] = await signUpUsers(server, 2);
    const chat = await openPrivateChat(server, one, two);
    for (let index = 0; index < 7; index += 1) await sendMessage(server, one, chat, { body: `report ${index}` });
    const first = await search(two, 'report', { first: 3 });
    expect(first.data!.searchMessages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const seen = first.data!.searchMessages.edges.map((edge) => edge.node.body);
    let after = first.data!.searchMessages.pageInfo.endCursor!;
    for (;;) {
      const page = (await search(two, 'report', { first: 3, after })).data!.searchMessages;
      seen.push(...page.edges.map((edge) => edge.node.body));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((index) => `report ${index}`));
  });

  it('refuses an empty, wordless or too long query, and a made-up cursor, as BAD_USER_INPUT', async () => {
    expectRefused(await search(ana, ''), 'BAD_USER_INPUT', 'query');
    expectRefused(await search(ana, ' ?! '), 'BAD_USER_INPUT', 'query');
    expectRefused(await search(ana, 'x'.repeat(201)), 'BAD_USER_INPUT', 'query');
    expectRefused(await search(ana, 'deploy', { after: 'bm90IGEgY3Vyc29y' }), 'BAD_USER_INPUT', 'after');
    expectRefused(await search(ana, 'deploy', { first: 101 }), 'BAD_USER_INPUT', 'first');
  });
});

describe('messages(at:): jump to a date', () => {
  it('pages forward from the first message at or after the instant, and back from the last one before it; cursors page on', async () => {
    const [ana, ben] = await signUpUsers(server, 2);
    const chatId = await openPrivateChat(server, ana, ben);
    for (let seq = 1; seq <= 10; seq += 1) await sendMessage(server, ana, chatId, { body: `day ${seq}` });
    // Spread the messages over ten days, one a day (seqs follow send times, as sends make them).
    const start = Date.UTC(2026, 0, 1);
    for (let seq = 1; seq <= 10; seq += 1) {
      await prisma().message.updateMany({ where: { chatId, seq }, data: { createdAt: new Date(start + (seq - 1) * 86_400_000) } });
    }
    const at = new Date(start + 4 * 86_400_000 - 1).toISOString(); // just before day 5
    const history = (args: Record<string, unknown>) => server.request(ConversationHistoryDocument, { chatId, ...args }, { token: ben.accessToken });
    const forward = (await history({ at, first: 3 })).data!.messages;
    expect(forward.edges.map((edge) => edge.node.seq)).toEqual([5, 6, 7]);
    expect(forward.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = (await history({ at, last: 3 })).data!.messages;
    expect(back.edges.map((edge) => edge.node.seq)).toEqual([2, 3, 4]);
    expect(back.pageInfo.hasPreviousPage).toBe(true);
    expect((await history({ first: 3, after: forward.pageInfo.endCursor })).data!.messages.edges.map((edge) => edge.node.seq)).toEqual([8, 9, 10]);
    expect((await history({ last: 3, before: back.pageInfo.startCursor })).data!.messages.edges.map((edge) => edge.node.seq)).toEqual([1]);
    // At an instant after everything: nothing forward, the newest backward.
    const later = new Date(start + 30 * 86_400_000).toISOString();
    expect((await history({ at: later, first: 3 })).data!.messages.edges).toEqual([]);
    expect((await history({ at: later, last: 2 })).data!.messages.edges.map((edge) => edge.node.seq)).toEqual([9, 10]);
    expectRefused(await history({ at, after: forward.pageInfo.endCursor, first: 3 }), 'BAD_USER_INPUT', 'at');
  });
});
