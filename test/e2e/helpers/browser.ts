import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from '../../helpers/server-process';

/** Debian's Chromium (`apt-get install chromium`); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const RESULTS_DIR = join(ROOT, 'test-results');
export const SCREENSHOTS_DIR = join(RESULTS_DIR, 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface Person {
  name: string;
  username: string;
  password: string;
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged, besides the network ones a restart causes. */
  errors: string[];
}

/** Failures the tests cause on purpose (a server stopped, a connection cut) and say nothing about the client. */
const EXPECTED = /Failed to load resource|WebSocket connection to .* failed|net::ERR_|ERR_CONNECTION/;

/** A browser context of one's own (storage, cookies): a person on their own device. */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  name: string,
  options: { viewport?: { width: number; height: number }; username?: string } = {},
): Promise<Person> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1180, height: 780 }, baseURL: baseUrl, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  const username = options.username ?? `${name.toLowerCase()}_${Date.now().toString(36)}`;
  return { name, username, password: `${name} has a long passphrase`, context, page, errors };
}

export async function signUp(person: Person): Promise<void> {
  const { page } = person;
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Name (optional)').fill(person.name);
  await page.getByLabel('Email').fill(`${person.username}@example.com`);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Logs in from the sign-in screen, as a person types: the login, the password, Enter. */
export async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
}

/** The conversation's messages as the person sees them: each one's text, in order. */
export function messageTexts(page: Page): Promise<string[]> {
  return page.locator('.messages .message .body').allInnerTexts();
}
