import type DataLoader from 'dataloader';
import { jsonTimestamp, type Sql } from '../../db/sql';
import { BadInputError, NotFoundError } from '../../errors/errors';
import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from '../../server/relay';
import { userFromJson } from '../users/user.sql';
import { toUser, type User } from '../users/user.type';
import { HISTORY_BACKWARD, HISTORY_FORWARD, type HistoryRow } from './message.sql';
import type { Message } from './message.type';

export const DEFAULT_HISTORY_PAGE = 50;
export const DEFAULT_CATCH_UP_PAGE = 100;
/** Above any seq: a page with no upper bound. */
const NO_UPPER_BOUND = 2_147_483_647;

export interface HistoryArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Where a page puts the authors it read with its messages, so that `author` costs nothing more. */
export type AuthorCache = Pick<DataLoader<string, User | null>, 'prime'>;

const isSeqCursor = (keys: unknown[]): keys is [number] => keys.length === 1 && Number.isInteger(keys[0]) && (keys[0] as number) >= 0 && (keys[0] as number) <= NO_UPPER_BOUND;
const seqOf = (cursor: string | null | undefined, field: string): number | undefined =>
  cursor ? decodeCursor<[number]>(cursor, field, isSeqCursor)[0] : undefined;
const cursorOf = (message: Message): string => encodeCursor([message.seq]);

/** Reading a chat's history: keyset pages on (chatId, seq), never an OFFSET; one statement a page, authors included. */
export class MessageHistoryService {
  constructor(private readonly sql: Sql) {}

  /** Oldest first within the page; `first`/`after` walk forward, `last`/`before` back; neither: the newest 50. */
  async page(viewerId: string, chatId: string, args: HistoryArgs, authors?: AuthorCache): Promise<Connection<Message>> {
    if (args.first != null && args.last != null) throw new BadInputError('last', 'Give first or last, not both.');
    const after = seqOf(args.after, 'after');
    const before = seqOf(args.before, 'before');
    const forward = args.first != null || (args.last == null && after !== undefined && before === undefined);
    const size = forward ? pageSize(args.first, 'first', DEFAULT_HISTORY_PAGE) : pageSize(args.last, 'last', DEFAULT_HISTORY_PAGE);
    const rows = await this.read(viewerId, chatId, { after: after ?? 0, before: before ?? NO_UPPER_BOUND, size, forward }, authors);
    const more = rows.length > size;
    // Rows come oldest first; the one past the page is at the far end of the walk.
    const page = forward ? rows.slice(0, size) : rows.slice(rows.length - Math.min(rows.length, size));
    return toConnection(page, cursorOf, {
      hasNextPage: forward ? more : before !== undefined,
      hasPreviousPage: forward ? (after ?? 0) > 0 : more,
    });
  }

  /** Messages with seq > afterSeq, oldest first: what a client missed while disconnected. */
  async since(viewerId: string, chatId: string, afterSeq: number, first?: number | null, authors?: AuthorCache): Promise<Connection<Message>> {
    if (afterSeq < 0) throw new BadInputError('afterSeq', 'afterSeq must be 0 or more.');
    const size = pageSize(first, 'first', DEFAULT_CATCH_UP_PAGE);
    const rows = await this.read(viewerId, chatId, { after: afterSeq, before: NO_UPPER_BOUND, size, forward: true }, authors);
    return toConnection(rows.slice(0, size), cursorOf, { hasNextPage: rows.length > size, hasPreviousPage: afterSeq > 0 });
  }

  /** Up to size + 1 messages between the bounds, oldest first; NOT_FOUND unless the viewer is in the chat. */
  private async read(
    viewerId: string,
    chatId: string,
    range: { after: number; before: number; size: number; forward: boolean },
    authors: AuthorCache | undefined,
  ): Promise<Message[]> {
    const [row] = await this.sql.query<HistoryRow>(range.forward ? HISTORY_FORWARD : HISTORY_BACKWARD, [
      chatId,
      viewerId,
      range.after,
      range.before,
      range.size + 1,
    ]);
    if (!row!.member) throw new NotFoundError('Chat');
    if (authors) for (const author of row!.authors ?? []) authors.prime(author.id, toUser(userFromJson(author), viewerId));
    return messagesOf(row!);
  }
}

/** The page's messages, oldest first, each with its attachments in order. */
function messagesOf(row: HistoryRow): Message[] {
  const messages = (row.messages ?? []).map(
    ({ id, chatId, authorId, seq, body, clientId, createdAt, editedAt, deletedAt }): Message => ({
      id,
      chatId,
      authorId,
      seq,
      body,
      clientId,
      createdAt: jsonTimestamp(createdAt),
      editedAt: jsonTimestamp(editedAt),
      deletedAt: jsonTimestamp(deletedAt),
      attachments: [],
    }),
  );
  messages.sort((a, b) => a.seq - b.seq);
  if (row.attachments) {
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const { messageId, position: _position, ...attachment } of row.attachments) byId.get(messageId)!.attachments.push(attachment);
  }
  return messages;
}
