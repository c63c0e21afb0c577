import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { TcpProxy } from '../../helpers/tcp-proxy';
import { launchChromium, newPerson, type Person, RESULTS_DIR } from './browser';
import { ParleyProcess } from './parley-process';

/**
 * Two people on their own devices and one Parley. Ana reaches Parley directly; Ben through a TCP
 * proxy the test controls, so that his connection alone can be cut (`proxy.stop()`) or go silent
 * like a sleeping laptop's (`proxy.blackhole()`).
 */
export interface World {
  parley: ParleyProcess;
  proxy: TcpProxy;
  browser: Browser;
  ana: Person;
  ben: Person;
  close(): Promise<void>;
}

export async function startWorld(name: string, env: Record<string, string> = {}): Promise<World> {
  const parley = await ParleyProcess.create({ env, logFile: join(RESULTS_DIR, `${name}-server.log`) });
  await parley.start();
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: parley.port });
  const browser = await launchChromium();
  const ana = await newPerson(browser, parley.url, 'Ana');
  const ben = await newPerson(browser, `http://127.0.0.1:${proxy.port}/`, 'Ben');
  return {
    parley,
    proxy,
    browser,
    ana,
    ben,
    close: async () => {
      await browser.close();
      await proxy.close();
      await parley.dispose();
    },
  };
}

export async function openPeople(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'People', exact: true }).click();
  await page.getByRole('heading', { name: 'People' }).waitFor();
}

/** `from` finds `to` by username and asks; `to` accepts among their friend requests. */
export async function makeFriends(from: Person, to: Person): Promise<void> {
  await openPeople(from.page);
  await from.page.getByLabel('Find people').fill(to.username);
  await from.page.getByRole('button', { name: `Add ${to.name} as a friend` }).click();
  await from.page.getByRole('button', { name: `Cancel the friend request to ${to.name}` }).first().waitFor();
  await openPeople(to.page);
  await to.page.getByRole('button', { name: `Accept ${from.name}'s friend request` }).click();
  await to.page.getByRole('heading', { name: /^Friends/ }).waitFor();
}

/** Opens the private chat with `other` from the People screen. */
export async function messageFromPeople(person: Person, other: Person): Promise<void> {
  await openPeople(person.page);
  await person.page.getByRole('button', { name: `Message ${other.name}` }).first().click();
  await person.page.getByRole('heading', { name: other.name, level: 2 }).waitFor();
}

/** The chat list's entry with this title. */
export function chatItem(page: Page, title: string) {
  return page.locator('.chat-item').filter({ has: page.locator('.chat-item-title', { hasText: new RegExp(`^${escape(title)}$`) }) });
}

/**
 * Opens a chat from the chat list by its title, and waits for its history: the header shows at
 * once from the list, while the chat's own live feeds (typing, above all, which nobody replays)
 * are asked for as it opens, alongside the history.
 */
export async function openChat(person: Person, title: string): Promise<void> {
  await person.page.getByRole('link', { name: 'Chats', exact: true }).click();
  await chatItem(person.page, title).click();
  await person.page.getByRole('heading', { name: title, level: 2 }).waitFor();
  await person.page.getByRole('log', { name: 'Messages' }).waitFor();
}

export async function send(person: Person, text: string): Promise<void> {
  const box = person.page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The messages with this text in the open chat. */
export function messagesWith(person: Person, text: string) {
  return person.page.locator('.messages .message', { has: person.page.locator('.body', { hasText: new RegExp(`^${escape(text)}$`) }) });
}

/** Waits until the open chat shows exactly one message with this text, and returns it. */
export async function expectOnce(person: Person, text: string, timeout = 15_000) {
  await expect.poll(() => messagesWith(person, text).count(), { timeout, message: `${person.name} sees "${text}" once` }).toBe(1);
  return messagesWith(person, text);
}

export async function tickOf(person: Person, text: string): Promise<string | null> {
  return messagesWith(person, text).first().getAttribute('data-tick');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
