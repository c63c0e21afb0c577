import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt, mentionedMembers, splitMentions, suggestMembers } from './mentions';

const ana = { id: 'u-ana', username: 'ana', displayName: 'Ana Lima' };
const anabel = { id: 'u-anabel', username: 'Anabel_92', displayName: null };
const ben = { id: 'u-ben', username: 'ben.k', displayName: 'Ben Kowalski' };
const dotted = { id: 'u-dot', username: 'jo.', displayName: null };
const members = [ana, anabel, ben];

describe('typing a mention', () => {
  it('finds the @word that the caret ends, not an email address or a word further on', () => {
    expect(mentionAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('(@be', 4)).toEqual({ start: 1, query: 'be' });
    expect(mentionAt('mail ana@example', 16)).toBeNull();
    expect(mentionAt('hi @ana and more', 16)).toBeNull();
    expect(mentionAt('hi @ana and more', 7)).toEqual({ start: 3, query: 'ana' });
    expect(mentionAt('hi @an a', 8)).toBeNull();
  });

  it('offers members by username or a word of their name, ignoring case, never the viewer', () => {
    expect(suggestMembers(members, 'an', 'u-ben')).toEqual([ana, anabel]);
    expect(suggestMembers(members, 'KOW', 'u-ana')).toEqual([ben]);
    expect(suggestMembers(members, '', 'u-ana')).toEqual([anabel, ben]);
    expect(suggestMembers(members, 'ana', 'u-ana')).toEqual([anabel]);
    expect(suggestMembers(members, '', 'nobody', 2)).toHaveLength(2);
  });

  it('replaces what was typed with the username and one space, and puts the caret after it', () => {
    expect(insertMention('hi @an', { start: 3, query: 'an' }, 'ana')).toEqual({ text: 'hi @ana ', caret: 8 });
    expect(insertMention('@b see you', { start: 0, query: 'b' }, 'ben.k')).toEqual({ text: '@ben.k see you', caret: 7 });
    expect(insertMention('a @x,', { start: 2, query: 'x' }, 'ana')).toEqual({ text: 'a @ana ,', caret: 7 });
  });
});

describe('the people a message mentions', () => {
  it('are the members it names, ignoring case, in the order first named, once each', () => {
    expect(mentionedMembers('@BEN.K and @ana, then @ana again', members)).toEqual([ben, ana]);
    expect(mentionedMembers('@anabel_92?', members)).toEqual([anabel]);
  });

  it('leave out unknown names, email addresses and a sentence’s full stop', () => {
    expect(mentionedMembers('@carla and ana@example.com', members)).toEqual([]);
    expect(mentionedMembers('Thanks @ana.', members)).toEqual([ana]);
    expect(mentionedMembers('Thanks @jo.', [dotted])).toEqual([dotted]);
    expect(mentionedMembers('@an', members)).toEqual([]);
  });
});

describe('a body shown with its mentions', () => {
  it('sets each mention of someone mentioned apart, as written, and keeps the rest as text', () => {
    expect(splitMentions('Hi @Ana, meet @ben.k. And @carla', [ana, ben])).toEqual([
      { text: 'Hi ', mention: null },
      { text: '@Ana', mention: ana },
      { text: ', meet ', mention: null },
      { text: '@ben.k', mention: ben },
      { text: '. And @carla', mention: null },
    ]);
  });

  it('leaves a name alone that the message does not mention, and a body without mentions whole', () => {
    expect(splitMentions('@ana hi', [ben])).toEqual([{ text: '@ana hi', mention: null }]);
    expect(splitMentions('plain', [])).toEqual([{ text: 'plain', mention: null }]);
    expect(splitMentions('', [ana])).toEqual([]);
  });
});
