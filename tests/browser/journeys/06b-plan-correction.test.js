// The office uploads a plan text with defects (one task's lead unit misspelled, another's
// missing), corrects the extraction in the preview's table — merging the misspelled name with
// one click and typing the missing lead unit —, checks the correction, confirms, and finds the
// new revision under 计划 → 版本记录 with the corrected units. Runs after 06 (which adds
// revision 2), so the revision number is read from the preview: 2 on a fresh server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, signIn, visit, screenshot, PHONE } from '../lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEXT = path.resolve(here, '../../../fixtures/plans/yangquan-2022-2024.txt');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The Yangquan text with task 1's lead unit misspelled and task 2's lead unit line removed. */
function defectiveText() {
  const text = readFileSync(TEXT, 'utf8').replace(/\r\n/g, '\n');
  const broken = text
    .replace('牵头单位：市工信局\n', '牵头单位：市工信居\n')
    .replace('牵头单位：市能源局、市发展改革委\n', '');
  assert.notEqual(broken, text);
  const dir = mkdtempSync(path.join(tmpdir(), 'planwatch-'));
  const file = path.join(dir, '计划-待校对.txt');
  writeFileSync(file, broken);
  return file;
}

async function upload(page, file) {
  await visit(page, '/plan/import');
  await page.setInputFiles('#file', file);
  await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
  assert.match(await page.textContent('h1'), /预览/);
}

const taskRow = (page, n) => page.locator('#edit-tasks tbody tr').nth(n - 1);

test('the office corrects a defective extraction in the table and confirms it as the next revision', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await upload(page, defectiveText());

  // Blocked: task 2 has no lead unit; no confirmation until it is corrected.
  assert.match(await page.textContent('.alert.error'), /阻断性问题/);
  assert.equal(await page.locator('form[action="/plan/import/confirm"]').count(), 0);
  assert.match(await taskRow(page, 2).getAttribute('class'), /has-error/);
  assert.equal(await taskRow(page, 1).locator('[data-f="lead"]').inputValue(), '市工信居');

  // The blocking diagnostic is linked to its line of the text.
  const link = page.locator('section[aria-label="抽取结果"] a[href^="#L"]').first();
  const href = await link.getAttribute('href');
  await link.click();
  assert.match(await page.locator(href).getAttribute('class'), /flash|diag-/);

  // The misspelled unit is offered for merging with the one the plan names elsewhere.
  const merge = page.locator('#merges li[data-merge-from="市工信居"]');
  assert.equal(await merge.getAttribute('data-merge-into'), '市工信局');
  await screenshot(page, 'plan-correction-desktop');
  await merge.locator('button[data-merge]').click();
  assert.equal(await taskRow(page, 1).locator('[data-f="lead"]').inputValue(), '市工信局');
  assert.match(await merge.textContent(), /已统一/);

  // The missing lead unit is typed into the table.
  await taskRow(page, 2).locator('[data-f="lead"]').fill('市能源局、市发展改革委');
  assert.equal(await page.locator('#edit-state').isVisible(), true);

  // Checking the correction previews it against the current revision, unblocked.
  await Promise.all([page.waitForLoadState('load'), page.click('#check-form button')]);
  assert.equal(await page.locator('.alert.error').count(), 0, 'nothing blocks the corrected plan');
  assert.match(await page.textContent('.meta'), /已在表格中校对/);
  const next = Number((await page.textContent('.meta')).match(/将保存为第 (\d+) 版/)[1]);
  assert.ok(next >= 2);
  assert.equal(await taskRow(page, 1).locator('[data-f="lead"]').inputValue(), '市工信局');
  assert.equal(await taskRow(page, 2).locator('[data-f="lead"]').inputValue(), '市能源局、市发展改革委');
  assert.equal(await page.locator('#merges li[data-merge-from="市工信居"]').count(), 0);

  await Promise.all([page.waitForURL(/\/plan\/revisions$/), page.click('#confirm-form button[type=submit]')]);
  const current = page.locator('table tbody tr').first();
  assert.match(await current.textContent(), new RegExp(`第 ${next} 版`));
  assert.match(await current.textContent(), /网页校对/);

  await visit(page, `/plan?rev=${next}`);
  const main = await page.textContent('main');
  assert.match(main, /市能源局/);
  assert.doesNotMatch(main, /市工信居/);
  await visit(page, '/tasks/2');
  assert.match(await page.textContent('main'), /市能源局/);
  await page.context().close();
});

test('on a phone the editing table scrolls inside its card and nothing overflows the page', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'office');
  await upload(page, defectiveText());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  const wrap = page.locator('#edit-tasks').locator('xpath=..');
  const scrolls = await wrap.evaluate((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto');
  assert.ok(scrolls, 'the table scrolls inside its container');
  await taskRow(page, 2).locator('[data-f="lead"]').fill('市能源局');
  assert.equal(await taskRow(page, 2).locator('[data-f="lead"]').inputValue(), '市能源局');
  await screenshot(page, 'plan-correction-phone');
  await page.context().close();
});
