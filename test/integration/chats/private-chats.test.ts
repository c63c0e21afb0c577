import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddChatMembersDocument, ChatDocument, LeaveChatDocument, MessagesDocument, OpenPrivateChatDocument, RenameChatDocument } from '../../generated/graphql';
import { openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());


async function blockUser(blocker: TestUser, blocked: TestUser): Promise<void> {
  await server.parley.database.prisma.friendship.create({ data: { userId: blocker.id, otherUserId: blocked.id, status: 'BLOCKED' } });
}

describe('private chats', () => {
  it('are created once per pair and returned to either side', async () => {
    const [ada, bob] = [await signUpUser(server), await signUpUser(server)];
    const first = await server.request(OpenPrivateChatDocument, { userId: bob.id }, { token: ada.accessToken });
    expect(first.data?.openPrivateChat).toMatchObject({ kind: 'PRIVATE', name: null, lastSeq: 0, unreadCount: 0 });
    expect(first.data?.openPrivateChat.members.map((member) => member.user.id).sort()).toEqual([ada.id, bob.id].sort());
    const again = await openPrivateChat(server, ada, bob);
    const fromBob = await openPrivateChat(server, bob, ada);
    expect([again, fromBob]).toEqual([first.data?.openPrivateChat.id, first.data?.openPrivateChat.id]);
  });

  it('yield one chat when both users open it at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [ada, bob] = [await signUpUser(server), await signUpUser(server)];
      const ids = await Promise.all([openPrivateChat(server, ada, bob), openPrivateChat(server, bob, ada), openPrivateChat(server, ada, bob)]);
      expect(new Set(ids).size).toBe(1);
      const chats = await server.parley.database.prisma.chatMember.count({ where: { userId: ada.id } });
      expect(chats).toBe(1);
    }
  });

  it('cannot be opened with oneself or with an unknown user', async () => {
    const ada = await signUpUser(server);
    const self = await server.request(OpenPrivateChatDocument, { userId: ada.id }, { token: ada.accessToken });
    expect(self.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    const unknown = await server.request(OpenPrivateChatDocument, { userId: 'no-such-user' }, { token: ada.accessToken });
    expect(unknown.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await server.parley.database.prisma.chatMember.count({ where: { userId: ada.id } })).toBe(0);
  });

  it('cannot be opened by a user the other has blocked, while the blocker still can and still reads it', async () => {
    const [ada, bob] = [await signUpUser(server), await signUpUser(server)];
    const chatId = await openPrivateChat(server, ada, bob);
    await sendMessage(server, bob, chatId, { body: 'before the block' });
    await blockUser(ada, bob);
    const refused = await server.request(OpenPrivateChatDocument, { userId: ada.id }, { token: bob.accessToken });
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await openPrivateChat(server, ada, bob)).toBe(chatId);
    const history = await server.request(MessagesDocument, { chatId }, { token: ada.accessToken });
    expect(history.data?.messages.edges.map((edge) => edge.node.body)).toEqual(['before the block']);
  });

  it('refuses a first chat with someone who blocked you, and creates nothing', async () => {
    const [ada, bob] = [await signUpUser(server), await signUpUser(server)];
    await blockUser(ada, bob);
    const refused = await server.request(OpenPrivateChatDocument, { userId: ada.id }, { token: bob.accessToken });
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await server.parley.database.prisma.chatMember.count({ where: { userId: bob.id } })).toBe(0);
  });

  it('cannot be renamed, grow, or be left', async () => {
    const [ada, bob, cid] = [await signUpUser(server), await signUpUser(server), await signUpUser(server)];
    const chatId = await openPrivateChat(server, ada, bob);
    const renamed = await server.request(RenameChatDocument, { chatId, name: 'ours' }, { token: ada.accessToken });
    expect(renamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'chatId' });
    const grown = await server.request(AddChatMembersDocument, { chatId, userIds: [cid.id] }, { token: ada.accessToken });
    expect(grown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'chatId' });
    const left = await server.request(LeaveChatDocument, { chatId }, { token: ada.accessToken });
    expect(left.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'chatId' });
    const chat = await server.request(ChatDocument, { id: chatId }, { token: ada.accessToken });
    expect(chat.data?.chat).toMatchObject({ name: null, members: [expect.anything(), expect.anything()] });
  });
});
