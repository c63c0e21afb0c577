import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddReactionDocument, ClearChatHistoryDocument, EditMessageDocument, PinMessageDocument, RemoveReactionDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUsers, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { type SignedInClient, signedInClient, subscribe, within } from '../../helpers/subscriptions';

let server: TestServer;
const sockets: SignedInClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
  await server.close();
});

async function socketOf(user: TestUser): Promise<SignedInClient> {
  const client = signedInClient(server, user.accessToken);
  sockets.push(client);
  expect(await within(client.connected, 5_000, 'connection_ack')).toBe(true);
  return client;
}

interface Person {
  id: string;
  email: string | null;
}

interface Added {
  seq: number;
  body: string | null;
  author: Person;
  replyTo: { id: string; body: string | null; author: Person } | null;
  mentions: Person[];
  pinnedBy: Person | null;
}

interface Updated {
  id: string;
  pinnedAt: string | null;
  reactions: { emoji: string; count: number; reactedByViewer: boolean; users: { id: string }[] }[];
}

const ADDED = `subscription ($chatId: ID) { messageAdded(chatId: $chatId) {
  seq body author { id email } replyTo { id body author { id email } } mentions { id email } pinnedBy { id email } } }`;
const UPDATED = 'subscription ($chatId: ID) { messageUpdated(chatId: $chatId) { id pinnedAt reactions { emoji count reactedByViewer users { id } } } }';

describe('messageAdded with replies and mentions', () => {
  it('brings what the message answers and whom it mentions, each receiver seeing only their own email, one selection shared by many', async () => {
    const [ana, ben, cat, dan] = await signUpUsers(server, 4);
    const chatId = await createGroup(server, ana, [ben, cat, dan]);
    const original = await sendMessage(server, ben, chatId, { body: 'Who is in?' });
    const people = { ana, ben, cat, dan };
    const live = Object.fromEntries(
      await Promise.all(Object.entries(people).map(async ([name, person]) => [name, subscribe<Added>(await socketOf(person), ADDED, { chatId })] as const)),
    );
    for (const subscription of Object.values(live)) await subscription.ready(() => sendMessage(server, dan, chatId, { body: 'probe' }), (event) => event.body === 'probe');
    const sent = await sendMessage(server, ana, chatId, { body: 'Me! @cat?', replyToId: original.id, mentionUserIds: [cat.id] });
    const seen = Object.fromEntries(
      await Promise.all(Object.entries(live).map(async ([name, subscription]) => [name, await subscription.waitForEvent((event) => event.seq === sent.seq)] as const)),
    );
    const own = (person: TestUser, viewer: TestUser) => ({ id: person.id, email: person === viewer ? person.email : null });
    for (const [name, viewer] of Object.entries(people)) {
      expect(seen[name]).toEqual({
        seq: sent.seq,
        body: 'Me! @cat?',
        author: own(ana, viewer),
        replyTo: { id: original.id, body: 'Who is in?', author: own(ben, viewer) },
        mentions: [own(cat, viewer)],
        pinnedBy: null,
      });
    }
  });

  it('replays past what the viewer cleared from their history', async () => {
    const [ana, ben] = await signUpUsers(server, 2);
    const chatId = await openPrivateChat(server, ana, ben);
    for (const body of ['one', 'two', 'three']) await sendMessage(server, ana, chatId, { body });
    await server.request(ClearChatHistoryDocument, { chatId }, { token: ben.accessToken });
    await sendMessage(server, ana, chatId, { body: 'four' });
    const replay = subscribe<Added>(await socketOf(ben), 'subscription ($chatId: ID, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body } }', {
      chatId,
      afterSeq: 0,
    });
    await replay.waitForEvent((event) => event.seq === 4);
    expect(replay.events.map((event) => event.body)).toEqual(['four']);
  });
});

describe('messageUpdated for reactions and pins', () => {
  it('tells every member, each with their own reactedByViewer; a change that changes nothing publishes nothing', async () => {
    const [ana, ben] = await signUpUsers(server, 2);
    const chatId = await openPrivateChat(server, ana, ben);
    const { id } = await sendMessage(server, ana, chatId, { body: 'Party?' });
    const [anaLive, benLive] = await Promise.all([socketOf(ana), socketOf(ben)]).then((clients) => clients.map((client) => subscribe<Updated>(client, UPDATED, { chatId })));
    const reactAs = (user: TestUser, emoji: string) => server.request(AddReactionDocument, { messageId: id, emoji }, { token: user.accessToken });
    // Each try of the readiness probe must publish: an edit of a message of its own, a new body every time.
    const probe = await sendMessage(server, ana, chatId, { body: 'probe' });
    let edits = 0;
    const editProbe = () => server.request(EditMessageDocument, { messageId: probe.id, body: `probe ${(edits += 1)}` }, { token: ana.accessToken });
    await anaLive!.ready(editProbe, (event) => event.id === probe.id);
    await benLive!.ready(editProbe, (event) => event.id === probe.id);
    const ofMessage = (subscription: typeof anaLive) => subscription!.events.filter((event) => event.id === id);
    await reactAs(ben, '🎉');
    await Promise.all([anaLive, benLive].map((live) => live!.waitForEvent((event) => event.id === id && event.reactions[0]?.count === 1)));
    const countBefore = [ofMessage(anaLive).length, ofMessage(benLive).length];
    await reactAs(ben, '🎉'); // already there: nothing to tell
    await reactAs(ana, '🎉');
    const [forAna, forBen] = await Promise.all([
      anaLive!.waitForEvent((event) => event.reactions[0]?.count === 2),
      benLive!.waitForEvent((event) => event.reactions[0]?.count === 2),
    ]);
    expect(forAna.reactions).toEqual([{ emoji: '🎉', count: 2, reactedByViewer: true, users: [{ id: ben.id }, { id: ana.id }] }]);
    expect(forBen.reactions).toEqual([{ emoji: '🎉', count: 2, reactedByViewer: true, users: [{ id: ben.id }, { id: ana.id }] }]);
    expect([ofMessage(anaLive).length, ofMessage(benLive).length]).toEqual(countBefore.map((count) => count + 1));
    const next = async (subscription: typeof anaLive) => {
      const seen = ofMessage(subscription).length;
      await subscription!.waitUntil(() => ofMessage(subscription).length > seen, 10_000, 'the next event');
      return ofMessage(subscription)[seen]!;
    };
    const [anaNext, benNext] = [next(anaLive), next(benLive)];
    await server.request(RemoveReactionDocument, { messageId: id, emoji: '🎉' }, { token: ben.accessToken });
    expect((await anaNext).reactions).toEqual([{ emoji: '🎉', count: 1, reactedByViewer: true, users: [{ id: ana.id }] }]);
    expect((await benNext).reactions).toEqual([{ emoji: '🎉', count: 1, reactedByViewer: false, users: [{ id: ana.id }] }]);
    await server.request(PinMessageDocument, { messageId: id }, { token: ben.accessToken });
    expect((await anaLive!.waitForEvent((event) => event.pinnedAt !== null)).id).toBe(id);
  });
});
