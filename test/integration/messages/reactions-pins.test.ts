import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddReactionDocument,
  ConversationHistoryDocument,
  DeleteMessageDocument,
  PinMessageDocument,
  PinnedMessagesDocument,
  ReactionUsersDocument,
  RemoveReactionDocument,
  SetChatMemberRoleDocument,
  UnpinMessageDocument,
} from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUsers, type TestUser } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { expectRefused } from '../../helpers/expectations';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;
const users = <TCount extends number>(count: TCount) => signUpUsers(server, count);

const react = (user: TestUser, messageId: string, emoji: string) => server.request(AddReactionDocument, { messageId, emoji }, { token: user.accessToken });
const unreact = (user: TestUser, messageId: string, emoji: string) => server.request(RemoveReactionDocument, { messageId, emoji }, { token: user.accessToken });
const pin = (user: TestUser, messageId: string) => server.request(PinMessageDocument, { messageId }, { token: user.accessToken });
const unpin = (user: TestUser, messageId: string) => server.request(UnpinMessageDocument, { messageId }, { token: user.accessToken });

const reactionsOf = (messageId: string) => prisma().reaction.findMany({ where: { messageId }, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }] });

describe('reactions', () => {
  it('group per emoji in first-use order, one per user per emoji, adding twice changing nothing', async () => {
    const [ana, ben, cat] = await users(3);
    const chatId = await createGroup(server, ana, [ben, cat]);
    const { id } = await sendMessage(server, ana, chatId, { body: 'Ship it?' });
    expect((await react(ben, id, '👍')).errors).toBeUndefined();
    await react(cat, id, '🎉');
    await react(ana, id, '👍');
    const again = await react(ben, id, '👍');
    expect(again.data!.addReaction.reactions).toEqual([
      { emoji: '👍', count: 2, reactedByViewer: true, users: [{ id: ben.id }, { id: ana.id }] },
      { emoji: '🎉', count: 1, reactedByViewer: false, users: [{ id: cat.id }] },
    ]);
    expect(await reactionsOf(id)).toHaveLength(3);
    // Each viewer sees whether they reacted; the history reads the same.
    const seenByCat = await server.request(ConversationHistoryDocument, { chatId }, { token: cat.accessToken });
    expect(seenByCat.data!.messages.edges[0]!.node.reactions.map(({ emoji, reactedByViewer }) => [emoji, reactedByViewer])).toEqual([
      ['👍', false],
      ['🎉', true],
    ]);
  });

  it('take skin tones, ZWJ sequences and flags as one emoji, and an emoji without its presentation selector as the one with it', async () => {
    const [ana, ben] = await users(2);
    const { id } = await sendMessage(server, ana, await openPrivateChat(server, ana, ben));
    for (const emoji of ['👍🏽', '👩‍💻', '🇯🇵', '❤️']) expect((await react(ben, id, emoji)).errors).toBeUndefined();
    const result = await react(ana, id, '❤');
    expect(result.data!.addReaction.reactions.map(({ emoji, count }) => [emoji, count])).toEqual([
      ['👍🏽', 1],
      ['👩‍💻', 1],
      ['🇯🇵', 1],
      ['❤️', 2],
    ]);
  });

  it('refuse anything but one emoji as BAD_USER_INPUT, and a 21st emoji, storing nothing', async () => {
    const [ana, ben] = await users(2);
    const { id } = await sendMessage(server, ana, await openPrivateChat(server, ana, ben));
    for (const emoji of ['abc', '👍👍', '', '1', '👍 ']) expectRefused(await react(ben, id, emoji), 'BAD_USER_INPUT', 'emoji');
    const twenty = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '🥲', '😚', '🙂'];
    for (const emoji of twenty) expect((await react(ben, id, emoji)).errors).toBeUndefined();
    expectRefused(await react(ana, id, '🤔'), 'BAD_USER_INPUT', 'emoji');
    // An emoji already there can still be added by someone else.
    expect((await react(ana, id, '😀')).errors).toBeUndefined();
    expect(await reactionsOf(id)).toHaveLength(21);
  });

  it('hold 20 emoji at most when many are added at once', async () => {
    const [ana, ben] = await users(2);
    const { id } = await sendMessage(server, ana, await openPrivateChat(server, ana, ben));
    const emoji = ['🍎', '🍐', '🍊', '🍋', '🍌', '🍉', '🍇', '🍓', '🫐', '🍈', '🍒', '🍑', '🥭', '🍍', '🥥', '🥝', '🍅', '🍆', '🥑', '🥦', '🥬', '🥒', '🌶️', '🫑', '🌽'];
    const results = await Promise.all(emoji.map((each, index) => react(index % 2 ? ana : ben, id, each)));
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(20);
    expect(new Set((await reactionsOf(id)).map((reaction) => reaction.emoji)).size).toBe(20);
  });

  it('are removed by their author only, removing one that is not there changing nothing', async () => {
    const [ana, ben] = await users(2);
    const { id } = await sendMessage(server, ana, await openPrivateChat(server, ana, ben));
    await react(ben, id, '👍');
    expect((await unreact(ana, id, '👍')).data!.removeReaction.reactions).toHaveLength(1);
    expect((await unreact(ben, id, '👍')).data!.removeReaction.reactions).toEqual([]);
    expect(await reactionsOf(id)).toEqual([]);
  });

  it('list more reactors than the first few when asked, earliest first, and tell each viewer whether they are among them', async () => {
    const people = await users(15);
    const chatId = await createGroup(server, people[0]!, people.slice(1));
    const { id } = await sendMessage(server, people[0]!, chatId);
    const reactors = people.slice(0, 14);
    for (const person of reactors) await react(person, id, '🔥');
    const read = async (first: number | null, viewer = people[0]!) =>
      (await server.request(ReactionUsersDocument, { chatId, first }, { token: viewer.accessToken })).data!.messages.nodes[0]!.reactions[0]!;
    expect((await read(null)).users.map((user) => user.id)).toEqual(reactors.slice(0, 10).map((person) => person.id));
    expect((await read(14)).users.map((user) => user.id)).toEqual(reactors.map((person) => person.id));
    expect((await read(3)).users).toHaveLength(3);
    // The 13th reactor is past the first ten a page reads, and still sees their own reaction; the 15th person has none.
    expect(await read(null, people[12]!)).toMatchObject({ count: 14, reactedByViewer: true });
    expect(await read(null, people[14]!)).toMatchObject({ count: 14, reactedByViewer: false });
    // The same, read outside a page (a chat's last message: through the request's loaders).
    const viaLastMessage = async (viewer: TestUser) => {
      const query = 'query ($id: ID!) { chat(id: $id) { lastMessage { reactions { emoji count reactedByViewer users { id } } } } }';
      const result = await postGraphQL<{ chat: { lastMessage: { reactions: { count: number; reactedByViewer: boolean; users: { id: string }[] }[] } } }>(
        server.url,
        { query, variables: { id: chatId } },
        { token: viewer.accessToken },
      );
      return result.data!.chat.lastMessage.reactions[0]!;
    };
    expect(await viaLastMessage(people[12]!)).toMatchObject({ count: 14, reactedByViewer: true, users: reactors.slice(0, 10).map(({ id }) => ({ id })) });
    expect(await viaLastMessage(people[14]!)).toMatchObject({ count: 14, reactedByViewer: false });
    const tooMany = await server.request(ReactionUsersDocument, { chatId, first: 101 }, { token: people[0]!.accessToken });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("are NOT_FOUND on another chat's message and on an unknown one; a deleted message takes none and loses its own", async () => {
    const [ana, ben, outsider] = await users(3);
    const { id } = await sendMessage(server, ana, await openPrivateChat(server, ana, ben));
    await react(ben, id, '👍');
    for (const messageId of [id, UNKNOWN_ID]) {
      expectRefused(await react(outsider, messageId, '👍'), 'NOT_FOUND');
      expectRefused(await unreact(outsider, messageId, '👍'), 'NOT_FOUND');
    }
    await server.request(DeleteMessageDocument, { messageId: id }, { token: ana.accessToken });
    expect(await reactionsOf(id)).toEqual([]);
    expectRefused(await react(ben, id, '👍'), 'BAD_USER_INPUT', 'messageId');
  });
});

describe('pins', () => {
  it('in a private chat: either member pins and unpins; pinnedMessages lists the most recently pinned first', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    const first = await sendMessage(server, ana, chatId, { body: 'address' });
    const second = await sendMessage(server, ben, chatId, { body: 'time' });
    const pinned = await pin(ben, first.id);
    expect(pinned.data!.pinMessage.pinnedBy).toEqual({ id: ben.id });
    expect(pinned.data!.pinMessage.pinnedAt).not.toBeNull();
    await pin(ana, second.id);
    // Pinning again keeps its place.
    await pin(ben, first.id);
    const list = async () => (await server.request(PinnedMessagesDocument, { chatId }, { token: ana.accessToken })).data!.chat!.pinnedMessages.nodes.map((node) => node.id);
    expect(await list()).toEqual([second.id, first.id]);
    expect((await unpin(ana, first.id)).data!.unpinMessage).toMatchObject({ pinnedAt: null, pinnedBy: null });
    expect(await list()).toEqual([second.id]);
  });

  it('in a group: the owner and admins pin, a member gets FORBIDDEN, an outsider NOT_FOUND', async () => {
    const [owner, admin, member, outsider] = await users(4);
    const chatId = await createGroup(server, owner, [admin, member]);
    await server.request(SetChatMemberRoleDocument, { chatId, userId: admin.id, role: 'ADMIN' }, { token: owner.accessToken });
    const { id } = await sendMessage(server, member, chatId);
    expectRefused(await pin(member, id), 'FORBIDDEN');
    expectRefused(await pin(outsider, id), 'NOT_FOUND');
    expect((await pin(admin, id)).errors).toBeUndefined();
    expectRefused(await unpin(member, id), 'FORBIDDEN');
    expect((await unpin(owner, id)).errors).toBeUndefined();
  });

  it('refuse a deleted message, and a 101st pin, leaving the pins as they were; deleting a message unpins it', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    const messages = [];
    for (let index = 0; index < 102; index += 1) messages.push(await sendMessage(server, ana, chatId, { body: `m${index}` }));
    const deleted = messages.pop()!;
    await server.request(DeleteMessageDocument, { messageId: deleted.id }, { token: ana.accessToken });
    expectRefused(await pin(ana, deleted.id), 'BAD_USER_INPUT', 'messageId');
    await prisma().message.updateMany({ where: { id: { in: messages.slice(0, 100).map((message) => message.id) } }, data: { pinnedAt: new Date(), pinnedById: ana.id } });
    expectRefused(await pin(ben, messages[100]!.id), 'BAD_USER_INPUT', 'messageId');
    expect(await prisma().message.count({ where: { chatId, pinnedAt: { not: null } } })).toBe(100);
    await server.request(DeleteMessageDocument, { messageId: messages[0]!.id }, { token: ana.accessToken });
    expect(await prisma().message.count({ where: { chatId, pinnedAt: { not: null } } })).toBe(99);
    const page = await server.request(PinnedMessagesDocument, { chatId, first: 60 }, { token: ben.accessToken });
    const next = await server.request(PinnedMessagesDocument, { chatId, first: 60, after: page.data!.chat!.pinnedMessages.pageInfo.endCursor }, { token: ben.accessToken });
    const ids = [...page.data!.chat!.pinnedMessages.nodes, ...next.data!.chat!.pinnedMessages.nodes].map((node) => node.id);
    expect(new Set(ids).size).toBe(99);
    expect(next.data!.chat!.pinnedMessages.pageInfo.hasNextPage).toBe(false);
  });
});
