// The office signs in, sees the dashboard, and signs out; a wrong password is refused in Chinese.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, launch, newPage, signIn, visit } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the office signs in and sees the dashboard with the plan', async () => {
  const page = await newPage(browser);
  assert.equal(await visit(page, '/'), 200);
  assert.match(page.url(), /\/login$/, 'a visitor who is not signed in is sent to the sign-in page');
  await signIn(page, 'office');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.textContent('h1'), '驾驶舱');
  assert.match(await page.textContent('main'), /国家创新型城市建设三年行动计划/);
  assert.match(await page.textContent('.userbox'), /领导小组办公室/);
  await page.context().close();
});

test('a wrong password is refused with a message and nothing else happens', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await page.fill('#username', 'leader');
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.alert.error');
  assert.match(await page.textContent('.alert.error'), /用户名或密码不正确/);
  assert.equal(await page.inputValue('#username'), 'leader', 'the username stays filled in');
  assert.equal(await visit(page, '/plan'), 200);
  assert.match(page.url(), /\/login\?next=\/plan$/);
  await page.context().close();
});

test('signing out ends the session and the pages ask to sign in again', async () => {
  const page = await newPage(browser);
  await signIn(page, 'leader');
  await page.click('.userbox button[type=submit]');
  await page.waitForURL(/\/login\?msg=signed_out$/);
  assert.match(await page.textContent('.alert.ok'), /已退出登录/);
  await visit(page, '/tasks');
  assert.match(page.url(), /\/login\?next=\/tasks$/);
  await page.context().close();
});

test('after signing in the person lands where they were going', async () => {
  const page = await newPage(browser);
  await visit(page, '/tasks/3');
  await page.fill('#username', 'leader');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/tasks\/3$/), page.click('button[type=submit]')]);
  assert.match(await page.textContent('h1'), /3|（三）|3\./);
  await page.context().close();
});
