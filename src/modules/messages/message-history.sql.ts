import { USER_JSON } from '../users/user.sql';
import type { UserRecord } from '../users/user.type';
import { ATTACHMENT_FIELDS, ATTACHMENTS_JSON_OF, MESSAGE_FIELDS, type MessageRow } from './message.sql';
import type { Attachment, ReactionSummary } from './message.type';
import { REACTORS_READ } from './reaction.sql';

/** What a history page reads besides the messages, as the operation selected it. */
export interface HistoryWants {
  replyTo: boolean;
  mentions: boolean;
  reactions: boolean;
  pinnedBy: boolean;
}

export const NOTHING_MORE: HistoryWants = { replyTo: false, mentions: false, reactions: false, pinnedBy: false };

export type MessageJson = Omit<MessageRow, 'attachments'>;

/** A page's message, with what it keeps of its mentions and reactions when they were wanted. */
export type PageMessageJson = MessageJson & { reactionSummary?: Omit<ReactionSummary, 'viewerReacted'>[] | null };

export interface HistoryRow {
  member: boolean;
  /** The viewer's clearChatHistory mark: their history starts after it. */
  clearedSeq: number | null;
  /** The page as JSON, in no particular order (timestamps as text, see `fromJsonTimestamps`); null when empty. */
  messages: PageMessageJson[] | null;
  /** The page's attachments as JSON, each with its message's id, in position order; null when none. */
  attachments: (Attachment & { messageId: string; position: number })[] | null;
  /** Each user the page refers to once (authors, and as wanted those answered, mentioned, reacting, pinning), as JSON. */
  users: UserRecord[] | null;
  /** The messages the page answers, with their attachments (wants.replyTo). */
  replies?: MessageRow[] | null;
  /** The viewer's reactions with an emoji whose summary does not list every reactor (wants.reactions). */
  viewerReactions?: { messageId: string; emoji: string }[] | null;
}

/**
 * One page of a chat's history if the viewer ($2) is a member of the chat ($1), as one row of a
 * few JSON values: the messages, their attachments, each user they refer to once, and what the
 * operation selected of replies, mentions and reactions (one statement however many are shown).
 * Mentions and reactions come with each message's row (mentionIds, reactionSummary): only the
 * viewer's own reactions are looked up, for the rare emoji whose summary does not list everyone.
 * Keyset on (chatId, seq), never an OFFSET: `$3 < seq < $4`, and past the viewer's cleared history,
 * at most `$5` rows from the oldest (forward) or from the newest (backward) end.
 */
export function historyPage(direction: 'ASC' | 'DESC', wants: HistoryWants): string {
  const users = ['SELECT "authorId" FROM page'];
  const ctes = [];
  const columns = [];
  const kept = wants.reactions ? ['page."reactionSummary"'] : [];
  if (wants.replyTo) {
    ctes.push(`replied AS (SELECT ${MESSAGE_FIELDS('r')}, ${ATTACHMENTS_JSON_OF('r')} AS "attachments"
  FROM "Message" r WHERE r."id" IN (SELECT "replyToId" FROM page))`);
    users.push('SELECT "authorId" FROM replied');
    columns.push('(SELECT json_agg(replied) FROM replied) AS "replies"');
  }
  if (wants.mentions) users.push('SELECT unnest("mentionIds") FROM page');
  if (wants.reactions) {
    users.push(`SELECT jsonb_array_elements_text(g -> 'userIds') FROM page, jsonb_array_elements(page."reactionSummary") g`);
    columns.push(`(SELECT json_agg(json_build_object('messageId', x."messageId", 'emoji', x."emoji")) FROM "Reaction" x
    WHERE x."userId" = $2 AND x."messageId" IN (
      SELECT "id" FROM page WHERE jsonb_path_exists(page."reactionSummary", '$[*] ? (@.count > ${REACTORS_READ})'))) AS "viewerReactions"`);
  }
  if (wants.pinnedBy) users.push('SELECT "pinnedById" FROM page');
  return `
WITH viewer AS (
  SELECT "clearedSeq" FROM "ChatMember" WHERE "chatId" = $1 AND "userId" = $2
), page AS (
  SELECT ${[MESSAGE_FIELDS('page'), ...kept].join(', ')}
  FROM "Message" page
  WHERE EXISTS (SELECT 1 FROM viewer) AND page."chatId" = $1
    AND page."seq" > GREATEST($3, (SELECT "clearedSeq" FROM viewer)) AND page."seq" < $4
  ORDER BY page."seq" ${direction} LIMIT $5
)${ctes.map((cte) => `, ${cte}`).join('')}
SELECT EXISTS (SELECT 1 FROM viewer) AS "member", (SELECT "clearedSeq" FROM viewer) AS "clearedSeq",
  (SELECT json_agg(page) FROM page) AS "messages",
  (SELECT json_agg(a ORDER BY a."messageId", a."position") FROM (
    SELECT a."messageId", a."position", ${ATTACHMENT_FIELDS('a')} FROM "Attachment" a WHERE a."messageId" IN (SELECT "id" FROM page)
  ) a) AS "attachments",
  (SELECT json_agg(${USER_JSON('u')}) FROM "User" u WHERE u."id" IN (${users.join(' UNION ')})) AS "users"${columns.map((column) => `,\n  ${column}`).join('')}`;
}

/**
 * Where a jump to a date lands in chat $1: the first message sent at or after $2 (seqs follow send
 * times: a send's time is never before the chat's last activity), or lastSeq + 1 when none is.
 */
export const SEQ_AT = `
SELECT COALESCE(
  (SELECT m."seq" FROM "Message" m WHERE m."chatId" = $1 AND m."createdAt" >= $2::timestamp ORDER BY m."createdAt", m."seq" LIMIT 1),
  (SELECT c."lastSeq" + 1 FROM "Chat" c WHERE c."id" = $1), 1) AS "seq"`;
