import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteMessageDocument, EditMessageDocument, MessagesDocument, SetChatMemberRoleDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;

const edit = (viewer: TestUser, messageId: string, body: string) =>
  server.request(EditMessageDocument, { messageId, body }, { token: viewer.accessToken });
const remove = (viewer: TestUser, messageId: string) => server.request(DeleteMessageDocument, { messageId }, { token: viewer.accessToken });

/** The stored message with its attachments: to check that a refused change left it as it was. */
const stored = (id: string) => prisma().message.findUniqueOrThrow({ where: { id }, include: { attachments: { orderBy: { position: 'asc' } } } });

function expectError(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

/** Expects `attempt` to fail with `code` and leave the message exactly as it was. */
async function expectRefusedUnchanged(messageId: string, attempt: () => Promise<GraphQLResponse<object>>, code: string, field?: string) {
  const before = await stored(messageId);
  expectError(await attempt(), code, field);
  expect(await stored(messageId)).toEqual(before);
}

async function privateChat(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  return { alice, bob, chatId: await openPrivateChat(server, alice, bob) };
}

/** A group of an owner, an admin and two plain members. */
async function group(): Promise<{ owner: TestUser; admin: TestUser; member: TestUser; other: TestUser; chatId: string }> {
  const [owner, admin, member, other] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server), signUpUser(server)]);
  const chatId = await createGroup(server, owner, [admin, member, other]);
  const promoted = await server.request(SetChatMemberRoleDocument, { chatId, userId: admin.id, role: 'ADMIN' }, { token: owner.accessToken });
  expect(promoted.data?.setChatMemberRole.role).toBe('ADMIN');
  return { owner, admin, member, other, chatId };
}

const photo = { url: 'https://files.example.com/p.png', name: 'p.png', mimeType: 'image/png', sizeBytes: 42 };

describe('editMessage', () => {
  it('lets the author change the body, trimmed, setting editedAt and keeping seq', async () => {
    const { alice, bob, chatId } = await privateChat();
    await sendMessage(server, bob, chatId);
    const message = await sendMessage(server, alice, chatId, { body: 'first draft' });
    const result = await edit(alice, message.id, '  second draft \n');
    expect(result.errors).toBeUndefined();
    const edited = result.data!.editMessage;
    expect(edited).toMatchObject({ id: message.id, seq: 2, body: 'second draft', deletedAt: null });
    expect(edited.editedAt).not.toBeNull();
    expect(Math.abs(new Date(edited.editedAt!).getTime() - Date.now())).toBeLessThan(60_000);
    expect(new Date(edited.editedAt!).getTime()).toBeGreaterThanOrEqual(new Date(edited.createdAt).getTime());
    expect((await stored(message.id)).body).toBe('second draft');
  });

  it("refuses another member's edit with FORBIDDEN and changes nothing", async () => {
    const { alice, bob, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId, { body: 'mine' });
    await expectRefusedUnchanged(message.id, () => edit(bob, message.id, 'yours now'), 'FORBIDDEN');
  });

  it('refuses an empty body and one over 4000 characters', async () => {
    const { alice, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId, { body: 'keep me' });
    await expectRefusedUnchanged(message.id, () => edit(alice, message.id, '   '), 'BAD_USER_INPUT', 'body');
    await expectRefusedUnchanged(message.id, () => edit(alice, message.id, 'x'.repeat(4001)), 'BAD_USER_INPUT', 'body');
    expect((await edit(alice, message.id, 'x'.repeat(4000))).data?.editMessage.body).toHaveLength(4000);
  });

  it('refuses an edit more than 48 hours after sending with FORBIDDEN', async () => {
    const { alice, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId, { body: 'old news' });
    await prisma().message.update({ where: { id: message.id }, data: { createdAt: new Date(Date.now() - 49 * 3600 * 1000) } });
    await expectRefusedUnchanged(message.id, () => edit(alice, message.id, 'too late'), 'FORBIDDEN');
  });

  it('refuses to edit a deleted message', async () => {
    const { alice, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId, { body: 'gone soon' });
    expect((await remove(alice, message.id)).errors).toBeUndefined();
    await expectRefusedUnchanged(message.id, () => edit(alice, message.id, 'back again'), 'BAD_USER_INPUT', 'messageId');
  });
});

