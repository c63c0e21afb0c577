import type { ApolloClient } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendMessageInput } from '../gql/graphql';
import { type MessageDraft, Outbox } from './outbox';
import { MessageSender } from './sender';

// Refusals are read by ui/errors.ts, which imports the API's address, read from the page's.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { href: 'http://parley.test/' } } });
});

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const ME = { id: 'me', username: 'me', displayName: null, avatarUrl: null };
const photo = { uploadId: 'upload-1', name: 'photo.png', mimeType: 'image/png', sizeBytes: 120, width: 4, height: 3, url: 'http://parley.test/f/1', thumbnailUrl: 'http://parley.test/f/1p' };
const draft: MessageDraft = {
  body: 'Look @ana',
  attachments: [photo],
  replyTo: { id: 'm-7', seq: 7, body: 'Any photos?', deletedAt: null, author: { id: 'ana', username: 'ana', displayName: 'Ana' } },
  mentions: [{ id: 'ana', username: 'ana', displayName: 'Ana' }],
};
const serverDown = () => new CombinedGraphQLErrors({ data: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });

/** A client whose sendMessage fails as scripted, then succeeds; it records every input sent. */
function fakeClient(failures: unknown[]) {
  const inputs: SendMessageInput[] = [];
  const mutate = vi.fn(async (options: { variables: { input: SendMessageInput } }) => {
    inputs.push(options.variables.input);
    const failure = failures.shift();
    if (failure) throw failure;
    return { data: { sendMessage: { id: 'stored' } } };
  });
  return { client: { mutate } as unknown as ApolloClient, inputs };
}

let storage: MemoryStorage;
let senders: MessageSender[];
beforeEach(() => {
  storage = new MemoryStorage();
  senders = [];
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => senders.forEach((sender) => sender.dispose()));

function senderWith(client: ApolloClient) {
  const outbox = new Outbox('me', storage as unknown as Storage);
  const sender = new MessageSender(client, outbox, ME, () => null);
  senders.push(sender);
  return { outbox, sender };
}

describe('sending a message with files, a reply and mentions', () => {
  it('sends the uploads by id with the reply and mentions, and resends exactly that, same clientId, after a failure', async () => {
    const { client, inputs } = fakeClient([serverDown()]);
    const { outbox, sender } = senderWith(client);
    sender.send('chat-1', draft);
    await vi.waitFor(() => expect(outbox.snapshot()[0]?.failure?.retryable).toBe(true));
    sender.retry(outbox.snapshot()[0]!.clientId);
    await vi.waitFor(() => expect(outbox.snapshot()).toEqual([]));

    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toEqual({
      chatId: 'chat-1',
      clientId: expect.any(String),
      body: 'Look @ana',
      attachments: [{ uploadId: 'upload-1' }],
      replyToId: 'm-7',
      mentionUserIds: ['ana'],
    });
    expect(inputs[1]).toEqual(inputs[0]);
  });

  it('keeps an unsent message with its uploads across a reload, and sends it with the same clientId and uploads', async () => {
    const first = fakeClient([serverDown()]);
    const before = senderWith(first.client);
    before.sender.send('chat-1', { ...draft, body: '' });
    await vi.waitFor(() => expect(before.outbox.snapshot()[0]?.failure).not.toBeNull());
    before.sender.dispose();

    const second = fakeClient([]);
    const after = senderWith(second.client);
    expect(after.outbox.snapshot()[0]).toMatchObject({ attachments: [photo], replyTo: { id: 'm-7' } });
    after.sender.retryAll();
    await vi.waitFor(() => expect(after.outbox.snapshot()).toEqual([]));
    // Only files: no body is sent.
    expect(second.inputs).toEqual([{ ...first.inputs[0], body: null }]);
    expect(second.inputs[0]?.clientId).toBe(first.inputs[0]?.clientId);
  });

  it('reads a message kept by the app before files, replies and mentions, and sends it as it was', async () => {
    storage.setItem('parley.outbox.me', JSON.stringify([{ clientId: 'old-1', chatId: 'chat-1', body: 'hello', createdAt: '2026-01-01T00:00:00.000Z', failure: null }]));
    const { client, inputs } = fakeClient([]);
    const { outbox, sender } = senderWith(client);
    expect(outbox.snapshot()[0]).toMatchObject({ attachments: [], replyTo: null, mentions: [], failure: { retryable: true } });
    sender.retryAll();
    await vi.waitFor(() => expect(outbox.snapshot()).toEqual([]));
    expect(inputs).toEqual([{ chatId: 'chat-1', clientId: 'old-1', body: 'hello' }]);
  });
});
