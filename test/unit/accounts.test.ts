import { describe, expect, it } from 'vitest';
import type { Mail } from '../../src/mail/mailer';
import { AccountMail } from '../../src/modules/accounts/account-mail';
import { deletedUsername } from '../../src/modules/accounts/account-deletion.service';
import { type ExportList, exportDocument } from '../../src/modules/accounts/data-export.document';

/** A list of `pages` pages of `size` rows each, counting the pages read. */
function countedList(name: string, pages: number, size: number): ExportList & { read: number } {
  const list = {
    name,
    read: 0,
    async page(after: string | undefined) {
      const index = after === undefined ? 0 : Number(after) + 1;
      list.read += 1;
      const rows = Array.from({ length: size }, (_, row) => ({ page: index, row }));
      return { rows, next: index + 1 < pages ? String(index) : undefined };
    },
  };
  return list;
}

async function text(parts: AsyncIterable<string>): Promise<string> {
  let whole = '';
  for await (const part of parts) whole += part;
  return whole;
}

describe('the export document', () => {
  it('is the head with every list as a property, all rows of all pages in order', async () => {
    const document = JSON.parse(await text(exportDocument({ format: 'x', profile: { id: 'u' } }, [countedList('a', 3, 2), countedList('empty', 1, 0), countedList('b', 1, 1)])));
    expect(document).toEqual({
      format: 'x',
      profile: { id: 'u' },
      a: [0, 1, 2].flatMap((page) => [{ page, row: 0 }, { page, row: 1 }]),
      empty: [],
      b: [{ page: 0, row: 0 }],
    });
    expect(JSON.parse(await text(exportDocument({}, [countedList('only', 1, 1)])))).toEqual({ only: [{ page: 0, row: 0 }] });
  });

  it('reads a page only when the reader asks for more: nothing holds the whole document', async () => {
    const list = countedList('messages', 100, 1000);
    const parts = exportDocument({ format: 'x' }, [list]);
    await parts.next();
    await parts.next();
    expect(list.read).toBe(0);
    const first = await parts.next();
    expect(list.read).toBe(1);
    expect((first.value as string).split('\n').filter(Boolean)).toHaveLength(1000);
    await parts.next();
    expect(list.read).toBe(2);
    await parts.return(undefined);
  });
});

describe('account emails', () => {
  const sent: Mail[] = [];
  const mail = new AccountMail({ send: (each) => sent.push(each) }, 'Tom & Jerry', () => 'https://chat.example.com/app');

  it('have a subject naming the service, a plain-text and an HTML part, and the link with its code', () => {
    mail.resetPassword('ann@example.com', 'ann', 'tok-123_x');
    const [reset] = sent.splice(0);
    expect(reset).toMatchObject({ to: 'ann@example.com', kind: 'reset-password', subject: 'Tom & Jerry: reset your password', link: 'https://chat.example.com/app/#/reset-password?token=tok-123_x' });
    expect(reset!.text).toContain('https://chat.example.com/app/#/reset-password?token=tok-123_x\n');
    expect(reset!.text).toContain('tok-123_x');
    expect(reset!.html).toContain('href="https://chat.example.com/app/#/reset-password?token=tok-123_x"');
    expect(reset!.html).toContain('Tom &amp; Jerry');
    expect(reset!.html).not.toContain('Tom & Jerry');
  });

  it('tell the old address where the account went, with nothing to click', () => {
    mail.emailChanged('old@example.com', 'ann', 'new@example.com');
    const [notice] = sent.splice(0);
    expect(notice).toMatchObject({ to: 'old@example.com', kind: 'email-changed' });
    expect(notice!.link).toBeUndefined();
    expect(notice!.text).toContain('new@example.com');
    expect(notice!.html).not.toContain('href=');
  });
});

describe('a deleted account', () => {
  it("is named 'deleted-' and its id's hex digits: unique, and never a name sign-up accepts", () => {
    expect(deletedUsername('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe('deleted-0190a1b2c3d47e5f8a9b0c1d2e3f4a5b');
    expect(/^[A-Za-z0-9_.]{3,32}$/.test(deletedUsername('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'))).toBe(false);
  });
});