describe('deleteMessage', () => {
  it('lets the author delete: body and attachments go, seq stays, and history shows it deleted between its neighbours', async () => {
    const { alice, bob, chatId } = await privateChat();
    await sendMessage(server, bob, chatId, { body: 'before' });
    const message = await sendMessage(server, alice, chatId, { body: 'regrettable', attachments: [photo] });
    await sendMessage(server, bob, chatId, { body: 'after' });
    const result = await remove(alice, message.id);
    expect(result.errors).toBeUndefined();
    const deleted = result.data!.deleteMessage;
    expect(deleted).toMatchObject({ id: message.id, seq: 2, body: null, attachments: [] });
    expect(Math.abs(new Date(deleted.deletedAt!).getTime() - Date.now())).toBeLessThan(60_000);
    expect(await prisma().attachment.count({ where: { messageId: message.id } })).toBe(0);
    for (const reader of [alice, bob]) {
      const history = (await server.request(MessagesDocument, { chatId }, { token: reader.accessToken })).data!.messages;
      expect(history.edges.map(({ node }) => [node.seq, node.body, node.deletedAt !== null])).toEqual([
        [1, 'before', false],
        [2, null, true],
        [3, 'after', false],
      ]);
    }
  });

  it("lets a group's owner and an admin delete others' messages", async () => {
    const { owner, admin, member, chatId } = await group();
    const first = await sendMessage(server, member, chatId, { body: 'spam' });
    const second = await sendMessage(server, member, chatId, { body: 'more spam' });
    const byOwner = await remove(owner, first.id);
    const byAdmin = await remove(admin, second.id);
    for (const [result, id] of [
      [byOwner, first.id],
      [byAdmin, second.id],
    ] as const) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.deleteMessage).toMatchObject({ id, body: null });
      expect(result.data!.deleteMessage.deletedAt).not.toBeNull();
    }
  });

  it("refuses a plain member deleting another's message in a group with FORBIDDEN, changing nothing", async () => {
    const { member, other, chatId } = await group();
    const message = await sendMessage(server, other, chatId, { body: 'mine', attachments: [photo] });
    await expectRefusedUnchanged(message.id, () => remove(member, message.id), 'FORBIDDEN');
  });

  it("refuses the other person in a private chat deleting one's message with FORBIDDEN", async () => {
    const { alice, bob, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId, { body: 'mine' });
    await expectRefusedUnchanged(message.id, () => remove(bob, message.id), 'FORBIDDEN');
  });

  it('returns the deleted message when it is deleted twice', async () => {
    const { alice, chatId } = await privateChat();
    const message = await sendMessage(server, alice, chatId);
    const first = (await remove(alice, message.id)).data!.deleteMessage;
    const second = await remove(alice, message.id);
    expect(second.errors).toBeUndefined();
    expect(second.data!.deleteMessage).toMatchObject({ id: message.id, seq: first.seq, body: null, deletedAt: first.deletedAt });
  });
});

describe('editMessage and deleteMessage on messages the viewer cannot see', () => {
  it('reports an unknown message id as NOT_FOUND', async () => {
    const alice = await signUpUser(server);
    expectError(await edit(alice, UNKNOWN_ID, 'hello'), 'NOT_FOUND');
    expectError(await remove(alice, UNKNOWN_ID), 'NOT_FOUND');
  });

  it('reports a message of a chat the viewer is not in as NOT_FOUND and leaves it unchanged', async () => {
    const { alice, chatId } = await privateChat();
    const stranger = await signUpUser(server);
    const message = await sendMessage(server, alice, chatId, { body: 'private' });
    await expectRefusedUnchanged(message.id, () => edit(stranger, message.id, 'hijacked'), 'NOT_FOUND');
    await expectRefusedUnchanged(message.id, () => remove(stranger, message.id), 'NOT_FOUND');
  });
});
