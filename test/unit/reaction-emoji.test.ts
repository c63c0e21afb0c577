import { describe, expect, it } from 'vitest';
import { reactionEmoji } from '../../src/modules/messages/reaction-emoji';

describe('reactionEmoji', () => {
  it.each(['👍', '👍🏽', '❤️', '👨‍👩‍👧', '👩🏾‍💻', '🇫🇷', '🏳️‍🌈', '#️⃣', '🫠'])('takes %s as it is', (emoji) => {
    expect(reactionEmoji(emoji)).toBe(emoji);
  });

  it('stores an emoji typed without its presentation selector with it, so both are one reaction', () => {
    expect(reactionEmoji('❤')).toBe('❤️');
    expect(reactionEmoji('☺')).toBe('☺️');
  });

  it.each(['abc', '👍👍', '1', 'a👍', '👍 ', '', '🇫', '\uFE0F', '👍\u200B'])('refuses %j as BAD_USER_INPUT on emoji', (text) => {
    expect(() => reactionEmoji(text)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'emoji' }) }));
  });
});
