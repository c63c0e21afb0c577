import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { GOOD_PASSWORD, signUpUser, type TestUser } from '../../helpers/factories';
import { whoAmI } from '../../helpers/revocations';
import { startTestServer, type TestServer } from '../../helpers/server';
import { httpGraphQL, signedInClient, subscribe, within } from '../../helpers/subscriptions';
import { png, storedFiles, uploadFile } from '../../helpers/uploads';
import { wsExecute } from '../../helpers/ws';
import {
  AccountOfDocument,
  DeleteAccountDocument,
  LogInDocument,
  RefreshSessionDocument,
  SendFriendRequestDocument,
  SetChatMemberRoleDocument,
  SignUpDocument,
  UsersDocument,
} from '../../generated/graphql';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const deleteAccount = (user: TestUser, eraseMessages?: boolean, currentPassword = user.password) =>
  server.request(DeleteAccountDocument, { currentPassword, eraseMessages }, { token: user.accessToken });

async function befriend(a: TestUser, b: TestUser): Promise<void> {
  await server.request(SendFriendRequestDocument, { userId: b.id }, { token: a.accessToken });
  await server.request(SendFriendRequestDocument, { userId: a.id }, { token: b.accessToken });
}

interface ChatView {
  chat: { members: { role: string; user: { id: string; username: string; deleted: boolean } }[] } | null;
}
const membersOf = async (viewer: TestUser, chatId: string) =>
  (await httpGraphQL<ChatView>(server, viewer.accessToken, 'query ($id: ID!) { chat(id: $id) { members { role user { id username deleted } } } }', { id: chatId })).data!.chat!.members;

interface HistoryView {
  messages: { nodes: { id: string; body: string | null; deletedAt: string | null; author: { id: string; username: string; deleted: boolean } }[] };
}
const historyOf = async (viewer: TestUser, chatId: string) =>
  (await httpGraphQL<HistoryView>(server, viewer.accessToken, 'query ($c: ID!) { messages(chatId: $c, last: 50) { nodes { id body deletedAt author { id username deleted } } } }', { c: chatId })).data!.messages.nodes;

