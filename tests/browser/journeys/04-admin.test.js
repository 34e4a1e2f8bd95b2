// An admin creates an account in the browser; the new person signs in and changes their password.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, visit } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin creates a reporter, who signs in and changes the password', async () => {
  const admin = await newPage(browser);
  await signIn(admin, 'admin');
  await visit(admin, '/users');
  await admin.fill('#username', 'kjj.li');
  await admin.fill('#display_name', '李四');
  await admin.selectOption('#role', 'reporter');
  await admin.selectOption('#unit', '市科技局');
  await admin.fill('#password', 'short');
  await admin.click('form[action="/users"] button[type=submit]');
  await admin.waitForSelector('.field-error');
  assert.match(await admin.textContent('.field.has-error'), /至少需要 10 个字符/);
  assert.equal(await admin.inputValue('#username'), 'kjj.li', 'the form keeps what was typed');
  await admin.fill('#password', 'first password 1');
  await Promise.all([admin.waitForURL(/ok=created/), admin.click('form[action="/users"] button[type=submit]')]);
  assert.match(await admin.textContent('.alert.ok'), /已新建用户 kjj\.li/);

  const person = await newPage(browser);
  await signIn(person, 'kjj.li', 'first password 1');
  assert.match(await person.textContent('.userbox'), /李四/);
  await visit(person, '/account');
  await person.fill('#current', 'first password 1');
  await person.fill('#new', 'second password 2');
  await person.fill('#repeat', 'second password 2');
  await Promise.all([person.waitForURL(/msg=password_changed/), person.click('form[action="/account/password"] button[type=submit]')]);
  await person.fill('#username', 'kjj.li');
  await person.fill('#password', 'first password 1');
  await person.click('button[type=submit]');
  await person.waitForSelector('.alert.error');
  await signIn(person, 'kjj.li', 'second password 2');

  // Disabling the account ends the person's session at once.
  await visit(admin, '/users');
  const row = admin.locator('tr', { hasText: 'kjj.li' });
  await row.locator('summary').click();
  await Promise.all([admin.waitForURL(/ok=disabled/), row.locator('form[action$="/disable"] button').click()]);
  await visit(person, '/');
  assert.match(person.url(), /\/login/);
  await admin.context().close();
  await person.context().close();
});

test('a form posted without its CSRF token is refused', async () => {
  const page = await newPage(browser);
  await signIn(page, 'admin');
  const status = await page.evaluate(async (base) => {
    const r = await fetch(`${base}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=evil&role=admin&password=correct+horse+battery',
    });
    return r.status;
  }, BASE);
  assert.equal(status, 403);
  await visit(page, '/users');
  assert.doesNotMatch(await page.textContent('main'), /evil/);
  await page.context().close();
});
