// The server refuses what a role may not do, whatever the browser asks for.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a reporter sees their own unit\'s tasks and gets 403 for users and the audit trail', async () => {
  const page = await newPage(browser);
  await signIn(page, 'kjj');
  assert.match(await page.textContent('main'), /市科技局/);
  const nav = await page.$$eval('nav.mainnav a', (as) => as.map((a) => a.textContent.trim()));
  assert.ok(!nav.includes('用户') && !nav.includes('审计日志') && !nav.includes('审核'), `the navigation mirrors the role, got ${nav}`);
  assert.ok(nav.includes('我的填报'));
  assert.equal(await visit(page, '/users'), 403);
  assert.match(await page.textContent('main'), /无权访问/);
  assert.equal(await visit(page, '/audit'), 403);
  assert.equal(await visit(page, '/plan/import'), 403);
  assert.equal(await visit(page, '/review'), 403);
  await page.context().close();
});

test('a leader reads everything in the plan but cannot import a new revision', async () => {
  const page = await newPage(browser);
  await signIn(page, 'leader');
  assert.equal(await visit(page, '/plan'), 200);
  assert.equal(await page.locator('a[href="/plan/import"]').count(), 0);
  assert.equal(await visit(page, '/plan/import'), 403);
  await page.context().close();
});

test('the office reads users and the audit trail but only an admin creates users', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  assert.equal(await visit(page, '/users'), 200);
  assert.equal(await page.locator('form[action="/users"]').count(), 0);
  assert.equal(await visit(page, '/audit'), 200);
  await page.context().close();
});
