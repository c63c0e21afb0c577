import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * S1's and S2's baseline: a bare `ws` server holding the same room membership as Parley. Setup
 * (POST /rooms) gives it the users (id, username, access token) and each chat's members; a
 * subscriber connects to /graphql?token=<access token>. A message comes as S1's `sendMessage`
 * mutation over HTTP POST /graphql (the same JSON, the author named by the same bearer token),
 * is built with the subscription's fields, serialized once as a graphql-ws `next` frame, and
 * written to every socket of every member (the author's included, as Parley does). No database,
 * no GraphQL execution: the cost of fan-out itself.
 */
interface Rooms {
  users: { id: string; username: string; token: string }[];
  chats: { id: string; memberIds: string[] }[];
}

interface Author {
  id: string;
  username: string;
  displayName: null;
  avatarUrl: null;
}

let authors = new Map<string, Author>();
let members = new Map<string, string[]>();
let seqs = new Map<string, number>();
const socketsOf = new Map<string, Set<WebSocket>>();

const TYPENAME = Buffer.from(JSON.stringify({ data: { __typename: 'Query' } }));

function setRooms(rooms: Rooms): void {
  authors = new Map(rooms.users.map((user) => [user.token, { id: user.id, username: user.username, displayName: null, avatarUrl: null }]));
  members = new Map(rooms.chats.map((chat) => [chat.id, chat.memberIds]));
  seqs = new Map(rooms.chats.map((chat) => [chat.id, 0]));
}

/** Builds the message, serializes it once, writes it to every member socket; answers what sendMessage answers. */
function send(author: Author | undefined, input: { chatId: string; body: string; clientId?: string }): { status: number; answer: unknown } {
  const memberIds = members.get(input.chatId);
  if (!author || !memberIds?.includes(author.id)) return { status: 403, answer: { errors: [{ message: 'not a member' }] } };
  const seq = (seqs.get(input.chatId) ?? 0) + 1;
  seqs.set(input.chatId, seq);
  const message = { id: randomUUID(), seq, body: input.body, createdAt: new Date().toISOString(), author, chat: { id: input.chatId } };
  const frame = JSON.stringify({ id: '1', type: 'next', payload: { data: { messageAdded: message } } });
  for (const memberId of memberIds) for (const socket of socketsOf.get(memberId) ?? []) socket.send(frame);
  return { status: 200, answer: { data: { sendMessage: { id: message.id, seq, clientId: input.clientId ?? null } } } };
}

function reply(response: ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
}

function handle(request: IncomingMessage, response: ServerResponse, text: string): void {
  if (request.method !== 'POST') return reply(response, 404, Buffer.from('{}'));
  const body = JSON.parse(text) as Rooms & { variables?: { input?: { chatId: string; body: string; clientId?: string } } };
  if (request.url === '/rooms') {
    setRooms(body);
    return reply(response, 200, Buffer.from('{}'));
  }
  const input = body.variables?.input;
  // Anything but a send is the runner's readiness probe, `{ __typename }`.
  if (!input) return reply(response, 200, TYPENAME);
  const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
  const { status, answer } = send(authors.get(token), input);
  reply(response, status, Buffer.from(JSON.stringify(answer)));
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 120_000;

const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (socket, request) => {
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
  const author = authors.get(token);
  if (!author) {
    socket.close(4403, 'Forbidden');
    return;
  }
  const sockets = socketsOf.get(author.id) ?? new Set<WebSocket>();
  socketsOf.set(author.id, sockets.add(socket));
  socket.on('close', () => sockets.delete(socket));
});

server.listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
