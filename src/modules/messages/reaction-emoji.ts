import { BadInputError } from '../../errors/errors';

/**
 * Exactly one emoji as Unicode recommends them for general interchange: skin tones, ZWJ sequences,
 * flags and keycaps included. Node has the `v` flag's properties of strings; the type-checker's
 * target (ES2022) does not know the flag, hence the constructor.
 */
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PRESENTATION_SELECTOR = '\uFE0F';

/**
 * A reaction's emoji as stored, or BAD_USER_INPUT: one emoji and nothing else. An emoji typed
 * without its presentation selector ("❤" for "❤️") is stored with it, so that both count as one.
 */
export function reactionEmoji(text: string): string {
  if (ONE_EMOJI.test(text)) return text;
  if (ONE_EMOJI.test(text + PRESENTATION_SELECTOR)) return text + PRESENTATION_SELECTOR;
  throw new BadInputError('emoji', 'emoji must be exactly one emoji.');
}
