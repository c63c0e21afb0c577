import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { serveWithApollo } from './apollo-serve';

/**
 * S3's framework ceiling: Apollo Server and @as-integrations/fastify (the project's versions)
 * answering S3's exact mutation with S3's baseline write (the chat's seq by UPDATE ... RETURNING,
 * then the INSERT, in one transaction) through a node-postgres pool of 16, and nothing else: the
 * author is read from the bearer token unverified; no membership, block, idempotency or rate checks,
 * no pointers, no events. What a send costs on the stack Parley is bound to.
 */
interface SendInput {
  chatId: string;
  body: string;
  clientId: string;
}

interface Context {
  authorId: string;
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16, options: '-c TimeZone=UTC' });
await serveWithApollo<Context>({
  typeDefs: `
    input SendMessageInput { chatId: ID! body: String clientId: String }
    type Message { id: ID! seq: Int! clientId: String }
    type Query { ok: Boolean }
    type Mutation { sendMessage(input: SendMessageInput!): Message! }`,
  resolvers: {
    Mutation: {
      sendMessage: async (_: unknown, { input }: { input: SendInput }, { authorId }: Context) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ lastSeq: number; lastActivityAt: Date }>({
            name: 'take',
            text: `UPDATE "Chat" SET "lastSeq" = "lastSeq" + 1, "lastActivityAt" = GREATEST(clock_timestamp(), "lastActivityAt")
              WHERE "id" = $1 RETURNING "lastSeq", "lastActivityAt"`,
            values: [input.chatId],
          });
          const id = randomUUID();
          await client.query({
            name: 'insert',
            text: `INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "clientId", "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            values: [id, input.chatId, rows[0]!.lastSeq, authorId, input.body, input.clientId, rows[0]!.lastActivityAt],
          });
          await client.query('COMMIT');
          return { id, seq: rows[0]!.lastSeq, clientId: input.clientId };
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
    },
  },
  // The author, read unverified from the bearer token: checking it is Parley's work, not the framework's.
  context: async (request) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    return { authorId: token ? String(decodeJwt(token).sub) : '' };
  },
  onClose: () => pool.end(),
});
