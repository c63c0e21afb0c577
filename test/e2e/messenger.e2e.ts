import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPerson, screenshot, signUp } from './helpers/browser';
import { chatItem, expectOnce, makeFriends, messageFromPeople, openChat, openPeople, send, startWorld, tickOf, type World } from './helpers/world';

let world: World;
beforeAll(async () => {
  world = await startWorld('messenger');
});
afterAll(() => world?.close());

describe('the web client, two people in two browsers', () => {
  it('signs both up; they find each other and become friends', async () => {
    const { ana, ben } = world;
    await ana.page.goto('/');
    await ana.page.getByRole('heading', { name: 'Parley' }).waitFor();
    await screenshot(ana.page, '01-sign-in');
    await signUp(ana);
    await signUp(ben);
    await makeFriends(ana, ben);
    await screenshot(ben.page, '02-people');
    // No live event tells Ana; her next look at People asks again.
    await ana.page.getByRole('link', { name: 'Chats', exact: true }).click();
    await openPeople(ana.page);
    await ana.page.getByRole('button', { name: 'Message Ben' }).first().waitFor();
  });

  it('chats both ways, each seeing the other type and read', async () => {
    const { ana, ben } = world;
    await messageFromPeople(ben, ana);
    // Ben opened the chat: it reaches Ana's list live (chatUpdated), and she opens it.
    await openChat(ana, 'Ben');

    await ben.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi Ana');
    await ana.page.getByTestId('typing').getByText('Ben is typing…').waitFor();
    await ben.page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expectOnce(ana, 'Hi Ana');
    await expect.poll(() => ana.page.getByTestId('typing').innerText()).toBe('');
    // Ana has the chat on screen: she read it, and Ben's tick says so.
    await expect.poll(() => tickOf(ben, 'Hi Ana'), { timeout: 10_000 }).toBe('READ');

    await send(ana, 'Hi Ben, how are you?');
    await expectOnce(ben, 'Hi Ben, how are you?');
    await expect.poll(() => tickOf(ana, 'Hi Ben, how are you?'), { timeout: 10_000 }).toBe('READ');
    await screenshot(ana.page, '03-chat');

    // Ben looks at his chat list instead: Ana's next message is delivered there, not read, and counted.
    await ben.page.goto('/#/');
    await send(ana, 'Are you there?');
    const item = chatItem(ben.page, 'Ana');
    await item.getByLabel('1 unread').waitFor();
    await expect.poll(() => item.locator('.chat-item-preview').innerText()).toBe('Are you there?');
    await expect.poll(() => tickOf(ana, 'Are you there?'), { timeout: 10_000 }).toBe('DELIVERED');
    await screenshot(ben.page, '04-chat-list-unread');
    await item.click();
    await expect.poll(() => tickOf(ana, 'Are you there?'), { timeout: 10_000 }).toBe('READ');
    await expect.poll(() => item.getByLabel(/unread/).count()).toBe(0);
  });

  it('keeps the session and the conversation across a reload', async () => {
    const { ana, ben } = world;
    await ben.page.reload();
    await ben.page.getByRole('heading', { name: 'Ana', level: 2 }).waitFor();
    await expectOnce(ben, 'Hi Ana');
    await expectOnce(ben, 'Are you there?');
    await send(ben, 'Still here after a reload');
    await expectOnce(ana, 'Still here after a reload');
  });

  it('pages the history backwards as the conversation scrolls up', async () => {
    const { ana, ben } = world;
    for (let index = 1; index <= 45; index += 1) await send(ana, `Backlog ${index}`);
    await expectOnce(ana, 'Backlog 45');
    await ben.page.reload();
    await expectOnce(ben, 'Backlog 45');
    // The newest page only; older ones come as the top is reached (Home scrolls there by keyboard).
    await expect.poll(() => ben.page.getByText('Hi Ana', { exact: true }).count()).toBe(0);
    const log = ben.page.getByRole('log', { name: 'Messages' });
    await expect
      .poll(
        async () => {
          await log.focus();
          await log.press('Home');
          return ben.page.getByText('This is the beginning of the conversation.').count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    const messages = await ben.page.locator('.messages .message').all();
    const seqs = await Promise.all(messages.map(async (message) => Number(await message.getAttribute('data-seq'))));
    expect(seqs).toHaveLength(49);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('creates a group the others see at once', async () => {
    const { ana, ben } = world;
    await ben.page.getByRole('link', { name: 'Chats', exact: true }).click();
    await ben.page.getByRole('button', { name: 'New group' }).click();
    const dialog = ben.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Weekend plans');
    await dialog.getByRole('checkbox', { name: /Ana/ }).check();
    await screenshot(ben.page, '05-new-group');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await ben.page.getByRole('heading', { name: 'Weekend plans', level: 2 }).waitFor();
    await send(ben, 'Hiking on Saturday?');
    await openChat(ana, 'Weekend plans');
    const message = await expectOnce(ana, 'Hiking on Saturday?');
    expect(await message.locator('.author').innerText()).toBe('Ben');
    await expect.poll(() => tickOf(ben, 'Hiking on Saturday?'), { timeout: 10_000 }).toBe('READ');

    // Ana leaves: the group goes from her list, and Ben's header counts one member fewer, live.
    ana.page.once('dialog', (dialog) => void dialog.accept());
    await ana.page.getByRole('button', { name: 'Leave group' }).click();
    await expect.poll(() => chatItem(ana.page, 'Weekend plans').count()).toBe(0);
    await expect.poll(() => ben.page.getByTestId('chat-subtitle').innerText()).toBe('1 member: you');
  });

  it('works on a phone-sized screen, signed in by keyboard alone, one pane at a time', async () => {
    const { ana, browser, parley } = world;
    const phone = await newPerson(browser, parley.url, 'Ana', { viewport: { width: 390, height: 844 }, username: ana.username });
    await phone.page.goto('/');
    await phone.page.getByLabel('Username or email').waitFor();
    await phone.page.keyboard.type(ana.username);
    await phone.page.keyboard.press('Tab');
    await phone.page.keyboard.type(ana.password);
    await phone.page.keyboard.press('Enter');
    await chatItem(phone.page, 'Ben').waitFor();
    expect(await phone.page.locator('.conversation').isVisible()).toBe(false);
    await screenshot(phone.page, '06-phone-chat-list');
    await chatItem(phone.page, 'Ben').click();
    await expectOnce(phone, 'Backlog 45');
    expect(await phone.page.locator('.sidebar').isVisible()).toBe(false);
    await screenshot(phone.page, '07-phone-chat');
    await phone.page.getByRole('link', { name: 'Back to chats' }).click();
    await chatItem(phone.page, 'Ben').waitFor();
    expect(await phone.page.locator('.conversation').isVisible()).toBe(false);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });

  it('logs out, and stays logged out after a reload', async () => {
    const { ana, ben } = world;
    await ana.page.getByRole('button', { name: 'Log out' }).click();
    await ana.page.getByRole('button', { name: 'Log in' }).first().waitFor();
    await ana.page.reload();
    await ana.page.getByLabel('Username or email').waitFor();
    expect(ana.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  });
});
