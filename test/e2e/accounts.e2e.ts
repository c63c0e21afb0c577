import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailbox } from '../helpers/mailbox';
import { launchChromium, logIn, newPerson, type Person, RESULTS_DIR, screenshot, signUp } from './helpers/browser';
import { ParleyProcess } from './helpers/parley-process';

// Parley runs without SMTP_URL: every email it sends is an .eml file under DATA_DIR/outbox, read
// here as a mailbox. The rate limits are Parley's own (scale 1), so that an export an hour holds.
const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-accounts-'));
const mailbox = new OutboxMailbox(join(dataDir, 'outbox'));
let parley: ParleyProcess;
let browser: Browser;
let cleo: Person;

beforeAll(async () => {
  parley = await ParleyProcess.create({ env: { DATA_DIR: dataDir, RATE_LIMIT_SCALE: '1' }, logFile: join(RESULTS_DIR, 'accounts-server.log') });
  await parley.start();
  browser = await launchChromium();
  cleo = await newPerson(browser, parley.url, 'Cleo');
});
afterAll(async () => {
  await browser?.close();
  await parley?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

const emailOf = (person: Person) => `${person.username}@example.com`;

/** The link in the newest email to `to` about `subject` that no step took before. */
async function linkIn(to: string, subject: string): Promise<string> {
  const mail = await mailbox.take(to, subject, 15_000);
  expect(mail.link, `a link in "${mail.subject}"`).toBeDefined();
  return mail.link!;
}

async function openAccount(page: Page): Promise<void> {
  await page.getByRole('link', { name: /Account settings/ }).click();
  await page.getByRole('heading', { name: 'Account', level: 2 }).waitFor();
}

/** Another device of the same person's, signed out. */
async function anotherDevice(viewport?: { width: number; height: number }): Promise<Person> {
  return newPerson(browser, parley.url, 'Cleo', { username: cleo.username, viewport });
}

describe('account flows in the web client', () => {
  it('verifies the address from the email sign-up sends, and shows it verified after a reload', async () => {
    await signUp(cleo);
    const { page } = cleo;
    await openAccount(page);
    await expect.poll(() => page.getByTestId('account-email').innerText()).toBe(emailOf(cleo));
    await expect.poll(() => page.getByTestId('email-status').innerText()).toBe('Not verified');
    await screenshot(page, '20-account-unverified');

    await page.goto(await linkIn(emailOf(cleo), 'confirm your email address'));
    await page.getByRole('heading', { name: 'Email address verified' }).waitFor();
    await expect.poll(() => page.getByText(`${emailOf(cleo)} is confirmed`).count()).toBe(1);
    await screenshot(page, '21-email-verified');
    // The link works once: a reload shows what it did rather than "already used".
    await page.reload();
    await page.getByRole('heading', { name: 'Email address verified' }).waitFor();
    await page.getByRole('link', { name: 'Continue to Parley' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await openAccount(page);
    await expect.poll(() => page.getByTestId('email-status').innerText()).toBe('Verified');
    await expect.poll(() => page.getByRole('button', { name: 'Resend verification email' }).count()).toBe(0);
  });

  it('resets a forgotten password from the emailed link: signed in anew, other sessions ended, the old password refused', async () => {
    const laptop = await anotherDevice();
    const { page } = laptop;
    await page.goto('/');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(emailOf(cleo));
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('If an account has this address').waitFor();
    await screenshot(page, '22-reset-requested');

    const link = await linkIn(emailOf(cleo), 'reset your password');
    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // Sign-up's rules hold: a common password is refused on its field, and the link still works.
    await page.getByLabel('New password', { exact: true }).fill('iloveyou');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByText('This password is too common').waitFor();
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '23-reset-refused');
    const newPassword = 'Cleo chose a brand new passphrase';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(page.url()).not.toContain('token=');

    // Every other session ended: the first browser is back at the sign-in screen.
    await cleo.page.getByText('Your session ended. Please log in again.').waitFor({ timeout: 20_000 });
    // The link is spent: Parley says so when it is tried again.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('Yet another long passphrase');
    await page.getByRole('button', { name: 'Set password and log in' }).click();
    await page.getByText('This link was already used').waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();

    await cleo.page.goto('/');
    await logIn(cleo.page, cleo.username, cleo.password);
    await cleo.page.getByText('Wrong login or password.').waitFor();
    await logIn(cleo.page, cleo.username, newPassword);
    await cleo.page.getByRole('button', { name: 'Log out' }).waitFor();
    cleo.password = newPassword;
    expect(laptop.errors).toEqual([]);
    await laptop.context.close();
  });

  it('changes the address from the account panel; the new one is verified from its link on a signed-out device', async () => {
    const { page } = cleo;
    await openAccount(page);
    const form = page.getByRole('form', { name: 'Change email' });
    const newEmail = `${cleo.username}@new.example.com`;
    await form.getByLabel('New email').fill(newEmail);
    await form.getByLabel('Current password').fill('not the password');
    await form.getByRole('button', { name: 'Change email' }).click();
    await form.getByText('The current password is wrong.').waitFor();
    expect(await form.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Current password').fill(cleo.password);
    await form.getByRole('button', { name: 'Change email' }).click();
    await form.getByText(`Your address is now ${newEmail}.`).waitFor();
    await expect.poll(() => page.getByTestId('account-email').innerText()).toBe(newEmail);
    await expect.poll(() => page.getByTestId('email-status').innerText()).toBe('Not verified');
    await screenshot(page, '24-email-changed');

    const phone = await anotherDevice({ width: 390, height: 844 });
    await phone.page.goto(await linkIn(newEmail, 'confirm your email address'));
    await phone.page.getByRole('heading', { name: 'Email address verified' }).waitFor();
    await phone.page.getByRole('link', { name: 'Log in' }).waitFor();
    await screenshot(phone.page, '25-phone-email-verified');
    expect(phone.errors).toEqual([]);
    await phone.context.close();

    // The panel asks again each time it opens.
    await page.getByRole('link', { name: 'Chats', exact: true }).click();
    await openAccount(page);
    await expect.poll(() => page.getByTestId('email-status').innerText()).toBe('Verified');
  });

  it('exports the data once an hour, and says when the next one can be made', async () => {
    const { page } = cleo;
    await page.getByRole('button', { name: 'Export my data' }).click();
    const download = page.getByRole('link', { name: 'Download your data' });
    await download.waitFor();
    const exported = await fetch(new URL((await download.getAttribute('href'))!, parley.url));
    expect(exported.status).toBe(200);
    expect(JSON.stringify(await exported.json())).toContain(cleo.username);

    await page.getByRole('button', { name: 'Export my data' }).click();
    await page.getByText(/You can export your data once an hour: try again in (1 hour|59 minutes)\./).waitFor();
    // The link made before stays.
    await download.waitFor();
    await screenshot(page, '26-data-export');
  });

  it('opens the account panel on a phone by keyboard, alone on the screen', async () => {
    const phone = await anotherDevice({ width: 390, height: 844 });
    const { page } = phone;
    await page.goto('/#/account');
    await logIn(page, cleo.username, cleo.password);
    // The panel takes focus as it opens, so that the keyboard starts there.
    await expect.poll(() => page.locator('h2:focus').textContent()).toBe('Account');
    expect(await page.locator('.sidebar').isVisible()).toBe(false);
    await screenshot(page, '27-phone-account');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('input:focus').getAttribute('name')).toBe('newEmail');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Chats', exact: true }).waitFor();
    expect(await page.locator('.conversation').isVisible()).toBe(false);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('deletes the account after the password, erasing its messages: back at the sign-in screen, and logging in fails', async () => {
    const { page } = cleo;
    await openAccount(page);
    await page.getByRole('button', { name: 'Delete account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Current password').fill('not the password');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByText('The current password is wrong.').waitFor();
    await dialog.getByLabel('Current password').fill(cleo.password);
    await dialog.getByLabel('Also erase my messages').check();
    await screenshot(page, '28-delete-account');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();

    await page.getByText('Your account was deleted.').waitFor();
    await page.getByLabel('Username or email').waitFor();
    await screenshot(page, '29-account-deleted');
    await logIn(page, cleo.username, cleo.password);
    await page.getByText('Wrong login or password.').waitFor();
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    expect(cleo.errors).toEqual([]);
  });
});
