import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { BaseMailbox, type Mailbox, OutboxMailbox, type ReceivedMail, toReceived } from './mailbox';
import { startTestServer, type TestServer } from './server';

export { type Mailbox, OutboxMailbox, type ReceivedMail, toReceived } from './mailbox';

/**
 * A real SMTP server (smtp-server) on a free port, asking for a user name and password, without
 * STARTTLS; each email is parsed (mailparser) as it arrives. `refuseNext` makes it answer the next
 * deliveries with a temporary failure (451).
 */
export class SmtpTestServer extends BaseMailbox {
  readonly received: ReceivedMail[] = [];
  refuseNext = 0;
  /** Deliveries it answered with a failure. */
  refused = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {
    super();
  }

  static async start(): Promise<SmtpTestServer> {
    const holder: { instance?: SmtpTestServer } = {};
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'parley' && auth.password === 'secret') callback(null, { user: 'parley' });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, _session, callback) {
        const self = holder.instance!;
        if (self.refuseNext > 0) {
          self.refuseNext -= 1;
          self.refused += 1;
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream).then(
          (parsed) => {
            self.received.push(toReceived(parsed));
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    holder.instance = new SmtpTestServer(server, `smtp://parley:secret@127.0.0.1:${port}`);
    return holder.instance;
  }

  async all(): Promise<ReceivedMail[]> {
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export type MailTransport = 'SMTP' | 'outbox';
/** Every mail flow runs against both: a real SMTP server, and the outbox (the default without SMTP_URL). */
export const MAIL_TRANSPORTS: MailTransport[] = ['SMTP', 'outbox'];

export interface MailingServer {
  server: TestServer;
  mailbox: Mailbox;
  close(): Promise<void>;
}

/** A test server that sends its emails through `transport`, and the mailbox they arrive in. */
export async function startMailingServer(transport: MailTransport, options: Parameters<typeof startTestServer>[0] = {}): Promise<MailingServer> {
  if (transport === 'outbox') {
    const server = await startTestServer(options);
    return { server, mailbox: new OutboxMailbox(join(server.config.dataDir, 'outbox')), close: () => server.close() };
  }
  const smtp = await SmtpTestServer.start();
  const server = await startTestServer({ ...options, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Parley Test <no-reply@parley.test>', ...options.env } });
  return {
    server,
    mailbox: smtp,
    close: async () => {
      await server.close();
      await smtp.close();
    },
  };
}
