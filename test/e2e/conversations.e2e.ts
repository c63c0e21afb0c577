import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, newPerson, type Person, screenshot, signUp } from './helpers/browser';
import { chatItem, expectOnce, makeFriends, messageFromPeople, openChat, send, startWorld, type World } from './helpers/world';

let world: World;
let folder: string;
beforeAll(async () => {
  world = await startWorld('conversations');
  folder = mkdtempSync(join(tmpdir(), 'parley-e2e-files-'));
});
afterAll(async () => {
  await world?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The actions beside a message show on hover (and keyboard focus), as a person would reach them. */
async function act(message: Locator, action: string): Promise<void> {
  await message.hover();
  await message.getByRole('button', { name: action, exact: true }).click();
}

/** The reaction button of this emoji under a message: its label says the count and who reacted. */
function reaction(message: Locator, emoji: string): Locator {
  return message.getByRole('list', { name: 'Reactions' }).getByRole('button', { name: new RegExp(`^${emoji} `) });
}

/** The seq of the message that has keyboard focus (a message brought into view takes it). */
async function focusedSeq(person: Person): Promise<string | null> {
  const focused = person.page.locator('.message:focus');
  return (await focused.count()) === 1 ? focused.getAttribute('data-seq') : null;
}

/** The width of the picture an <img> loaded (0 until it has). */
function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((element) => {
    const { complete, naturalWidth } = element as unknown as { complete: boolean; naturalWidth: number };
    return complete ? naturalWidth : 0;
  });
}

describe('conversations in the web client: files, replies, reactions, mentions, pins, muting, search', () => {
  it('starts with two friends in a conversation', async () => {
    const { ana, ben } = world;
    await signUp(ana);
    await signUp(ben);
    await makeFriends(ana, ben);
    await messageFromPeople(ben, ana);
    await send(ben, 'Any photos of the new office?');
    await openChat(ana, 'Ben');
    await expectOnce(ana, 'Any photos of the new office?');
  });

  it('sends a photo that both see as a preview, and says why a file is refused', async () => {
    const { ana, ben } = world;
    // A real PNG, a gradient of 480 × 320 pixels.
    const photo = join(folder, 'office.png');
    const [width, height] = [480, 320];
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) pixels.set([40 + (180 * x) / width, 90 + (110 * y) / height, 210 - (120 * x) / width], (y * width + x) * 3);
    }
    await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toFile(photo);
    const page = join(folder, 'notes.html');
    writeFileSync(page, '<p>Not a file Parley keeps</p>');

    await ana.page.getByLabel('Attach files').setInputFiles([photo, page]);
    const tray = ana.page.getByRole('list', { name: 'Files to send' });
    await tray.locator('.upload[data-phase="ready"]', { hasText: 'office.png' }).waitFor();
    const refused = tray.locator('.upload', { hasText: 'notes.html' });
    await expect.poll(() => refused.getByRole('alert').innerText()).toMatch(/cannot be text\/html/);
    expect(await ana.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await screenshot(ana.page, '10-attachments');
    await refused.getByRole('button', { name: 'Remove notes.html' }).click();
    await send(ana, 'Here it is');
    await expect.poll(() => tray.count()).toBe(0);

    for (const person of [ana, ben]) {
      const message = await expectOnce(person, 'Here it is');
      const preview = message.locator('.attachment-image img');
      // Parley's preview (at most 320 px wide) has loaded; its link opens the full picture.
      await expect.poll(() => loadedWidth(preview), { timeout: 10_000 }).toBe(320);
      expect(await preview.getAttribute('alt')).toBe('office.png');
      const full = await person.page.request.get((await message.locator('.attachment-image').getAttribute('href'))!);
      expect([full.status(), full.headers()['content-type']]).toEqual([200, 'image/png']);
    }
  });

  it('takes a file dropped on the conversation, which both see as a row to download', async () => {
    const { ana, ben } = world;
    // What a drag from the desktop hands the page: a DataTransfer holding a file.
    const files = await ana.page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Agenda: budget, keys, photos.'], 'agenda.txt', { type: 'text/plain' }));
      return transfer;
    })()`);
    const conversation = ana.page.locator('.chat-view');
    await conversation.dispatchEvent('dragenter', { dataTransfer: files });
    await ana.page.getByText('Drop files to add them to your message').waitFor();
    await conversation.dispatchEvent('drop', { dataTransfer: files });
    await ana.page.getByRole('list', { name: 'Files to send' }).locator('.upload[data-phase="ready"]', { hasText: 'agenda.txt' }).waitFor();
    expect(await ana.page.getByText('Drop files to add them to your message').count()).toBe(0);
    await send(ana, 'The agenda');
    for (const person of [ana, ben]) {
      const file = (await expectOnce(person, 'The agenda')).locator('.attachment-file');
      expect(await file.innerText()).toMatch(/agenda\.txt\s+29 B/);
      const download = await person.page.request.get((await file.getAttribute('href'))!);
      expect([download.status(), await download.text()]).toEqual([200, 'Agenda: budget, keys, photos.']);
      expect(download.headers()['content-disposition']).toMatch(/^attachment/);
    }
  });

  it('answers a message with a reply that quotes it, and the quote leads back to the original', async () => {
    const { ana, ben } = world;
    await act(await expectOnce(ben, 'Here it is'), 'Reply');
    await expect.poll(() => ben.page.getByTestId('reply-preview').innerText()).toMatch(/Replying to Ana\s+Here it is/);
    await send(ben, 'Looks great!');
    for (const person of [ana, ben]) {
      const reply = await expectOnce(person, 'Looks great!');
      await expect.poll(() => reply.locator('.quote').innerText()).toMatch(/^(Ana|You)\s+Here it is$/);
    }
    expect(await ben.page.getByTestId('reply-preview').count()).toBe(0);
    await (await expectOnce(ana, 'Looks great!')).locator('.quote').click();
    const original = await (await expectOnce(ana, 'Here it is')).getAttribute('data-seq');
    await expect.poll(() => focusedSeq(ana)).toBe(original);
  });

  it('reacts to a message, and the other side sees it change live', async () => {
    const { ana, ben } = world;
    const onBen = await expectOnce(ben, 'Here it is');
    const onAna = await expectOnce(ana, 'Here it is');
    await act(onBen, 'Add a reaction');
    await ben.page.getByRole('group', { name: 'Pick a reaction' }).getByRole('button', { name: 'React with ❤️' }).click();
    await expect.poll(() => reaction(onAna, '❤️').getAttribute('aria-label'), { timeout: 10_000 }).toBe('❤️ 1: Ben');
    expect(await reaction(onAna, '❤️').getAttribute('aria-pressed')).toBe('false');

    // Ana joins in: pressed on her side, counted on Ben's.
    await reaction(onAna, '❤️').click();
    await expect.poll(() => reaction(onAna, '❤️').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => reaction(onBen, '❤️').getAttribute('aria-label'), { timeout: 10_000 }).toBe('❤️ 2: you and Ana');
    await screenshot(ben.page, '11-reactions');

    // Ben takes his back; Ana sees hers alone.
    await reaction(onBen, '❤️').click();
    await expect.poll(() => reaction(onAna, '❤️').getAttribute('aria-label'), { timeout: 10_000 }).toBe('❤️ 1: you');
    await reaction(onBen, '❤️').click();
    await expect.poll(() => reaction(onAna, '❤️').getAttribute('aria-label'), { timeout: 10_000 }).toBe('❤️ 2: you and Ben');
  });

  it('mentions Ben from the @ suggestions: his chat list shows the @ badge, the message marks his name', async () => {
    const { ana, ben } = world;
    await ben.page.goto('/#/');
    const box = ana.page.getByRole('textbox', { name: 'Message' });
    await box.pressSequentially(`Ben, the keys are with @${ben.username.slice(0, 3)}`);
    const suggestion = ana.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option', { name: new RegExp(`@${ben.username}`) });
    await expect.poll(() => suggestion.getAttribute('aria-selected')).toBe('true');
    await box.press('Enter');
    expect(await box.inputValue()).toBe(`Ben, the keys are with @${ben.username} `);
    await box.pressSequentially('now');
    await box.press('Enter');
    const text = `Ben, the keys are with @${ben.username} now`;
    await expectOnce(ana, text);

    const item = chatItem(ben.page, 'Ana');
    await item.getByLabel('1 unread mention').waitFor();
    await screenshot(ben.page, '12-mention-badge');
    await item.click();
    const mention = (await expectOnce(ben, text)).locator('.mention-me');
    expect(await mention.innerText()).toBe(`@${ben.username}`);
    await expect.poll(() => item.getByLabel(/unread mention/).count(), { timeout: 10_000 }).toBe(0);
  });

  it('pins a message, which the other sees above the conversation at once', async () => {
    const { ana, ben } = world;
    await act(await expectOnce(ana, 'Here it is'), 'Pin');
    const bar = ben.page.getByRole('region', { name: 'Pinned messages' });
    await expect.poll(() => bar.innerText(), { timeout: 10_000 }).toMatch(/Pinned\s+Here it is/);
    await screenshot(ben.page, '13-conversation');
    await bar.getByRole('button', { name: /Here it is/ }).click();
    const pinned = await (await expectOnce(ben, 'Here it is')).getAttribute('data-seq');
    await expect.poll(() => focusedSeq(ben)).toBe(pinned);
  });

  it('mutes the chat for a while: the list says so, until it is unmuted', async () => {
    const { ben } = world;
    await ben.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await ben.page.getByRole('group', { name: 'Mute this chat' }).getByRole('button', { name: 'For 8 hours' }).click();
    const mark = chatItem(ben.page, 'Ana').getByRole('img', { name: 'muted' });
    await mark.waitFor();
    await ben.page.getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(() => mark.count()).toBe(0);
    // What Parley keeps: after a reload, still unmuted.
    await ben.page.reload();
    await expectOnce(ben, 'Looks great!');
    expect(await chatItem(ben.page, 'Ana').getByRole('img', { name: 'muted' }).count()).toBe(0);
  });

  it('shows the conversation on a phone-sized screen', async () => {
    const { ben, browser, parley } = world;
    const phone = await newPerson(browser, parley.url, 'Ben', { viewport: { width: 390, height: 844 }, username: ben.username });
    await phone.page.goto('/');
    await logIn(phone.page, ben.username, ben.password);
    await openChat(phone, 'Ana');
    // No pointer resting on a message (its actions would show).
    await phone.page.mouse.move(0, 0);
    await expectOnce(phone, 'Looks great!');
    await expect.poll(() => loadedWidth(phone.page.locator('.attachment-image img'))).toBeGreaterThan(0);
    await screenshot(phone.page, '14-phone-conversation');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('finds a message further back by search and opens the conversation at it', async () => {
    const { ana, ben } = world;
    await send(ana, 'The budget is in the blue folder');
    for (let index = 1; index <= 35; index += 1) await send(ana, `Later news ${index}`);
    await expectOnce(ana, 'Later news 35');
    // Ben comes back to a fresh page: only the newest messages are loaded.
    await ben.page.goto('/#/');
    await ben.page.reload();
    await ben.page.getByLabel('Search messages').fill('blue fold');
    const result = ben.page.getByRole('list', { name: 'Messages found' }).getByRole('link');
    await expect.poll(() => result.count(), { timeout: 10_000 }).toBe(1);
    expect(await result.locator('mark').allInnerTexts()).toEqual(['blue', 'folder']);
    expect(await result.innerText()).toMatch(/^Ana\b[\s\S]*Ana: The budget is in the blue folder$/);
    await screenshot(ben.page, '15-search');
    await result.click();
    await ben.page.getByRole('heading', { name: 'Ana', level: 2 }).waitFor();
    const found = await expectOnce(ben, 'The budget is in the blue folder');
    await expect.poll(() => focusedSeq(ben), { timeout: 15_000 }).toBe(await found.getAttribute('data-seq'));
    expect(ana.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  });
});
