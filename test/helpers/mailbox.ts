import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type ParsedMail, simpleParser } from 'mailparser';

// Reading emails needs no Parley: the browser tests, which run Parley as a child process, read its outbox with this too.

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

export abstract class BaseMailbox implements Mailbox {
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
