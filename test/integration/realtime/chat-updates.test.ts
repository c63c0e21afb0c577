import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddChatMembersDocument, LeaveChatDocument, RemoveChatMemberDocument, RenameChatDocument, SetChatMemberRoleDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { type SignedInClient, signedInClient, subscribe, type Subscription, within } from '../../helpers/subscriptions';

interface ChatUpdate {
  kind: 'CREATED' | 'RENAMED' | 'MEMBERS_ADDED' | 'MEMBER_REMOVED' | 'MEMBER_LEFT' | 'ROLE_CHANGED';
  at: string;
  chat: { id: string; kind: 'PRIVATE' | 'GROUP'; name: string | null };
  users: { id: string }[];
  actor: { id: string };
}

const CHAT_UPDATED = 'subscription { chatUpdated { kind at chat { id kind name } users { id } actor { id } } }';

let server: TestServer;
const sockets: SignedInClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
  await server.close();
});

const users = (count: number) => Promise.all(Array.from({ length: count }, () => signUpUser(server)));
const ids = (...people: TestUser[]) => people.map((person) => person.id).sort();
const userIdsOf = (update: ChatUpdate) => update.users.map((user) => user.id).sort();
const about = (chatId: string) => (update: ChatUpdate) => update.chat.id === chatId;

interface Watcher {
  updates: Subscription<ChatUpdate>;
  /** An event of the watcher's own probe group: every event published before it has arrived. */
  sentinel(): Promise<void>;
}

/**
 * chatUpdated for `viewer`, proven live by renames of a probe group the viewer is in (the server
 * sends nothing to say a subscription has started).
 */
async function watch(viewer: TestUser): Promise<Watcher> {
  const [prober] = (await users(1)) as [TestUser];
  const probeChat = await createGroup(server, prober, [viewer], 'probe');
  const client = signedInClient(server, viewer.accessToken);
  sockets.push(client);
  expect(await within(client.connected, 5_000, 'connection_ack')).toBe(true);
  const updates = subscribe<ChatUpdate>(client, CHAT_UPDATED);
  let renames = 0;
  const rename = async () => {
    const name = `probe ${(renames += 1)}`;
    await server.request(RenameChatDocument, { chatId: probeChat, name }, { token: prober.accessToken });
    return name;
  };
  await updates.ready(rename, about(probeChat));
  return {
    updates,
    sentinel: async () => {
      const name = await rename();
      await updates.waitForEvent((update) => about(probeChat)(update) && update.chat.name === name);
    },
  };
}

const mutate = async <T extends { errors?: unknown }>(result: Promise<T>): Promise<T> => {
  const settled = await result;
  expect(settled.errors).toBeUndefined();
  return settled;
};

