import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddChatMembersDocument,
  ChatDocument,
  CreateGroupChatDocument,
  LeaveChatDocument,
  MessagesDocument,
  RemoveChatMemberDocument,
  RenameChatDocument,
  SetChatMemberRoleDocument,
} from '../../generated/graphql';
import { createGroup, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const users = (count: number) => Promise.all(Array.from({ length: count }, () => signUpUser(server)));
const prisma = () => server.parley.database.prisma;
const roleOf = async (chatId: string, user: TestUser) =>
  (await prisma().chatMember.findUnique({ where: { chatId_userId: { chatId, userId: user.id } } }))?.role ?? null;

/** A group with an owner, an admin (joined first) and two members. */
async function staffedGroup() {
  const [owner, admin, member, other] = (await users(4)) as [TestUser, TestUser, TestUser, TestUser];
  const chatId = await createGroup(server, owner, [admin, member, other]);
  await server.request(SetChatMemberRoleDocument, { chatId, userId: admin.id, role: 'ADMIN' }, { token: owner.accessToken });
  return { chatId, owner, admin, member, other };
}

describe('creating a group', () => {
  it('makes the creator OWNER and the others MEMBERs, with a trimmed name', async () => {
    const [owner, a, b] = (await users(3)) as [TestUser, TestUser, TestUser];
    const result = await server.request(
      CreateGroupChatDocument,
      { input: { name: '  Book club  ', memberIds: [a.id, b.id, a.id, owner.id] } },
      { token: owner.accessToken },
    );
    const chat = result.data!.createGroupChat;
    expect(chat).toMatchObject({ kind: 'GROUP', name: 'Book club', lastSeq: 0, viewerMembership: { role: 'OWNER' } });
    expect(chat.members.map((m) => [m.user.id, m.role])).toEqual(
      expect.arrayContaining([[owner.id, 'OWNER'], [a.id, 'MEMBER'], [b.id, 'MEMBER']]),
    );
    expect(chat.members).toHaveLength(3);
  });

  it.each([['an empty name', '   '], ['a name over 64 characters', 'n'.repeat(65)]])('refuses %s and stores nothing', async (_, name) => {
    const [owner] = (await users(1)) as [TestUser];
    const result = await server.request(CreateGroupChatDocument, { input: { name, memberIds: [] } }, { token: owner.accessToken });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await prisma().chatMember.count({ where: { userId: owner.id } })).toBe(0);
  });

  it('refuses unknown member ids and stores nothing', async () => {
    const [owner, a] = (await users(2)) as [TestUser, TestUser];
    const result = await server.request(CreateGroupChatDocument, { input: { name: 'x', memberIds: [a.id, 'nobody'] } }, { token: owner.accessToken });
    expect(result.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await prisma().chatMember.count({ where: { userId: owner.id } })).toBe(0);
  });

  it('refuses more than 1000 members in all', async () => {
    const [owner] = (await users(1)) as [TestUser];
    const memberIds = Array.from({ length: 1000 }, (_, index) => `id-${index}`);
    const result = await server.request(CreateGroupChatDocument, { input: { name: 'crowd', memberIds } }, { token: owner.accessToken });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds' });
  });
});

