// Reading the plan: by section, a task with its units, targets and milestones, units, by task force.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit } from '../lib/harness.js';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, 'leader');
});
after(async () => { await browser?.close(); });

test('the plan page lists the goals and every task by section', async () => {
  assert.equal(await visit(page, '/plan'), 200);
  assert.match(await page.textContent('h1'), /阳泉市国家创新型城市建设三年行动计划/);
  const rows = await page.$$eval('main table tbody tr td.num:first-child', (tds) => tds.map((t) => t.textContent.trim()));
  const numbers = rows.map(Number).filter((n) => Number.isInteger(n) && n > 0);
  assert.deepEqual([...new Set(numbers)].sort((a, b) => a - b), Array.from({ length: 22 }, (_, i) => i + 1));
  assert.match(await page.textContent('main'), /主要目标/);
});

test('a task shows its lead units, targets and milestones and links to its units', async () => {
  await visit(page, '/plan');
  await Promise.all([page.waitForURL(/\/tasks\/1$/), page.click('a[href="/tasks/1"]')]);
  const main = await page.textContent('main');
  assert.match(main, /牵头单位/);
  assert.match(main, /目标/);
  assert.match(main, /工作节点/);
  const unitLink = page.locator('dd.unit-list a').first();
  const unitName = (await unitLink.textContent()).trim();
  await Promise.all([page.waitForURL(/\/units\/\d+$/), unitLink.click()]);
  assert.equal((await page.textContent('h1')).trim(), unitName);
  assert.match(await page.textContent('main'), /承担的任务/);
});

test('the tasks can be read by task force', async () => {
  assert.equal(await visit(page, '/tasks?by=task_force'), 200);
  const headings = await page.$$eval('main section h2', (hs) => hs.map((h) => h.textContent.trim()));
  assert.ok(headings.some((h) => h.includes('专班')), `task force headings expected, got ${headings}`);
});

test('the units page groups units by kind', async () => {
  assert.equal(await visit(page, '/units'), 200);
  const text = await page.textContent('main');
  assert.match(text, /市直部门/);
  assert.match(text, /县（区）/);
});
