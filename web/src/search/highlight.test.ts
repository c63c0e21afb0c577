import { describe, expect, it } from 'vitest';
import { decodeEntities, highlightParts } from './highlight';

describe('a search highlight', () => {
  it('becomes text parts, marked where the query matched', () => {
    expect(highlightParts('we <mark>deploy</mark> on <mark>Friday</mark>s')).toEqual([
      { text: 'we ', marked: false },
      { text: 'deploy', marked: true },
      { text: ' on ', marked: false },
      { text: 'Friday', marked: true },
      { text: 's', marked: false },
    ]);
    expect(highlightParts('<mark>all</mark>')).toEqual([{ text: 'all', marked: true }]);
  });

  it('turns the escaped characters back into the text that was written', () => {
    expect(highlightParts('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; said &quot;<mark>hi</mark>&#39;')).toEqual([
      { text: '<b>Tom & Jerry</b> said "', marked: false },
      { text: 'hi', marked: true },
      { text: "'", marked: false },
    ]);
  });

  it('keeps anything else that looks like markup as visible text, never as HTML', () => {
    expect(highlightParts('<script>alert(1)</script><mark>x</mark>')).toEqual([
      { text: '<script>alert(1)</script>', marked: false },
      { text: 'x', marked: true },
    ]);
    expect(highlightParts('<mark onclick="x">y</mark>')).toEqual([{ text: '<mark onclick="x">y', marked: false }]);
  });

  it('decodes numeric references, and leaves malformed or impossible ones as written', () => {
    expect(decodeEntities('&#233;t&#xE9; &#128512;')).toBe('été 😀');
    expect(decodeEntities('&#0; &#xD800; &#99999999; &nope; & amp;')).toBe('&#0; &#xD800; &#99999999; &nope; & amp;');
  });
});
