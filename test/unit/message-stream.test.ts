import { describe, expect, it, vi } from 'vitest';
import { CATCH_UP_PAGE, type MessageSource, MessageStream } from '../../src/modules/messages/message-stream';
import type { Message } from '../../src/modules/messages/message.type';
import type { MessageAddedEvent } from '../../src/realtime/topics';
import { MAX_WAITING_EVENTS } from '../../src/realtime/live-feed';
import type { SocketState } from '../../src/realtime/sockets';

const VIEWER = 'viewer';
const OTHER = 'other';

function event(chatId: string, seq: number, authorId = OTHER): MessageAddedEvent {
  const message = { id: `${chatId}-${seq}`, chatId, seq, authorId } as Message;
  return { chatId, message, author: { id: authorId } as MessageAddedEvent['author'], chat: { id: chatId } as MessageAddedEvent['chat'] };
}

/** A database of stored messages per chat, whose reads resolve when the test says so. */
class FakeSource implements MessageSource {
  readonly stored = new Map<string, number>();
  readonly reads: { chatId: string; afterSeq: number; beforeSeq: number | undefined; answer: () => void }[] = [];
  readonly deliveredSeqs: number[] = [];
  failNext: Error | undefined;

  viewOf(added: MessageAddedEvent): Message {
    return added.message;
  }

  page(chatId: string, afterSeq: number, beforeSeq: number | undefined): Promise<MessageAddedEvent[]> {
    return new Promise((resolve, reject) => {
      const answer = () => {
        if (this.failNext) return reject(this.failNext);
        const last = Math.min(this.stored.get(chatId) ?? 0, (beforeSeq ?? Infinity) - 1, afterSeq + CATCH_UP_PAGE);
        resolve(Array.from({ length: Math.max(0, last - afterSeq) }, (_, index) => event(chatId, afterSeq + 1 + index)));
      };
      this.reads.push({ chatId, afterSeq, beforeSeq, answer });
    });
  }

  delivered(message: Message): void {
    this.deliveredSeqs.push(message.seq);
  }

  /** Answers every read asked for so far, and those they lead to, until none is left. */
  async answerAll(): Promise<void> {
    for (let read = this.reads.shift(); read; read = this.reads.shift()) {
      read.answer();
      await flush();
    }
  }
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function setUp(options: { chatId?: string | null; last?: [string, number][]; chats?: string[] } = {}) {
  const source = new FakeSource();
  const chatIds = new Set(options.chats ?? ['a', 'b']);
  const overflowed = vi.fn();
  const socket = { userId: VIEWER, chatIds, tooSlow: overflowed } as unknown as SocketState;
  const routing = { listenInChats: vi.fn(), stopListening: vi.fn() };
  const stream = new MessageStream(routing, socket, source, options.chatId ?? null, new Map(options.last ?? [['a', 0], ['b', 0]]));
  const got: string[] = [];
  const failures: unknown[] = [];
  stream.attach({ deliver: (message) => got.push(message.id), fail: (error) => failures.push(error) });
  return { source, chatIds, stream, got, failures, overflowed, routing };
}

describe('MessageStream', () => {
  it('delivers a live message that follows on in the call that brought it', () => {
    const { stream, got } = setUp();
    stream.take(event('a', 1));
    expect(got).toEqual(['a-1']);
    stream.take(event('b', 1));
    stream.take(event('a', 2));
    expect(got).toEqual(['a-1', 'b-1', 'a-2']);
  });

  it('drops what it already delivered, and chats the viewer is not in (now)', () => {
    const { stream, got, chatIds } = setUp();
    stream.take(event('a', 1));
    stream.take(event('a', 1));
    stream.take(event('c', 1));
    chatIds.delete('b');
    stream.take(event('b', 1));
    expect(got).toEqual(['a-1']);
  });

  it('follows only the chat asked for', async () => {
    const { stream, got, source } = setUp({ chatId: 'a', last: [['a', 0]] });
    await source.answerAll();
    stream.take(event('b', 1));
    stream.take(event('a', 1));
    expect(got).toEqual(['a-1']);
  });

  it('fills a gap from the database at once, then delivers the message that showed it, and what came meanwhile', async () => {
    const { stream, got, source } = setUp();
    source.stored.set('a', 4);
    stream.take(event('a', 4));
    expect(source.reads.map(({ chatId, afterSeq, beforeSeq }) => [chatId, afterSeq, beforeSeq])).toEqual([['a', 0, 4]]);
    // Live events that come during the read wait for it, in order.
    stream.take(event('b', 1));
    stream.take(event('a', 5));
    await source.answerAll();
    expect(got).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'b-1', 'a-5']);
  });

