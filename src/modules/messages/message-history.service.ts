import type DataLoader from 'dataloader';
import type { Sql } from '../../db/sql';
import { BadInputError, NotFoundError } from '../../errors/errors';
import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from '../../server/relay';
import { userFromJson } from '../users/user.sql';
import { toUser, type User, type UserRecord } from '../users/user.type';
import { historyPage, type HistoryRow, type HistoryWants, NOTHING_MORE, SEQ_AT } from './message-history.sql';
import { fromJsonTimestamps } from './message.sql';
import { type Message, type ReactionSummary, toMessage } from './message.type';

export const DEFAULT_HISTORY_PAGE = 50;
export const DEFAULT_CATCH_UP_PAGE = 100;
/** Above any seq: a page with no upper bound. */
const NO_UPPER_BOUND = 2_147_483_647;

export interface HistoryArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  /** Jump to a date: `first` from the first message sent at or after it, `last` back from the last one before it. */
  at?: Date | null;
}

/** Where a page puts the users it read with its messages, so that `author` and the like cost nothing more. */
export type AuthorCache = Pick<DataLoader<string, User | null>, 'prime'>;

const isSeqCursor = (keys: unknown[]): keys is [number] => keys.length === 1 && Number.isInteger(keys[0]) && (keys[0] as number) >= 0 && (keys[0] as number) <= NO_UPPER_BOUND;
const seqOf = (cursor: string | null | undefined, field: string): number | undefined =>
  cursor ? decodeCursor<[number]>(cursor, field, isSeqCursor)[0] : undefined;
const cursorOf = (message: Message): string => encodeCursor([message.seq]);

interface Range {
  after: number;
  before: number;
  size: number;
  forward: boolean;
}

/** Reading a chat's history: keyset pages on (chatId, seq), never an OFFSET; one statement a page, with what it refers to. */
export class MessageHistoryService {
  constructor(private readonly sql: Sql) {}

  /** Oldest first within the page; `first`/`after` walk forward, `last`/`before` back; neither: the newest 50. */
  async page(viewerId: string, chatId: string, args: HistoryArgs, authors?: AuthorCache, wants = NOTHING_MORE): Promise<Connection<Message>> {
    if (args.first != null && args.last != null) throw new BadInputError('last', 'Give first or last, not both.');
    if (args.at != null && (args.after != null || args.before != null)) throw new BadInputError('at', 'Give at or a cursor (after, before), not both.');
    let after = seqOf(args.after, 'after');
    let before = seqOf(args.before, 'before');
    const forward = args.first != null || (args.last == null && after !== undefined && before === undefined);
    const size = forward ? pageSize(args.first, 'first', DEFAULT_HISTORY_PAGE) : pageSize(args.last, 'last', DEFAULT_HISTORY_PAGE);
    if (args.at != null) {
      const seq = await this.seqAt(chatId, args.at);
      if (forward) after = seq - 1;
      else before = seq;
    }
    const range = { after: after ?? 0, before: before ?? NO_UPPER_BOUND, size, forward };
    const { messages: rows, clearedSeq } = await this.read(viewerId, chatId, range, authors, wants);
    const more = rows.length > size;
    // Rows come oldest first; the one past the page is at the far end of the walk.
    const page = forward ? rows.slice(0, size) : rows.slice(rows.length - Math.min(rows.length, size));
    return toConnection(page, cursorOf, {
      hasNextPage: forward ? more : before !== undefined,
      hasPreviousPage: forward ? range.after > clearedSeq : more,
    });
  }

  /** Messages with seq > afterSeq, oldest first: what a client missed while disconnected. */
  async since(viewerId: string, chatId: string, afterSeq: number, first?: number | null, authors?: AuthorCache, wants = NOTHING_MORE): Promise<Connection<Message>> {
    if (afterSeq < 0) throw new BadInputError('afterSeq', 'afterSeq must be 0 or more.');
    const size = pageSize(first, 'first', DEFAULT_CATCH_UP_PAGE);
    const { messages: rows } = await this.read(viewerId, chatId, { after: afterSeq, before: NO_UPPER_BOUND, size, forward: true }, authors, wants);
    return toConnection(rows.slice(0, size), cursorOf, { hasNextPage: rows.length > size, hasPreviousPage: afterSeq > 0 });
  }

  private async seqAt(chatId: string, at: Date): Promise<number> {
    const [row] = await this.sql.query<{ seq: number }>(SEQ_AT, [chatId, at.toISOString()]);
    return row!.seq;
  }

  /** Up to size + 1 messages between the bounds, oldest first; NOT_FOUND unless the viewer is in the chat. */
  private async read(
    viewerId: string,
    chatId: string,
    range: Range,
    authors: AuthorCache | undefined,
    wants: HistoryWants,
  ): Promise<{ messages: Message[]; clearedSeq: number }> {
    const [row] = await this.sql.query<HistoryRow>(historyPage(range.forward ? 'ASC' : 'DESC', wants), [chatId, viewerId, range.after, range.before, range.size + 1]);
    if (!row!.member) throw new NotFoundError('Chat');
    // Each user the page refers to, shown to the viewer once: every field that names them shares it.
    const records = new Map((row!.users ?? []).map((user) => [user.id, userFromJson(user)]));
    const people = new Map([...records.values()].map((user) => [user.id, toUser(user, viewerId)]));
    if (authors) for (const user of people.values()) authors.prime(user.id, user);
    return { messages: messagesOf(row!, { records, people }, wants, viewerId), clearedSeq: row!.clearedSeq ?? 0 };
  }
}

/** The page's messages, oldest first, each with its attachments in order and what was wanted of the rest. */
function messagesOf(
  row: HistoryRow,
  { records, people }: { records: ReadonlyMap<string, UserRecord>; people: ReadonlyMap<string, User> },
  wants: HistoryWants,
  viewerId: string,
): Message[] {
  const messages = (row.messages ?? []).map((json): Message => toMessage({ ...fromJsonTimestamps(json), attachments: [] }));
  messages.sort((a, b) => a.seq - b.seq);
  const byId = new Map(messages.map((message) => [message.id, message]));
  for (const { messageId, position: _position, ...attachment } of row.attachments ?? []) byId.get(messageId)!.attachments.push(attachment);
  for (const message of messages) {
    // Read with the page: the author, and what else was wanted, are shown to the viewer at once.
    message.sentBy = people.get(message.authorId);
    if (wants.replyTo || wants.mentions || wants.reactions) message.extras = { viewerId, people };
  }
  if (wants.replyTo) {
    const replied = new Map((row.replies ?? []).map((json) => [json.id, toMessage(fromJsonTimestamps(json))]));
    for (const message of messages) {
      const answered = message.replyToId ? replied.get(message.replyToId) : undefined;
      // Its author as the viewer sees them (sentBy), and as a record for the rest (shown at once from sentBy).
      if (answered) answered.sentBy = people.get(answered.authorId);
      message.extras!.replied = answered ? { message: answered, author: records.get(answered.authorId)! } : null;
    }
  }
  if (wants.reactions) {
    const viewers = new Set((row.viewerReactions ?? []).map(({ messageId, emoji }) => `${messageId}\n${emoji}`));
    for (const { id, reactionSummary } of row.messages ?? []) {
      byId.get(id)!.extras!.reactions = (reactionSummary ?? []).map(
        (summary): ReactionSummary => ({ ...summary, viewerReacted: summary.userIds.includes(viewerId) || viewers.has(`${id}\n${summary.emoji}`) }),
      );
    }
  }
  return messages;
}
