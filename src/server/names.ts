import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Names (display names, group names) are shown to other people beside text they did not write, so
 * they may not carry characters that change how the text around them reads or that cannot be seen.
 * Message bodies keep everything people write (except what every input refuses: NUL, lone surrogates).
 * Usernames need none of this: they are ASCII letters, digits, '_' and '.' only.
 */

/** Bidirectional embeddings, overrides and isolates, and the marks that act like them (ALM, LRM, RLM). */
const DIRECTION_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * What cannot be seen: control characters, format characters (General_Category=Cf: zero-width
 * spaces, word joiners, soft hyphens, BOMs, interlinear annotations, tags), the Default_Ignorable
 * code points that are not Cf (Hangul fillers U+115F, U+1160, U+3164, U+FFA0, combining grapheme
 * joiner, variation selectors), line and paragraph separators, and the blank Braille pattern U+2800,
 * which shows as nothing and is a common way to make a name look empty.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** Flags of England, Scotland, Wales: a black flag, tag letters, a cancel tag. */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
/** Text or emoji presentation (VS15, VS16) of a character that has both, as in ❤️. */
const EMOJI_VARIATION = /(?<=\p{Emoji})[\uFE0E\uFE0F]/gu;
/**
 * Zero-width joiner and non-joiner between two visible characters. A judgment call: they are
 * invisible, but emoji sequences (👩‍💻, 🏳️‍⚧️) are made with ZWJ, and Persian (ZWNJ, as in می‌خواهم) and
 * Indic scripts (ZWJ after a virama) need them to spell names correctly. Between visible characters
 * they only change how those join; the spoofing they could add (two names that look alike but differ)
 * matters for unique names, and display and group names are not unique: anyone may type the same one.
 * After a combining mark they may end a word (a virama and ZWJ spell a half form, as in older
 * Malayalam text). At the start, doubled, or beside spaces they serve nothing and are refused.
 */
const JOINER =
  /(?<=[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}])[\u200C\u200D](?=[\p{L}\p{M}\p{N}\p{Extended_Pictographic}])|(?<=\p{M})[\u200C\u200D]/gu;
const PLAIN_ASCII = /^[\x20-\x7E]*$/;

function codePointOf(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `name` cannot be a name, or undefined when it can. */
export function nameProblem(name: string, field: string): string | undefined {
  if (PLAIN_ASCII.test(name)) return undefined;
  const direction = DIRECTION_CONTROL.exec(name);
  if (direction) {
    return `${field} must not contain direction controls (${codePointOf(direction[0])}): they change the order in which a name reads.`;
  }
  const rest = name.replace(EMOJI_TAG_SEQUENCE, '\u{1F3F4}').replace(EMOJI_VARIATION, '').replace(JOINER, '');
  const invisible = INVISIBLE.exec(rest);
  if (invisible) return `${field} must not contain invisible or control characters (${codePointOf(invisible[0])}).`;
  return undefined;
}

/** A name as stored: in Unicode normalization form C (one spelling for é and e + ◌́), trimmed. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim();
}

/** A display or group name (see nameProblem); null and undefined are left to @IsOptional. */
export function IsName(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isName',
      validator: {
        validate: (value: unknown, args) => typeof value === 'string' && nameProblem(value, args?.property ?? 'name') === undefined,
        defaultMessage: (args) => nameProblem(String(args?.value), args?.property ?? 'name') ?? `${args?.property ?? 'name'} must be text`,
      },
    },
    options,
  );
}
