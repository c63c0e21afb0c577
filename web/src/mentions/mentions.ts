/** Someone who can be mentioned: a member of the chat. */
export interface Mentionable {
  id: string;
  username: string;
  displayName: string | null;
}

/** The `@` being typed: where it starts in the text, and what follows it so far. */
export interface MentionQuery {
  start: number;
  query: string;
}

// Usernames are 3-32 of A-Z, a-z, 0-9, '_' and '.'. An @ counts after the start of the text or
// anything but such a character (so that ana@example.com mentions nobody).
const NAME_CHARS = 'A-Za-z0-9_.';
const TYPING = new RegExp(`(^|[^${NAME_CHARS}@])@([${NAME_CHARS}]{0,32})$`);
const MENTION = new RegExp(`(^|[^${NAME_CHARS}@])@([${NAME_CHARS}]+)`, 'g');

/** The mention being typed at the caret, if the caret ends an `@word`. */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const match = TYPING.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** Members whose username, or a word of whose name, starts with the query; the viewer left out. */
export function suggestMembers(members: Mentionable[], query: string, viewerId: string, limit = 6): Mentionable[] {
  const wanted = query.toLowerCase();
  const matches = (member: Mentionable) =>
    member.username.toLowerCase().startsWith(wanted) ||
    (member.displayName ?? '')
      .toLowerCase()
      .split(/\s+/)
      .some((word) => word.startsWith(wanted));
  return members.filter((member) => member.id !== viewerId && matches(member)).slice(0, limit);
}

/** The text with the typed `@query` replaced by `@username` and a space, and where the caret goes. */
export function insertMention(text: string, at: MentionQuery, username: string): { text: string; caret: number } {
  const after = text.slice(at.start + 1 + at.query.length);
  const inserted = `@${username}${after.startsWith(' ') ? '' : ' '}`;
  return { text: text.slice(0, at.start) + inserted + after, caret: at.start + inserted.length + (after.startsWith(' ') ? 1 : 0) };
}

interface Token {
  /** Where the @ is. */
  index: number;
  /** The text of the mention, @ included, as written (its full stop left out when it ends a sentence). */
  text: string;
  member: Mentionable;
}

/**
 * Each `@username` of the text that names one of `people` (ignoring case). A full stop right
 * after a name ends the sentence, unless a username ends with one.
 */
function mentionTokens(text: string, people: Mentionable[]): Token[] {
  const byName = new Map(people.map((person) => [person.username.toLowerCase(), person]));
  const tokens: Token[] = [];
  for (const match of text.matchAll(MENTION)) {
    let name = match[2] ?? '';
    let member = byName.get(name.toLowerCase());
    while (!member && name.endsWith('.')) {
      name = name.slice(0, -1);
      member = byName.get(name.toLowerCase());
    }
    if (member) tokens.push({ index: match.index + (match[1] ?? '').length, text: `@${name}`, member });
  }
  return tokens;
}

/** The members a message names, in the order first named, once each: its `mentionUserIds`. */
export function mentionedMembers(text: string, members: Mentionable[]): Mentionable[] {
  const found = new Map<string, Mentionable>();
  for (const { member } of mentionTokens(text, members)) if (!found.has(member.id)) found.set(member.id, member);
  return [...found.values()];
}

export interface Segment {
  text: string;
  /** Set on an `@username` of someone the message mentions. */
  mention: Mentionable | null;
}

/** The body in pieces, each mention of someone in `mentions` on its own (to be shown as one). */
export function splitMentions(text: string, mentions: Mentionable[]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const token of mentionTokens(text, mentions)) {
    if (token.index > at) segments.push({ text: text.slice(at, token.index), mention: null });
    segments.push({ text: token.text, mention: token.member });
    at = token.index + token.text.length;
  }
  if (at < text.length) segments.push({ text: text.slice(at), mention: null });
  return segments;
}