describe('chatUpdated', () => {
  it('tells everyone in a new group, and both people of a new private chat (CREATED)', async () => {
    const [owner, member, friend] = (await users(3)) as [TestUser, TestUser, TestUser];
    const [ownerWatch, memberWatch, friendWatch] = await Promise.all([watch(owner), watch(member), watch(friend)]);

    const groupId = await createGroup(server, owner, [member], 'Book club');
    for (const { updates } of [ownerWatch, memberWatch]) {
      const update = await updates.waitForEvent(about(groupId));
      expect(update).toMatchObject({ kind: 'CREATED', chat: { id: groupId, kind: 'GROUP', name: 'Book club' }, actor: { id: owner.id } });
      expect(userIdsOf(update)).toEqual(ids(owner, member));
    }

    const privateId = await openPrivateChat(server, friend, owner);
    for (const { updates } of [ownerWatch, friendWatch]) {
      const update = await updates.waitForEvent(about(privateId));
      expect(update).toMatchObject({ kind: 'CREATED', chat: { id: privateId, kind: 'PRIVATE', name: null }, actor: { id: friend.id } });
      expect(userIdsOf(update)).toEqual(ids(friend, owner));
    }
    // Opening it again finds the same chat: nothing new to tell.
    await openPrivateChat(server, owner, friend);
    await friendWatch.sentinel();
    expect(friendWatch.updates.events.filter(about(privateId))).toHaveLength(1);
    await memberWatch.sentinel();
    expect(memberWatch.updates.events.filter(about(privateId))).toEqual([]);
  });

  it('tells the members of a renamed group (RENAMED)', async () => {
    const [owner, member] = (await users(2)) as [TestUser, TestUser];
    const groupId = await createGroup(server, owner, [member], 'Before');
    const memberWatch = await watch(member);

    await mutate(server.request(RenameChatDocument, { chatId: groupId, name: 'After' }, { token: owner.accessToken }));
    const update = await memberWatch.updates.waitForEvent(about(groupId));
    expect(update).toMatchObject({ kind: 'RENAMED', chat: { id: groupId, name: 'After' }, users: [], actor: { id: owner.id } });
  });

  it('tells the members and the added users (MEMBERS_ADDED), after which the added users hear of the chat', async () => {
    const [owner, member, added, alsoAdded] = (await users(4)) as [TestUser, TestUser, TestUser, TestUser];
    const groupId = await createGroup(server, owner, [member]);
    const [memberWatch, addedWatch] = await Promise.all([watch(member), watch(added)]);

    await mutate(server.request(AddChatMembersDocument, { chatId: groupId, userIds: [added.id, alsoAdded.id] }, { token: owner.accessToken }));
    for (const { updates } of [memberWatch, addedWatch]) {
      const update = await updates.waitForEvent(about(groupId));
      expect(update).toMatchObject({ kind: 'MEMBERS_ADDED', chat: { id: groupId }, actor: { id: owner.id } });
      expect(userIdsOf(update)).toEqual(ids(added, alsoAdded));
    }

    await mutate(server.request(RenameChatDocument, { chatId: groupId, name: 'Welcome' }, { token: owner.accessToken }));
    expect(await addedWatch.updates.waitForEvent((update) => about(groupId)(update) && update.kind === 'RENAMED')).toMatchObject({
      chat: { name: 'Welcome' },
    });
  });

  it('tells a removed member one last time (MEMBER_REMOVED, naming them), then nothing more of that chat', async () => {
    const [owner, removed, stays] = (await users(3)) as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(server, owner, [removed, stays]);
    const [removedWatch, staysWatch] = await Promise.all([watch(removed), watch(stays)]);

    await mutate(server.request(RemoveChatMemberDocument, { chatId: groupId, userId: removed.id }, { token: owner.accessToken }));
    for (const { updates } of [removedWatch, staysWatch]) {
      const update = await updates.waitForEvent(about(groupId));
      expect(update).toMatchObject({ kind: 'MEMBER_REMOVED', chat: { id: groupId }, users: [{ id: removed.id }], actor: { id: owner.id } });
    }

    await mutate(server.request(RenameChatDocument, { chatId: groupId, name: 'Without them' }, { token: owner.accessToken }));
    const [newcomer] = (await users(1)) as [TestUser];
    await mutate(server.request(AddChatMembersDocument, { chatId: groupId, userIds: [newcomer.id] }, { token: owner.accessToken }));
    await mutate(server.request(SetChatMemberRoleDocument, { chatId: groupId, userId: stays.id, role: 'ADMIN' }, { token: owner.accessToken }));
    await staysWatch.updates.waitForEvent((update) => about(groupId)(update) && update.kind === 'ROLE_CHANGED');
    await removedWatch.sentinel();

    expect(removedWatch.updates.events.filter(about(groupId)).map((update) => update.kind)).toEqual(['MEMBER_REMOVED']);
    expect(removedWatch.updates.errors).toEqual([]);
  });

  it('tells the one who left and those who stay (MEMBER_LEFT), then the leaver hears nothing more of that chat', async () => {
    const [owner, leaver] = (await users(2)) as [TestUser, TestUser];
    const groupId = await createGroup(server, owner, [leaver]);
    const [ownerWatch, leaverWatch] = await Promise.all([watch(owner), watch(leaver)]);

    await mutate(server.request(LeaveChatDocument, { chatId: groupId }, { token: leaver.accessToken }));
    for (const { updates } of [ownerWatch, leaverWatch]) {
      const update = await updates.waitForEvent(about(groupId));
      expect(update).toMatchObject({ kind: 'MEMBER_LEFT', chat: { id: groupId }, users: [{ id: leaver.id }], actor: { id: leaver.id } });
    }

    await mutate(server.request(RenameChatDocument, { chatId: groupId, name: 'Alone' }, { token: owner.accessToken }));
    await ownerWatch.updates.waitForEvent((update) => about(groupId)(update) && update.kind === 'RENAMED');
    await leaverWatch.sentinel();
    expect(leaverWatch.updates.events.filter(about(groupId)).map((update) => update.kind)).toEqual(['MEMBER_LEFT']);
  });

  it('tells of role changes (ROLE_CHANGED): the member concerned, and both sides of an ownership handover', async () => {
    const [owner, member, other] = (await users(3)) as [TestUser, TestUser, TestUser];
    const groupId = await createGroup(server, owner, [member, other]);
    const otherWatch = await watch(other);

    await mutate(server.request(SetChatMemberRoleDocument, { chatId: groupId, userId: member.id, role: 'ADMIN' }, { token: owner.accessToken }));
    await mutate(server.request(SetChatMemberRoleDocument, { chatId: groupId, userId: member.id, role: 'OWNER' }, { token: owner.accessToken }));

    const [promoted, handedOver] = await otherWatch.updates.waitFor(2, 10_000, about(groupId));
    expect(promoted).toMatchObject({ kind: 'ROLE_CHANGED', users: [{ id: member.id }], actor: { id: owner.id } });
    expect(handedOver).toMatchObject({ kind: 'ROLE_CHANGED', actor: { id: owner.id } });
    expect(userIdsOf(handedOver!)).toEqual(ids(member, owner));
  });

  it('tells of the new owner when the owner leaves (MEMBER_LEFT, then ROLE_CHANGED)', async () => {
    const [owner, heir] = (await users(2)) as [TestUser, TestUser];
    const groupId = await createGroup(server, owner, [heir]);
    const heirWatch = await watch(heir);

    await mutate(server.request(LeaveChatDocument, { chatId: groupId }, { token: owner.accessToken }));
    const [left, inherited] = await heirWatch.updates.waitFor(2, 10_000, about(groupId));
    expect(left).toMatchObject({ kind: 'MEMBER_LEFT', users: [{ id: owner.id }], actor: { id: owner.id } });
    expect(inherited).toMatchObject({ kind: 'ROLE_CHANGED', users: [{ id: heir.id }], actor: { id: owner.id } });
  });

  it('tells nobody outside the chat', async () => {
    const [owner, member, stranger] = (await users(3)) as [TestUser, TestUser, TestUser];
    const [memberWatch, strangerWatch] = await Promise.all([watch(member), watch(stranger)]);

    const groupId = await createGroup(server, owner, [member]);
    await mutate(server.request(RenameChatDocument, { chatId: groupId, name: 'Private matters' }, { token: owner.accessToken }));
    await memberWatch.updates.waitFor(2, 10_000, about(groupId));
    await strangerWatch.sentinel();

    expect(strangerWatch.updates.events.filter(about(groupId))).toEqual([]);
  });
});
