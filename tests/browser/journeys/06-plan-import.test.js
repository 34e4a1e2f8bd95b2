// The office uploads a corrected plan, sees the extraction and what changes, and confirms a new
// revision; the old revision stays readable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, signIn, visit, screenshot } from '../lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOLD = path.resolve(here, '../../../fixtures/plans/yangquan-2022-2024.gold.json');
const TEXT = path.resolve(here, '../../../fixtures/plans/yangquan-2022-2024.txt');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a plan with blocking problems is shown with them and cannot be confirmed', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/plan/import');
  await page.fill('#text', '这不是一份计划\n只有两行');
  await page.click('main button[type=submit]');
  await page.waitForSelector('.alert.error');
  assert.match(await page.textContent('.alert.error'), /阻断性问题/);
  assert.equal(await page.locator('form[action="/plan/import/confirm"]').count(), 0);
  assert.equal(await page.locator('ol.source li').count(), 2);
  await page.context().close();
});

test('the plan text is shown beside its extraction, with every diagnostic linked to its line', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/plan/import');
  await page.setInputFiles('#file', TEXT);
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('h1'), /预览：阳泉市国家创新型城市建设三年行动计划/);
  const tasks = await page.locator('section[aria-label="抽取结果"] table').last().locator('tbody tr').count();
  assert.equal(tasks, 22);
  const links = await page.$$eval('section[aria-label="抽取结果"] a[href^="#L"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 0, 'the Yangquan text has diagnostics to look at');
  for (const href of links) {
    const line = page.locator(href.replace('#', '#'));
    assert.equal(await line.count(), 1, `${href} is a line of the text`);
    assert.match(await line.getAttribute('class'), /diag-/);
  }
  await page.click(`a[href="${links[0]}"]`);
  assert.ok(page.url().endsWith(links[0]));
  await screenshot(page, 'plan-import-text-desktop');
  await page.context().close();
});

test('the office uploads a corrected plan JSON, sees the change and confirms revision 2', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  const plan = JSON.parse(readFileSync(GOLD, 'utf8'));
  plan.tasks[0].title = `${plan.tasks[0].title}（校对）`;
  const dir = mkdtempSync(path.join(tmpdir(), 'planwatch-'));
  const file = path.join(dir, 'plan-corrected.json');
  writeFileSync(file, JSON.stringify(plan, null, 2));

  await visit(page, '/plan/import');
  await page.setInputFiles('#file', file);
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('h1'), /预览/);
  assert.match(await page.textContent('main'), /（校对）/);
  assert.match(await page.textContent('main'), /将保存为第 2 版/);
  await screenshot(page, 'plan-import-preview-desktop');
  await Promise.all([page.waitForURL(/\/plan\/revisions$/), page.click('form[action="/plan/import/confirm"] button')]);
  assert.match(await page.textContent('main'), /第 2 版/);
  await visit(page, '/tasks/1');
  assert.match(await page.textContent('h1'), /（校对）/);
  await visit(page, '/plan?rev=1');
  assert.match(await page.textContent('.alert.warn'), /历史版本/);
  await page.context().close();
});