describe('membership', () => {
  it('lets the owner and admins add members, skipping those already in, and new members start with nothing unread', async () => {
    const { chatId, owner, admin } = await staffedGroup();
    await sendMessage(server, owner, chatId);
    const [newcomer, another] = (await users(2)) as [TestUser, TestUser];
    const added = await server.request(AddChatMembersDocument, { chatId, userIds: [newcomer.id, admin.id] }, { token: admin.accessToken });
    expect(added.data?.addChatMembers.members).toHaveLength(5);
    const seen = await server.request(ChatDocument, { id: chatId }, { token: newcomer.accessToken });
    expect(seen.data?.chat).toMatchObject({ unreadCount: 0, viewerMembership: { role: 'MEMBER', lastReadSeq: 1 } });
    const byOwner = await server.request(AddChatMembersDocument, { chatId, userIds: [another.id] }, { token: owner.accessToken });
    expect(byOwner.data?.addChatMembers.members).toHaveLength(6);
  });

  it('refuses additions by plain members', async () => {
    const { chatId, member } = await staffedGroup();
    const [outsider] = (await users(1)) as [TestUser];
    const result = await server.request(AddChatMembersDocument, { chatId, userIds: [outsider.id] }, { token: member.accessToken });
    expect(result.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await roleOf(chatId, outsider)).toBeNull();
  });

  it('refuses to pass 1000 members', async () => {
    const { chatId, owner } = await staffedGroup();
    const filler = Array.from({ length: 996 }, (_, index) => ({
      id: `filler-${chatId}-${index}`,
      username: `f${index}${chatId.slice(-8)}`,
      usernameKey: `f${index}${chatId.slice(-8)}`.toLowerCase(),
      email: `f${index}-${chatId}@example.com`,
      emailKey: `f${index}-${chatId}@example.com`,
      passwordHash: 'x',
    }));
    await prisma().user.createMany({ data: filler });
    await prisma().chatMember.createMany({ data: filler.slice(0, 995).map((user) => ({ chatId, userId: user.id })) });
    const last = filler[995]!;
    const [outsider] = (await users(1)) as [TestUser];
    const atCap = await server.request(AddChatMembersDocument, { chatId, userIds: [last.id] }, { token: owner.accessToken });
    expect(atCap.data?.addChatMembers.members).toHaveLength(1000);
    const over = await server.request(AddChatMembersDocument, { chatId, userIds: [outsider.id] }, { token: owner.accessToken });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userIds' });
    expect(await prisma().chatMember.count({ where: { chatId } })).toBe(1000);
  });

  it('lets admins remove members but not admins or the owner; the owner removes admins', async () => {
    const { chatId, owner, admin, member } = await staffedGroup();
    const [secondAdmin] = (await users(1)) as [TestUser];
    await server.request(AddChatMembersDocument, { chatId, userIds: [secondAdmin.id] }, { token: owner.accessToken });
    await server.request(SetChatMemberRoleDocument, { chatId, userId: secondAdmin.id, role: 'ADMIN' }, { token: owner.accessToken });

    const adminOnAdmin = await server.request(RemoveChatMemberDocument, { chatId, userId: secondAdmin.id }, { token: admin.accessToken });
    expect(adminOnAdmin.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const adminOnOwner = await server.request(RemoveChatMemberDocument, { chatId, userId: owner.id }, { token: admin.accessToken });
    expect(adminOnOwner.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const adminOnMember = await server.request(RemoveChatMemberDocument, { chatId, userId: member.id }, { token: admin.accessToken });
    expect(adminOnMember.errors).toBeUndefined();
    const ownerOnAdmin = await server.request(RemoveChatMemberDocument, { chatId, userId: secondAdmin.id }, { token: owner.accessToken });
    expect(ownerOnAdmin.errors).toBeUndefined();
    expect([await roleOf(chatId, member), await roleOf(chatId, secondAdmin), await roleOf(chatId, owner)]).toEqual([null, null, 'OWNER']);
  });

  it('refuses removals by plain members and of people not in the chat', async () => {
    const { chatId, admin, member, other } = await staffedGroup();
    const byMember = await server.request(RemoveChatMemberDocument, { chatId, userId: other.id }, { token: member.accessToken });
    expect(byMember.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const [outsider] = (await users(1)) as [TestUser];
    const notIn = await server.request(RemoveChatMemberDocument, { chatId, userId: outsider.id }, { token: admin.accessToken });
    expect(notIn.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await roleOf(chatId, other)).toBe('MEMBER');
  });

  it('cuts a removed member off the chat at once', async () => {
    const { chatId, owner, member } = await staffedGroup();
    await sendMessage(server, owner, chatId, { body: 'secret plans' });
    await server.request(RemoveChatMemberDocument, { chatId, userId: member.id }, { token: owner.accessToken });
    expect((await server.request(ChatDocument, { id: chatId }, { token: member.accessToken })).data?.chat).toBeNull();
    const history = await server.request(MessagesDocument, { chatId }, { token: member.accessToken });
    expect(history.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('roles', () => {
  it('are changed by the owner only', async () => {
    const { chatId, admin, member } = await staffedGroup();
    const byAdmin = await server.request(SetChatMemberRoleDocument, { chatId, userId: member.id, role: 'ADMIN' }, { token: admin.accessToken });
    expect(byAdmin.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await roleOf(chatId, member)).toBe('MEMBER');
  });

  it('let the owner promote and demote admins', async () => {
    const { chatId, owner, admin, member } = await staffedGroup();
    const promoted = await server.request(SetChatMemberRoleDocument, { chatId, userId: member.id, role: 'ADMIN' }, { token: owner.accessToken });
    expect(promoted.data?.setChatMemberRole).toEqual({ role: 'ADMIN', user: { id: member.id } });
    await server.request(SetChatMemberRoleDocument, { chatId, userId: admin.id, role: 'MEMBER' }, { token: owner.accessToken });
    expect([await roleOf(chatId, member), await roleOf(chatId, admin)]).toEqual(['ADMIN', 'MEMBER']);
  });

  it('hand ownership over when the owner makes someone OWNER', async () => {
    const { chatId, owner, member } = await staffedGroup();
    await server.request(SetChatMemberRoleDocument, { chatId, userId: member.id, role: 'OWNER' }, { token: owner.accessToken });
    expect([await roleOf(chatId, member), await roleOf(chatId, owner)]).toEqual(['OWNER', 'ADMIN']);
  });

  it('let an admin rename the group but not a member', async () => {
    const { chatId, admin, member } = await staffedGroup();
    expect((await server.request(RenameChatDocument, { chatId, name: ' New name ' }, { token: admin.accessToken })).data?.renameChat.name).toBe('New name');
    const byMember = await server.request(RenameChatDocument, { chatId, name: 'Mine' }, { token: member.accessToken });
    expect(byMember.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const tooLong = await server.request(RenameChatDocument, { chatId, name: 'x'.repeat(65) }, { token: admin.accessToken });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await prisma().chat.findUniqueOrThrow({ where: { id: chatId } })).name).toBe('New name');
  });
});

describe('leaving', () => {
  it('hands ownership to the longest-standing admin when the owner leaves', async () => {
    const [owner, senior, member, junior] = (await users(4)) as [TestUser, TestUser, TestUser, TestUser];
    const chatId = await createGroup(server, owner, [senior, member]);
    await server.request(AddChatMembersDocument, { chatId, userIds: [junior.id] }, { token: owner.accessToken });
    // Promoted first, but joined later: standing counts from joining.
    await server.request(SetChatMemberRoleDocument, { chatId, userId: junior.id, role: 'ADMIN' }, { token: owner.accessToken });
    await server.request(SetChatMemberRoleDocument, { chatId, userId: senior.id, role: 'ADMIN' }, { token: owner.accessToken });
    const left = await server.request(LeaveChatDocument, { chatId }, { token: owner.accessToken });
    expect(left.data?.leaveChat).toBe(true);
    const roles = await Promise.all([owner, senior, member, junior].map((user) => roleOf(chatId, user)));
    expect(roles).toEqual([null, 'OWNER', 'MEMBER', 'ADMIN']);
  });

  it('hands ownership to the longest-standing member when there is no admin', async () => {
    const [owner, first, second] = (await users(3)) as [TestUser, TestUser, TestUser];
    const chatId = await createGroup(server, owner, [first]);
    await server.request(AddChatMembersDocument, { chatId, userIds: [second.id] }, { token: owner.accessToken });
    await server.request(LeaveChatDocument, { chatId }, { token: owner.accessToken });
    expect([await roleOf(chatId, first), await roleOf(chatId, second)]).toEqual(['OWNER', 'MEMBER']);
  });

  it('by the last member deletes nothing: the chat and its history stay', async () => {
    const [owner, member] = (await users(2)) as [TestUser, TestUser];
    const chatId = await createGroup(server, owner, [member]);
    await sendMessage(server, member, chatId, { body: 'for the record' });
    await server.request(LeaveChatDocument, { chatId }, { token: member.accessToken });
    await server.request(LeaveChatDocument, { chatId }, { token: owner.accessToken });
    expect(await prisma().chatMember.count({ where: { chatId } })).toBe(0);
    expect(await prisma().chat.count({ where: { id: chatId } })).toBe(1);
    expect(await prisma().message.count({ where: { chatId } })).toBe(1);
  });

  it('is refused for a chat the viewer is not in', async () => {
    const { chatId } = await staffedGroup();
    const [outsider] = (await users(1)) as [TestUser];
    const result = await server.request(LeaveChatDocument, { chatId }, { token: outsider.accessToken });
    expect(result.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
