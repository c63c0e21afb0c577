import { describe, expect, it } from 'vitest';
import { foldWord, highlight, queryWords } from '../../src/modules/messages/search-text';

describe('queryWords', () => {
  it('takes runs of letters and digits, as the search vector does', () => {
    expect(queryWords('ana@example.com, deploy-bot 3.14 日本語')).toEqual(['ana', 'example', 'com', 'deploy', 'bot', '3', '14', '日本語']);
    expect(queryWords(' ?! ')).toEqual([]);
  });
});

describe('foldWord', () => {
  it('drops case and accents, those Unicode decomposes and those it does not', () => {
    expect(['Crème', 'BRÛLÉE', 'Łódź', 'Straße', 'Ærø'].map(foldWord)).toEqual(['creme', 'brulee', 'lodz', 'strasse', 'aero']);
  });

  it('folds plain ASCII words to lower case only', () => {
    expect(['Deploy', 'ABC123', 'x'].map(foldWord)).toEqual(['deploy', 'abc123', 'x']);
  });
});

describe('highlight', () => {
  it('marks every word that matches, the last query word as a prefix too', () => {
    expect(highlight('Deploying the café deploy now', ['cafe', 'deploy'])).toBe('<mark>Deploying</mark> the <mark>café</mark> <mark>deploy</mark> now');
  });

  it('matches earlier query words whole only', () => {
    expect(highlight('deployment deploy', ['deploy', 'x'])).toBe('deployment <mark>deploy</mark>');
  });

  it('escapes everything else, so a body cannot inject markup', () => {
    expect(highlight('<script>alert("x")</script> & go', ['go'])).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>go</mark>');
  });

  it('cuts a long body to about 200 characters around the first match, marking the cuts', () => {
    const body = `${'lorem ipsum '.repeat(40)}needle ${'dolor sit '.repeat(40)}`;
    const result = highlight(body, ['needle']);
    expect(result.startsWith('…')).toBe(true);
    expect(result.endsWith('…')).toBe(true);
    expect(result).toContain('<mark>needle</mark>');
    expect(result.replace(/<\/?mark>|…/g, '').length).toBeLessThanOrEqual(200);
    expect(result.indexOf('<mark>')).toBeLessThan(80);
  });
});
