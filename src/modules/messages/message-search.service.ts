import type { Sql } from '../../db/sql';
import { BadInputError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { decodeCursor, encodeCursor, isCursorTime, pageSize } from '../../server/relay';
import { assertChatMember } from '../chats/chat.access';
import { chatFromJson } from '../chats/chat.sql';
import { userFromJson } from '../users/user.sql';
import { toUser } from '../users/user.type';
import { SEARCH_MESSAGES, type SearchRow } from './message-search.sql';
import type { MessageSearchConnection } from './message-search.type';
import { type Message, toMessage } from './message.type';
import { highlight, queryWords } from './search-text';

export const SEARCH_QUERY_MAX = 200;

/** A search cursor: the message's send time (ms) and id. */
type SearchCursor = [createdAt: number, id: string];
const isSearchCursor = (keys: unknown[]): keys is SearchCursor => keys.length === 2 && isCursorTime(keys[0]) && typeof keys[1] === 'string';

/** Full-text search over the messages a viewer may read, in one statement a page (SEARCH_MESSAGES). */
export class MessageSearchService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
  ) {}

  async search(viewerId: string, args: { query: string; chatId?: string | null; first?: number | null; after?: string | null }): Promise<MessageSearchConnection> {
    const words = searchWords(args.query);
    const size = pageSize(args.first, 'first', 20);
    const cursor = args.after ? decodeCursor<SearchCursor>(args.after, 'after', isSearchCursor) : undefined;
    if (args.chatId != null) await assertChatMember(this.prisma, args.chatId, viewerId);
    const rows = await this.sql.query<SearchRow>(SEARCH_MESSAGES, [
      viewerId,
      words,
      args.chatId ?? null,
      cursor ? new Date(cursor[0]).toISOString() : null,
      cursor ? cursor[1] : null,
      size + 1,
    ], { planEachCall: true });
    const edges = rows.slice(0, size).map((row) => {
      const node: Message = { ...toMessage(row), sentBy: toUser(userFromJson(row.author), viewerId), sentIn: chatFromJson(row.chat) };
      return { node, cursor: encodeCursor([node.createdAt.getTime(), node.id]), highlight: highlight(node.body ?? '', words) };
    });
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: cursor !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}

/** The query's words, or BAD_USER_INPUT: 1-200 characters with at least one letter or digit. */
function searchWords(query: string): string[] {
  if (query.length < 1 || query.length > SEARCH_QUERY_MAX) throw new BadInputError('query', `query must be 1-${SEARCH_QUERY_MAX} characters.`);
  const words = queryWords(query);
  if (words.length === 0) throw new BadInputError('query', 'query must contain a word (letters or digits).');
  return words;
}
