/** One page of a list: its rows, and the key to read the next page after (undefined: this was the last). */
export interface ExportPage {
  rows: unknown[];
  next: string | undefined;
}

/** A list of the export, read page by page (keyset: `after` is the previous page's last key). */
export interface ExportList {
  name: string;
  page(after: string | undefined): Promise<ExportPage>;
}

/**
 * The export as JSON text, produced piece by piece: the head (an object of plain fields), then each
 * list as a property, one page at a time and one row per line. Only the page being written is ever
 * held: a page is read when the reader of the stream asks for more, never before.
 */
export async function* exportDocument(head: Record<string, unknown>, lists: ExportList[]): AsyncGenerator<string> {
  // The head's own closing brace comes at the very end, after the lists.
  yield JSON.stringify(head).slice(0, -1);
  let separator = Object.keys(head).length > 0 ? ',\n' : '\n';
  for (const list of lists) {
    yield `${separator}${JSON.stringify(list.name)}:[`;
    separator = ',\n';
    let written = 0;
    let after: string | undefined;
    do {
      const page = await list.page(after);
      if (page.rows.length > 0) {
        yield `${written === 0 ? '\n' : ',\n'}${page.rows.map((row) => JSON.stringify(row)).join(',\n')}`;
        written += page.rows.length;
      }
      after = page.next;
    } while (after !== undefined);
    yield written === 0 ? ']' : '\n]';
  }
  yield '}\n';
}
