import { displayName } from '../chats/chat-display';
import type { QuotedMessage } from './outbox';

const SNIPPET_LENGTH = 120;

/**
 * What a quote of a message says: its text on one line (cut short), or that it was deleted
 * (Parley still gives a deleted original, with its body null), or held only files.
 */
export function quoteSnippet(message: Pick<QuotedMessage, 'body' | 'deletedAt'>): string {
  if (message.deletedAt) return 'Deleted message';
  if (message.body === null) return 'Attachment';
  const line = message.body.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH - 1)}…` : line;
}

export function quoteAuthor(message: QuotedMessage, viewerId: string): string {
  return message.author.id === viewerId ? 'You' : displayName(message.author);
}
