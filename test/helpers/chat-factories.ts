import { CreateGroupChatDocument, OpenPrivateChatDocument, SendMessageDocument, type SendMessageInput } from '../generated/graphql';
import type { TestUser } from './factories';
import type { TestServer } from './server';

function orThrow<T>(what: string, result: { data?: T | null; errors?: unknown }): T {
  if (!result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export async function openPrivateChat(server: TestServer, viewer: TestUser, other: TestUser): Promise<string> {
  const result = await server.request(OpenPrivateChatDocument, { userId: other.id }, { token: viewer.accessToken });
  return orThrow('openPrivateChat', result).openPrivateChat.id;
}

/** A group owned by `owner` with `members` as plain members. */
export async function createGroup(server: TestServer, owner: TestUser, members: TestUser[], name = 'Test group'): Promise<string> {
  const result = await server.request(
    CreateGroupChatDocument,
    { input: { name, memberIds: members.map((member) => member.id) } },
    { token: owner.accessToken },
  );
  return orThrow('createGroupChat', result).createGroupChat.id;
}

export async function sendMessage(
  server: TestServer,
  author: TestUser,
  chatId: string,
  input: Partial<SendMessageInput> = {},
): Promise<{ id: string; seq: number }> {
  const result = await server.request(SendMessageDocument, { input: { chatId, body: 'hello', ...input } }, { token: author.accessToken });
  return orThrow('sendMessage', result).sendMessage;
}