describe('deleteAccount', () => {
  it('needs the current password, and keeps everything when it is wrong', async () => {
    const user = await signUpUser(server);
    const refused = await deleteAccount(user, false, 'not the password');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
    expect((await server.request(DeleteAccountDocument, { currentPassword: user.password })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it("ends every session while its owner's sockets are open: they close, the tokens stop working, nobody can sign in as it", async () => {
    const user = await signUpUser(server);
    const phone = (await server.request(LogInDocument, { input: { login: user.username, password: user.password } })).data!.logIn;
    const sockets = [signedInClient(server, user.accessToken), signedInClient(server, phone.accessToken, { allowQueriesAndMutations: true })];
    for (const socket of sockets) expect(await within(socket.connected, 5_000, 'a socket to connect')).toBe(true);

    const deleted = await deleteAccount(user);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteAccount).toBe(true);
    for (const socket of sockets) expect((await within(socket.closed, 5_000, 'a socket to close')).code).toBe(4403);
    expect(await whoAmI(server.url, user.accessToken)).toBe('refused');
    expect(await whoAmI(server.url, phone.accessToken)).toBe('refused');
    expect((await server.request(RefreshSessionDocument, { refreshToken: phone.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    for (const login of [user.username, user.email]) {
      const logIn = await server.request(LogInDocument, { input: { login, password: user.password } });
      expect(logIn.errors?.[0]?.extensions.code, login).toBe('UNAUTHENTICATED');
    }
    const me = await server.parley.database.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(me).toMatchObject({ email: null, emailKey: null, passwordHash: '', displayName: null, bio: null, avatarUrl: null });
    expect(me.deletedAt).toBeInstanceOf(Date);
    expect(await server.parley.database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    for (const socket of sockets) await socket.dispose();
  });

  it('works when sent over one of its own sockets, which then closes', async () => {
    const user = await signUpUser(server);
    const socket = signedInClient(server, user.accessToken, { allowQueriesAndMutations: true });
    expect(await within(socket.connected, 5_000, 'the socket to connect')).toBe(true);
    const answer = wsExecute<{ deleteAccount: boolean }>(socket, 'mutation ($p: String!) { deleteAccount(currentPassword: $p) }', { p: user.password }).catch((error: unknown) => error);
    expect((await within(socket.closed, 5_000, 'the socket to close')).code).toBe(4403);
    // The answer races the close: when it arrives, it is true.
    const settled = await within(answer, 5_000, 'the answer or the close');
    if (settled && typeof settled === 'object' && 'data' in settled) expect(settled).toEqual({ data: { deleteAccount: true } });
    expect((await server.parley.database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).deletedAt).toBeInstanceOf(Date);
    await socket.dispose();
  });

  it("frees the username and email, and shows the user as deleted ('deleted-…', no profile) where others meet it", async () => {
    const [user, other] = await Promise.all([signUpUser(server), signUpUser(server)]);
    await httpGraphQL(server, user.accessToken, 'mutation { updateProfile(input: { displayName: "Leaving Soon", bio: "bye", avatarUrl: "https://example.com/me.png" }) { id } }');
    expect((await deleteAccount(user)).data?.deleteAccount).toBe(true);

    const seen = await server.request(AccountOfDocument, { id: user.id }, { token: other.accessToken });
    expect(seen.data?.user).toMatchObject({ id: user.id, username: expect.stringMatching(/^deleted-[0-9a-f]{32}$/), displayName: null, email: null, deleted: true });
    const found = await server.request(UsersDocument, { search: user.username.slice(0, 12) }, { token: other.accessToken });
    expect(found.data?.users.edges.map((edge) => edge.node.id)).not.toContain(user.id);
    const befriended = await server.request(SendFriendRequestDocument, { userId: user.id }, { token: other.accessToken });
    expect(befriended.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    const again = await server.request(SignUpDocument, { input: { username: user.username.toUpperCase(), email: user.email.toUpperCase(), password: GOOD_PASSWORD } });
    expect(again.errors).toBeUndefined();
    expect(again.data?.signUp.user.id).not.toBe(user.id);
  });

  it("leaves every chat as leaveChat does: a group's ownership passes to its admin, else its longest-standing member; friendships go", async () => {
    const [owner, admin, member, friend] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server), signUpUser(server)]);
    const withAdmin = await createGroup(server, owner, [member, admin]);
    await server.request(SetChatMemberRoleDocument, { chatId: withAdmin, userId: admin.id, role: 'ADMIN' }, { token: owner.accessToken });
    const withoutAdmin = await createGroup(server, owner, [member, friend]);
    const privateChat = await openPrivateChat(server, owner, friend);
    await befriend(owner, friend);
    await server.request(SendFriendRequestDocument, { userId: owner.id }, { token: member.accessToken });

    const socket = signedInClient(server, member.accessToken);
    const updates = subscribe<{ kind: string; chat: { id: string }; users: { id: string }[] }>(socket, 'subscription { chatUpdated { kind chat { id } users { id } } }');
    await updates.ready(
      () => httpGraphQL(server, owner.accessToken, 'mutation ($c: ID!) { renameChat(chatId: $c, name: "probe") { id } }', { c: withAdmin }),
      (event) => event.kind === 'RENAMED',
    );

    expect((await deleteAccount(owner)).data?.deleteAccount).toBe(true);
    expect((await membersOf(admin, withAdmin)).map((m) => [m.user.id, m.role]).sort()).toEqual([[admin.id, 'OWNER'], [member.id, 'MEMBER']].sort());
    expect((await membersOf(member, withoutAdmin)).map((m) => [m.user.id, m.role]).sort()).toEqual([[member.id, 'OWNER'], [friend.id, 'MEMBER']].sort());
    expect((await membersOf(friend, privateChat)).map((m) => m.user.id)).toEqual([friend.id]);
    const heard = await updates.waitFor(4, 10_000, (event) => event.kind === 'MEMBER_LEFT' || event.kind === 'ROLE_CHANGED');
    expect(heard.map((event) => [event.kind, event.chat.id, event.users[0]!.id])).toEqual(
      expect.arrayContaining([
        ['MEMBER_LEFT', withAdmin, owner.id],
        ['ROLE_CHANGED', withAdmin, admin.id],
        ['MEMBER_LEFT', withoutAdmin, owner.id],
        ['ROLE_CHANGED', withoutAdmin, member.id],
      ]),
    );

    const friendships = await server.parley.database.prisma.friendship.count({ where: { OR: [{ userId: owner.id }, { otherUserId: owner.id }] } });
    expect(friendships).toBe(0);
    const list = await httpGraphQL<{ friendships: { nodes: { user: { id: string } }[] } }>(server, friend.accessToken, '{ friendships { nodes { user { id } } } }');
    expect(list.data?.friendships.nodes).toEqual([]);
    await socket.dispose();
  });

  it("keeps the messages in others' history, their author shown as deleted", async () => {
    const [leaver, stayer] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, stayer, [leaver]);
    await sendMessage(server, leaver, chatId, { body: 'still here after I go' });
    expect((await deleteAccount(leaver, false)).errors).toBeUndefined();
    const [message] = await historyOf(stayer, chatId);
    expect(message).toMatchObject({ body: 'still here after I go', deletedAt: null, author: { id: leaver.id, deleted: true } });
  });

  it('shows deleted and emailVerified the same on every way a user is read (history, chat list, members, a sent message)', async () => {
    const [leaver, stayer] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, stayer, [leaver]);
    await sendMessage(server, stayer, chatId, { body: 'mine' });
    await sendMessage(server, leaver, chatId, { body: 'theirs' });
    const users = '{ id deleted emailVerified }';
    const read = async () => {
      const sent = await httpGraphQL<{ sendMessage: { author: unknown } }>(server, stayer.accessToken, `mutation ($c: ID!) { sendMessage(input: { chatId: $c, body: "again" }) { author ${users} } }`, { c: chatId });
      const history = await httpGraphQL<{ messages: { nodes: { author: unknown }[] } }>(server, stayer.accessToken, `query ($c: ID!) { messages(chatId: $c, last: 10) { nodes { author ${users} } } }`, { c: chatId });
      const list = await httpGraphQL<{ chats: { nodes: { lastMessage: { author: unknown }; members: { user: unknown }[] }[] } }>(server, stayer.accessToken, `{ chats(first: 5) { nodes { lastMessage { author ${users} } members { user ${users} } } } }`);
      return [sent.data!.sendMessage.author, ...history.data!.messages.nodes.map((node) => node.author), list.data!.chats.nodes[0]!.lastMessage.author, ...list.data!.chats.nodes[0]!.members.map((member) => member.user)];
    };
    const mine = { id: stayer.id, deleted: false, emailVerified: false };
    const before = await read();
    expect(before).toEqual(expect.arrayContaining([mine, { id: leaver.id, deleted: false, emailVerified: null }]));
    for (const user of before) expect([mine, { id: leaver.id, deleted: false, emailVerified: null }]).toContainEqual(user);
    expect((await deleteAccount(leaver)).data?.deleteAccount).toBe(true);
    const after = await read();
    expect(after).toContainEqual({ id: leaver.id, deleted: true, emailVerified: null });
    for (const user of after) expect([mine, { id: leaver.id, deleted: true, emailVerified: null }]).toContainEqual(user);
  });

  it('with eraseMessages, deletes each message as deleteMessage does, and every live chat hears of it', async () => {
    const [leaver, stayer, other] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server)]);
    const group = await createGroup(server, stayer, [leaver, other]);
    const privateChat = await openPrivateChat(server, leaver, stayer);
    const photo = await uploadFile(server, leaver, { bytes: await png(), name: 'photo.png', mimeType: 'image/png' });
    const written = [
      (await sendMessage(server, leaver, group, { body: 'one @other', mentionUserIds: [other.id] })).id,
      (await sendMessage(server, leaver, group, { body: null, attachments: [{ uploadId: photo.id }] })).id,
      (await sendMessage(server, leaver, privateChat, { body: 'two' })).id,
    ];
    const kept = (await sendMessage(server, stayer, group, { body: 'mine stays' })).id;
    expect((await httpGraphQL(server, other.accessToken, 'mutation ($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }', { m: written[0] })).errors).toBeUndefined();
    expect((await httpGraphQL(server, stayer.accessToken, 'mutation ($m: ID!) { pinMessage(messageId: $m) { id } }', { m: written[0] })).errors).toBeUndefined();

    const socket = signedInClient(server, stayer.accessToken);
    const updated = subscribe<{ id: string; body: string | null; deletedAt: string | null }>(socket, 'subscription { messageUpdated { id body deletedAt } }');
    await updated.ready(
      () => httpGraphQL(server, stayer.accessToken, 'mutation ($m: ID!) { editMessage(messageId: $m, body: "mine stays!") { id } }', { m: kept }),
      (event) => event.id === kept,
    );
    expect((await deleteAccount(leaver, true)).data?.deleteAccount).toBe(true);

    const erased = await updated.waitFor(written.length, 10_000, (event) => written.includes(event.id));
    for (const event of erased) expect(event).toMatchObject({ body: null, deletedAt: expect.any(String) });
    const history = [...(await historyOf(stayer, group)), ...(await historyOf(stayer, privateChat))];
    for (const id of written) expect(history.find((message) => message.id === id)).toMatchObject({ body: null, deletedAt: expect.any(String) });
    expect(history.find((message) => message.id === kept)).toMatchObject({ body: 'mine stays!', deletedAt: null });
    const prisma = server.parley.database.prisma;
    expect(await prisma.attachment.count({ where: { message: { authorId: leaver.id } } })).toBe(0);
    // Mentions, reactions and pins go with them, as deleteMessage takes them.
    expect(await prisma.mention.count({ where: { message: { authorId: leaver.id } } })).toBe(0);
    expect(await prisma.reaction.count({ where: { message: { authorId: leaver.id } } })).toBe(0);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: written[0]! } })).toMatchObject({ pinnedAt: null, mentionIds: [], reactionSummary: null });
    await socket.dispose();
  });

  it('erases the uploads (attachments and avatar) with their bytes', async () => {
    const [leaver, stayer] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const avatar = await uploadFile(server, leaver, { bytes: await png(64, 64), name: 'me.png', mimeType: 'image/png', purpose: 'AVATAR' });
    await httpGraphQL(server, leaver.accessToken, 'mutation ($u: ID!) { updateProfile(input: { avatarUploadId: $u }) { id } }', { u: avatar.id });
    const chatId = await createGroup(server, stayer, [leaver]);
    const file = await uploadFile(server, leaver, { bytes: await png(), name: 'file.png', mimeType: 'image/png' });
    await sendMessage(server, leaver, chatId, { body: 'see attached', attachments: [{ uploadId: file.id }] });
    const ids = [avatar.id, file.id];
    expect(storedFiles(server).filter((path) => ids.some((id) => path.includes(id))).length).toBeGreaterThanOrEqual(2);

    expect((await deleteAccount(leaver)).data?.deleteAccount).toBe(true);
    expect(await server.parley.database.prisma.upload.count({ where: { id: { in: ids } } })).toBe(0);
    expect(storedFiles(server).filter((path) => ids.some((id) => path.includes(id)))).toEqual([]);
    const [message] = await historyOf(stayer, chatId);
    expect(message).toMatchObject({ body: 'see attached', author: { deleted: true } });
  });
});
