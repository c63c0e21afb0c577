import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { MailConfig } from '../config/config';

/** One email, ready to go: both parts, and what it is for the log. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What kind of email it is ('verify-email', 'reset-password', ...), for the log and the outbox's file names. */
  kind: string;
  /** The link it carries, logged when the email goes to the outbox (so a developer can follow it). */
  link?: string;
}

export interface MailerOptions {
  /** How long to wait before each retry of a failed send; its length is the number of retries. */
  retryDelaysMs: number[];
  /** How long close() waits for sends under way before it lets them go. */
  closeWaitMs: number;
}

const DEFAULTS: MailerOptions = { retryDelaysMs: [10_000, 60_000, 300_000], closeWaitMs: 3_000 };

/** SMTP replies 500-599 are permanent (an unknown recipient, a refused sender): sending again would not help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends account emails in the background: `send` never waits and never fails. With SMTP_URL they
 * go through nodemailer's SMTP transport; without it, nodemailer writes each message (the same
 * MIME it would send) and it is kept as an .eml file under DATA_DIR/outbox, with a log line naming
 * its link. A failed send is logged and tried again after each of `retryDelaysMs`.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly outbox: string | undefined;
  private readonly options: MailerOptions;
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly sending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    config: MailConfig,
    dataDir: string,
    private readonly logger: Logger,
    options: Partial<MailerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    const defaults = { from: config.from };
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }, defaults);
    } else {
      this.outbox = join(dataDir, 'outbox');
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, defaults);
    }
  }

  /** Queues the email; it is sent (or written) right away, and retried on failure. */
  send(mail: Mail): void {
    if (this.closed) {
      this.logger.warn({ kind: mail.kind, to: mail.to }, 'email not sent: the server is shutting down');
      return;
    }
    this.attempt(mail, 1);
  }

  /** Stops retrying (what waits for a retry is dropped, and logged) and gives sends under way a moment to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retries) clearTimeout(timer);
    if (this.retries.size > 0) this.logger.warn({ emails: this.retries.size }, 'emails waiting for a retry were dropped at shutdown');
    this.retries.clear();
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.sending), new Promise((resolve) => (waited = setTimeout(resolve, this.options.closeWaitMs)))]);
    clearTimeout(waited);
    this.transport.close();
  }

  private attempt(mail: Mail, attempt: number): void {
    const sending = this.deliver(mail).then(
      () => {},
      (error: unknown) => this.failed(mail, attempt, error),
    );
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  private async deliver(mail: Mail): Promise<void> {
    const { to, subject, text, html } = mail;
    const info = await this.transport.sendMail({ to, subject, text, html });
    if (!this.outbox) {
      this.logger.debug({ kind: mail.kind, to, messageId: info.messageId }, 'email sent');
      return;
    }
    const file = await this.keep(mail.kind, info.message as Buffer);
    this.logger.info({ kind: mail.kind, to, link: mail.link, file }, `email written to the outbox (no SMTP_URL): ${mail.link ?? file}`);
  }

  /** Written beside its place and renamed into it: a reader of the outbox sees whole files only. */
  private async keep(kind: string, message: Buffer): Promise<string> {
    await mkdir(this.outbox!, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${kind}-${randomBytes(4).toString('hex')}`;
    const file = join(this.outbox!, `${name}.eml`);
    await writeFile(join(this.outbox!, `${name}.tmp`), message, { flag: 'wx' });
    await rename(join(this.outbox!, `${name}.tmp`), file);
    return file;
  }

  private failed(mail: Mail, attempt: number, error: unknown): void {
    const delay = this.options.retryDelaysMs[attempt - 1];
    const facts = { err: error, kind: mail.kind, to: mail.to, attempt };
    if (delay === undefined || this.closed || isPermanent(error)) {
      this.logger.error(facts, 'sending an email failed; giving up');
      return;
    }
    this.logger.warn({ ...facts, retryInMs: delay }, 'sending an email failed; trying again later');
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.attempt(mail, attempt + 1);
    }, delay);
    timer.unref();
    this.retries.add(timer);
  }
}
