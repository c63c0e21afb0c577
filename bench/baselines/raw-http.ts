import { createServer } from 'node:http';

/**
 * S4's second baseline: the ceiling of this machine's Node.js HTTP. It reads each request's body
 * and answers POST /graphql with the bytes a GraphQL server gives for `{ __typename }`.
 */
const ANSWER = Buffer.from(JSON.stringify({ data: { __typename: 'Query' } }));

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.method !== 'POST' || request.url !== '/graphql') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': ANSWER.length }).end(ANSWER);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
