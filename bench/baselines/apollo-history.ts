import pg from 'pg';
import { serveWithApollo } from './apollo-serve';

/**
 * S5's framework ceiling: Apollo Server and @as-integrations/fastify (the project's versions)
 * answering S5's exact query with S5's baseline SELECT through a node-postgres pool of 16, and
 * nothing else: no authentication, no membership check, no attachments, no cursors. What a page
 * costs on the stack Parley is bound to, before Parley does any work of its own.
 */
const PAGE_SQL = `SELECT m."id", m."seq", m."body", m."createdAt", u."id" AS "authorId", u."username"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
  WHERE m."chatId" = $1 AND m."seq" > $2 ORDER BY m."seq" LIMIT $3`;

interface PageRow {
  id: string;
  seq: number;
  body: string | null;
  createdAt: Date;
  authorId: string;
  username: string;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16, options: '-c TimeZone=UTC' });
await serveWithApollo({
  typeDefs: `
    type User { id: ID! username: String! }
    type Message { id: ID! seq: Int! body: String createdAt: String! author: User! }
    type PageInfo { hasNextPage: Boolean! }
    type MessageConnection { nodes: [Message!]! pageInfo: PageInfo! }
    type Query { messagesSince(chatId: ID!, afterSeq: Int!, first: Int): MessageConnection! }`,
  resolvers: {
    Query: {
      messagesSince: async (_: unknown, args: { chatId: string; afterSeq: number; first?: number | null }) => {
        const first = args.first ?? 100;
        const { rows } = await pool.query<PageRow>({ name: 'page', text: PAGE_SQL, values: [args.chatId, args.afterSeq, first + 1] });
        return {
          nodes: rows.slice(0, first).map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), author: { id: row.authorId, username: row.username } })),
          pageInfo: { hasNextPage: rows.length > first },
        };
      },
    },
  },
  onClose: () => pool.end(),
});
