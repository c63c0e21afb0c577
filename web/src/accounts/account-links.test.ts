import { describe, expect, it } from 'vitest';
import { parseAccountPage } from './account-links';

describe('the account pages read from the URL’s fragment', () => {
  it('takes the token of the links Parley mails', () => {
    expect(parseAccountPage('#/verify-email?token=Ab_c-9')).toEqual({ page: 'verify-email', token: 'Ab_c-9' });
    expect(parseAccountPage('#/reset-password?token=Xy-_12')).toEqual({ page: 'reset-password', token: 'Xy-_12' });
  });

  it('decodes a token that was percent-encoded, and ignores other parameters', () => {
    expect(parseAccountPage('#/verify-email?utm_source=mail&token=a%2Db%5Fc&x=1')).toEqual({ page: 'verify-email', token: 'a-b_c' });
  });

  it('drops the spaces and line breaks a mail client put into a wrapped link', () => {
    expect(parseAccountPage('#/reset-password?token=abc%20def%0A')).toEqual({ page: 'reset-password', token: 'abcdef' });
  });

  it('says the token is missing when the link lost it', () => {
    expect(parseAccountPage('#/verify-email')).toEqual({ page: 'verify-email', token: null });
    expect(parseAccountPage('#/reset-password?token=')).toEqual({ page: 'reset-password', token: null });
    expect(parseAccountPage('#/reset-password/?code=abc')).toEqual({ page: 'reset-password', token: null });
  });

  it('knows the page that asks for a reset link', () => {
    expect(parseAccountPage('#/forgot-password')).toEqual({ page: 'forgot-password' });
  });

  it('leaves every other route to the signed-in app', () => {
    for (const hash of ['', '#', '#/', '#/people', '#/account', '#/chats/verify-email', '#/chats/1?token=abc', '#/verify-emails?token=abc']) {
      expect(parseAccountPage(hash)).toBeNull();
    }
  });
});
