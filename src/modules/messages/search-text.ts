/** What search takes for a word: a run of letters and digits (anything else separates words, as in the database's search vector). */
const WORD = /[\p{L}\p{N}]+/gu;

/** Letters that lose their accent in the database (unaccent) but have no decomposition of their own in Unicode. */
const UNDECOMPOSED: Record<string, string> = { ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ħ: 'h', ı: 'i', þ: 'th', ð: 'd' };

/** A word of ASCII characters only: nothing to drop but case. */
const ASCII = /^\p{ASCII}*$/u;

/** A word as search compares it: lower-cased, without accents. */
export function foldWord(word: string): string {
  if (ASCII.test(word)) return word.toLowerCase();
  return word
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[łøæœßđħıþð]/g, (letter) => UNDECOMPOSED[letter]!);
}

/** The words of a search query, in order. */
export function queryWords(query: string): string[] {
  return query.match(WORD) ?? [];
}

const SNIPPET_LENGTH = 200;
/** How much of the text before the first match a snippet keeps. */
const LEAD = 60;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

/**
 * The body as a search result shows it: HTML-escaped, every word that matches the query (any of
 * its words, the last one also as a prefix) in <mark></mark>, cut to about 200 characters around
 * the first match, with an ellipsis where it was cut.
 */
export function highlight(body: string, words: string[]): string {
  const folded = words.map(foldWord);
  const last = folded.at(-1) ?? '';
  const exact = new Set(folded.slice(0, -1));
  const matches: [number, number][] = [];
  for (const match of body.matchAll(WORD)) {
    const word = foldWord(match[0]);
    if (exact.has(word) || (last !== '' && word.startsWith(last))) matches.push([match.index, match.index + match[0].length]);
  }
  const first = matches[0]?.[0] ?? 0;
  let start = Math.max(0, first - LEAD);
  // Start at a word's beginning: back to the space before it, unless that would lose the match.
  if (start > 0) start = body.lastIndexOf(' ', start) + 1 || start;
  const end = Math.min(body.length, start + SNIPPET_LENGTH);
  let html = start > 0 ? '…' : '';
  let at = start;
  for (const [from, to] of matches) {
    if (to <= start) continue;
    if (from >= end) break;
    html += escapeHtml(body.slice(at, from)) + '<mark>' + escapeHtml(body.slice(from, to)) + '</mark>';
    at = to;
  }
  return html + escapeHtml(body.slice(at, Math.max(at, end))) + (end < body.length ? '…' : '');
}