  it('delivers the message that showed a gap only once, even when the read brought it too', async () => {
    const { stream, got, source } = setUp();
    source.stored.set('a', 3);
    stream.take(event('a', 2));
    stream.take(event('a', 2));
    await source.answerAll();
    expect(got).toEqual(['a-1', 'a-2']);
  });

  it('replays one chat from afterSeq, page by page, before anything that arrived meanwhile', async () => {
    const { stream, got, source } = setUp({ chatId: 'a', last: [['a', 10]] });
    source.stored.set('a', 10 + CATCH_UP_PAGE + 3);
    stream.take(event('a', 10 + CATCH_UP_PAGE + 2));
    stream.take(event('a', 10 + CATCH_UP_PAGE + 4));
    await source.answerAll();
    const seqs = got.map((id) => Number(id.slice(2)));
    expect(seqs).toEqual(Array.from({ length: CATCH_UP_PAGE + 4 }, (_, index) => 11 + index));
  });

  it('catches every chat up from its last delivered seq on a resync', async () => {
    const { stream, got, source } = setUp({ last: [['a', 1], ['b', 0]] });
    source.stored.set('a', 3);
    source.stored.set('b', 1);
    stream.resync();
    stream.take(event('a', 4));
    await source.answerAll();
    expect(got).toEqual(['a-2', 'a-3', 'b-1', 'a-4']);
  });

  it('keeps what waited behind an input that starts another read waiting for that one too', async () => {
    const { stream, got, source } = setUp({ chatId: 'a', last: [['a', 0]] });
    source.stored.set('a', 1);
    stream.resync();
    stream.take(event('a', 3));
    source.reads.shift()!.answer();
    await flush();
    // The replay is done; the resync reads again, and a-3 waits for it.
    expect(got).toEqual(['a-1']);
    source.stored.set('a', 2);
    await source.answerAll();
    expect(got).toEqual(['a-1', 'a-2', 'a-3']);
  });

  it('tells the viewer of others’ messages only, as delivered', () => {
    const { stream, source } = setUp();
    stream.take(event('a', 1, VIEWER));
    stream.take(event('a', 2));
    expect(source.deliveredSeqs).toEqual([2]);
  });

  it('ends with the error of a read that failed, and stops listening', async () => {
    const { stream, source, failures } = setUp({ chatId: 'a', last: [['a', 0]] });
    const stopped = vi.fn();
    stream.onClose(stopped);
    source.failNext = new Error('database away');
    await source.answerAll();
    expect(failures).toEqual([source.failNext]);
    expect(stopped).toHaveBeenCalledOnce();
    expect(stream.ended).toBe(true);
  });

  it('gives up on a subscriber that lets too many events wait, instead of buffering without end', () => {
    const { stream, overflowed } = setUp();
    stream.resync();
    for (let seq = 1; seq <= MAX_WAITING_EVENTS + 1; seq += 1) stream.take(event('a', seq));
    expect(overflowed).toHaveBeenCalledOnce();
    expect(stream.ended).toBe(true);
  });

  it('listens to message.added from its making, and stops listening when closed, a read under way included', async () => {
    const { stream, source, routing, got } = setUp();
    expect(routing.listenInChats).toHaveBeenCalledWith(expect.anything(), 'message.added', stream);
    source.stored.set('a', 3);
    stream.take(event('a', 3));
    stream.close();
    await source.answerAll();
    expect(got).toEqual([]);
    expect(routing.stopListening).toHaveBeenCalledWith(expect.anything(), stream);
  });
});
