import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameProblem, normalizeName } from '../../src/server/names';

const DIRECTION_CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

describe('nameProblem', () => {
  it.each([
    ['plain ASCII', 'Alice Smith'],
    ['accents, composed or not', 'Jos\u00e9 Jose\u0301'],
    ['right-to-left scripts', 'דוד مرحبا'],
    ['CJK and Hangul', '田中 김민준'],
    ['emoji with a skin tone and a joiner', '👩🏽‍💻'],
    ['a family emoji', '👨‍👩‍👧‍👦'],
    ['emoji presentation (VS16)', '❤️ ☕️'],
    ['a keycap', '1️⃣'],
    ['a ZWJ sequence with VS16 inside', '🏳️‍🌈 🏳️‍⚧️'],
    ['a subdivision flag (tag sequence)', '🏴󠁧󠁢󠁥󠁮󠁧󠁿'],
    ['Persian with a zero-width non-joiner', 'می\u200Cخواهم'],
    ['Devanagari with a virama and ZWJ', 'क्\u200Dष'],
    ['a no-break space', 'Jean\u00A0Dupont'],
  ])('accepts %s', (_, name) => {
    expect(nameProblem(name, 'displayName')).toBeUndefined();
  });

  it.each(DIRECTION_CONTROLS)('refuses the direction control U+%s, naming it', (control) => {
    const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(nameProblem(`abc${control}gnp.exe`, 'name')).toBe(`name must not contain direction controls (${code}): they change the order in which a name reads.`);
  });

  it.each([
    ['a zero-width space', 'ad\u200Bmin', 'U+200B'],
    ['a word joiner', 'a\u2060b', 'U+2060'],
    ['a soft hyphen', 'ad\u00ADmin', 'U+00AD'],
    ['a byte order mark', '\uFEFFname', 'U+FEFF'],
    ['a Hangul filler', '\u3164', 'U+3164'],
    ['a halfwidth Hangul filler', 'x\uFFA0', 'U+FFA0'],
    ['a Hangul choseong filler', '\u115F\u1160', 'U+115F'],
    ['a blank Braille pattern', '\u2800', 'U+2800'],
    ['a combining grapheme joiner', 'a\u034Fb', 'U+034F'],
    ['a variation selector after a letter', 'a\uFE0F', 'U+FE0F'],
    ['a tab', 'a\tb', 'U+0009'],
    ['a line separator', 'a\u2028b', 'U+2028'],
    ['a lone zero-width joiner', '\u200D', 'U+200D'],
    ['a joiner at the start', '\u200Dabc', 'U+200D'],
    ['a joiner beside a space', 'a \u200Db', 'U+200D'],
    ['two joiners in a row', 'a\u200D\u200Db', 'U+200D'],
    ['a tag character outside a flag', 'a\u{E0041}', 'U+E0041'],
    ['a Mongolian vowel separator', 'a\u180Eb', 'U+180E'],
    ['an interlinear annotation', '\uFFF9a\uFFFAb\uFFFB', 'U+FFF9'],
  ])('refuses %s, naming the character', (_, name, code) => {
    expect(nameProblem(name, 'displayName')).toBe(`displayName must not contain invisible or control characters (${code}).`);
  });

  it('refuses any name with a direction control wherever it stands', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom(...DIRECTION_CONTROLS), fc.string({ unit: 'grapheme' }), (before, control, after) => {
        expect(nameProblem(before + control + after, 'name')).toMatch(/direction controls/);
      }),
    );
  });

  it('accepts any name of letters, digits, punctuation and spaces', () => {
    const visible = fc.stringMatching(/^[\p{L}\p{N}\p{P}\p{Zs}]*$/u).filter((name) => !/[\u061C\u3164\uFFA0\u115F\u1160]/u.test(name));
    fc.assert(
      fc.property(visible, (name) => {
        expect(nameProblem(name, 'name')).toBeUndefined();
      }),
    );
  });
});

describe('normalizeName', () => {
  it('composes to NFC and trims', () => {
    expect(normalizeName('  Jose\u0301 ')).toBe('Jos\u00e9');
    expect(normalizeName('\u212B')).toBe('\u00C5');
    expect(normalizeName('한\u3000')).toBe('한');
  });
});
