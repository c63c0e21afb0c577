import { highlightParts } from './highlight';

/** A search result's text with its matches in <mark>, built from text nodes only (highlight.ts). */
export function Highlight({ html }: { html: string }) {
  return (
    <>
      {highlightParts(html).map((part, index) => (part.marked ? <mark key={index}>{part.text}</mark> : part.text))}
    </>
  );
}
