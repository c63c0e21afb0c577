import escapeHtml from 'escape-html';
import type { Mail, Mailer } from '../../mail/mailer';

/** What an email says, in both parts. */
interface Body {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; link: string; code: string };
  closing: string;
}

/** The plain-text part: paragraphs, the link on a line of its own, the code. */
function textPart(body: Body): string {
  const action = body.action ? [`${body.action.label}:\n${body.action.link}`, `Or enter this code: ${body.action.code}`] : [];
  return [body.greeting, ...body.paragraphs, ...action, body.closing].join('\n\n') + '\n';
}

/** The HTML part: the same text, escaped, with the link as a button. */
function htmlPart(body: Body): string {
  const paragraph = (text: string) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;
  const action = body.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.link)}" style="background:#2563eb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(body.action.label)}</a></p>` +
      paragraph(`Or enter this code: ${body.action.code}`)
    : '';
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(body.subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:560px;margin:0 auto;padding:24px">',
    paragraph(body.greeting),
    ...body.paragraphs.map(paragraph),
    action,
    paragraph(body.closing),
    '</body></html>',
  ].join('\n');
}

/**
 * The emails of account flows, one template each: every one has a plain-text and an HTML part, a
 * subject naming the service (MAIL_APP_NAME) and, where there is something to do, a link built on
 * PUBLIC_URL and the token itself as a code (for an app that asks for it).
 */
export class AccountMail {
  constructor(
    private readonly mailer: Pick<Mailer, 'send'>,
    private readonly appName: string,
    /** Where clients reach this server: known once it listens, unless PUBLIC_URL says it. */
    private readonly publicUrl: () => string,
  ) {}

  verifyEmail(to: string, username: string, token: string): void {
    const link = this.link('verify-email', token);
    this.send(to, 'verify-email', link, {
      subject: `${this.appName}: confirm your email address`,
      greeting: `Hello ${username},`,
      paragraphs: [`Please confirm that ${to} is the email address of your ${this.appName} account.`, 'This link works once, for 24 hours.'],
      action: { label: 'Confirm your email address', link, code: token },
      closing: `If you did not sign up for ${this.appName} or change your address, you can ignore this email.`,
    });
  }

  resetPassword(to: string, username: string, token: string): void {
    const link = this.link('reset-password', token);
    this.send(to, 'reset-password', link, {
      subject: `${this.appName}: reset your password`,
      greeting: `Hello ${username},`,
      paragraphs: [
        `Someone asked to reset the password of your ${this.appName} account. If it was you, choose a new password with this link.`,
        'It works once, for 1 hour. Resetting the password signs you out everywhere.',
      ],
      action: { label: 'Choose a new password', link, code: token },
      closing: 'If you did not ask for this, ignore this email: your password stays as it is.',
    });
  }

  /** To the old address, after the account moved to `newEmail`. */
  emailChanged(to: string, username: string, newEmail: string): void {
    this.send(to, 'email-changed', undefined, {
      subject: `${this.appName}: your email address was changed`,
      greeting: `Hello ${username},`,
      paragraphs: [`The email address of your ${this.appName} account was changed from ${to} to ${newEmail}. Emails about your account now go there.`],
      closing: `If you did not do this, reset your password at once and contact the ${this.appName} team.`,
    });
  }

  /** The web client's page for the token (a hash route, so the token never reaches a server log). */
  private link(page: string, token: string): string {
    return `${this.publicUrl()}/#/${page}?token=${encodeURIComponent(token)}`;
  }

  private send(to: string, kind: string, link: string | undefined, body: Body): void {
    const mail: Mail = { to, kind, subject: body.subject, text: textPart(body), html: htmlPart(body), ...(link ? { link } : {}) };
    this.mailer.send(mail);
  }
}
