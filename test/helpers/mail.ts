import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from './server';
import { delay } from './subscriptions';

/** An email as a mailbox would show it, with the link and token it carries (if any). */
export interface ReceivedMail {
  /** Lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The link in the text part, and the token it carries. */
  link: string | undefined;
  token: string | undefined;
}

const LINK = /(https?:\/\/\S+\/#\/[a-z-]+\?token=([A-Za-z0-9_%-]+))/;

export function toReceived(parsed: ParsedMail): ReceivedMail {
  const addresses = (value: ParsedMail['to']) => (value ? (Array.isArray(value) ? value : [value]).flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase())) : []);
  const text = parsed.text ?? '';
  const match = LINK.exec(text);
  return {
    to: addresses(parsed.to),
    from: parsed.from?.text ?? '',
    subject: parsed.subject ?? '',
    text,
    html: typeof parsed.html === 'string' ? parsed.html : '',
    link: match?.[1],
    token: match ? decodeURIComponent(match[2]!) : undefined,
  };
}

/** Where a test reads the emails a server sent: a real SMTP server's inbox, or the server's outbox folder. */
export interface Mailbox {
  /** Every email received so far. */
  all(): Promise<ReceivedMail[]>;
  /** The first email to `to` whose subject contains `subject` that was not taken before; waits for it. */
  take(to: string, subject: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** The emails to `to` received so far. */
  to(address: string): Promise<ReceivedMail[]>;
}

abstract class BaseMailbox implements Mailbox {
  private readonly taken = new Set<ReceivedMail>();

  abstract all(): Promise<ReceivedMail[]>;

  async take(to: string, subject: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.all()).find((mail) => !this.taken.has(mail) && mail.to.includes(to.toLowerCase()) && mail.subject.includes(subject));
      if (found) {
        this.taken.add(found);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no email to ${to} about "${subject}" within ${timeoutMs} ms`);
      await delay(25);
    }
  }

  async to(address: string): Promise<ReceivedMail[]> {
    return (await this.all()).filter((mail) => mail.to.includes(address.toLowerCase()));
  }
}

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

/** The .eml files a server without SMTP_URL wrote under DATA_DIR/outbox, parsed. */
export class OutboxMailbox extends BaseMailbox {
  private readonly parsed = new Map<string, ReceivedMail>();

  constructor(readonly dir: string) {
    super();
  }

  async all(): Promise<ReceivedMail[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    for (const name of names.filter((each) => each.endsWith('.eml')).sort()) {
      if (!this.parsed.has(name)) this.parsed.set(name, toReceived(await simpleParser(await readFile(join(this.dir, name)))));
    }
    return [...this.parsed.values()];
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
