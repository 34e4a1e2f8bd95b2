// Evidence files and forms that carry over (issue 15, items 3 and 4), as 市科技局's reporter does
// it for 2024Q3 on a desktop and on a 390 px phone: one card per task naming every role, 沿用上季度
// marks the rows it filled, a real PDF is attached to a task row from the file picker, a file
// that only claims to be a PDF is refused naming it, the unit head sees and downloads the file,
// another unit cannot.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BASE, launch, newPage, signIn, visit, screenshot, PHONE, unitId } from '../lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PDF = path.resolve(here, '../../../fixtures/evidence/meeting-minutes.pdf');
const QUARTER = '2024Q3';
let browser;
let reportUrl;
let fileHref;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the reporter fills blank rows from last quarter and sees them marked', async () => {
  const page = await newPage(browser);
  await signIn(page, 'kjj');
  reportUrl = `/reports/${await unitId(page, '市科技局')}/${QUARTER}`;
  assert.equal(await visit(page, reportUrl), 200);
  assert.equal(await page.locator('#task-20').count(), 1, 'task 20 is one card');
  assert.match(await page.textContent('#task-20 summary'), /共同牵头 · 负责分解事项 2 项/);
  await Promise.all([page.waitForLoadState('load'), page.click('#carry')]);
  assert.match(await page.textContent('.alert.ok'), /已沿用上季度填写 \d+ 项/);
  assert.ok(await page.locator('.badge.carried').count() > 5, 'carried rows are marked');
  await screenshot(page, 'report-carried-desktop');
  await page.context().close();
});

test('a real PDF is attached to a task row; a fake one is refused with its name', async () => {
  const page = await newPage(browser);
  await signIn(page, 'kjj');
  await visit(page, reportUrl);
  await page.click('details:has(#row-0) > summary');
  await page.setInputFiles('input[form="ev-t0"]', PDF);
  await Promise.all([page.waitForURL(/ok=evidence$/), page.click('button[form="ev-t0"]')]);
  assert.match(await page.textContent('.alert.ok'), /佐证材料已上传/);
  const link = page.locator('#row-0 .evidence a', { hasText: 'meeting-minutes.pdf' });
  assert.equal(await link.count(), 1);
  fileHref = await link.getAttribute('href');

  const dir = mkdtempSync(path.join(tmpdir(), 'pw-evidence-'));
  const fake = path.join(dir, '验收报告.pdf');
  writeFileSync(fake, 'this is not a PDF');
  await page.click('details:has(#row-0) > summary');
  await page.setInputFiles('input[form="ev-t0"]', fake);
  await Promise.all([page.waitForLoadState('load'), page.click('button[form="ev-t0"]')]);
  assert.match(await page.textContent('.alert.error'), /佐证材料“验收报告\.pdf”的内容不是 PDF 文件/);
  await page.context().close();
});

test('on a phone the form, the marks and the file are usable', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'kjj');
  await visit(page, reportUrl);
  await page.click('details:has(#row-0) > summary');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390 + 1, `no sideways scrolling at 390 px (page is ${width} px wide)`);
  await page.locator('#row-0 .evidence').scrollIntoViewIfNeeded();
  await screenshot(page, 'report-evidence-phone');
  await page.context().close();
});

test('the unit head downloads the file; another unit gets 403', async () => {
  const head = await newPage(browser);
  await signIn(head, 'kjj.head');
  await visit(head, reportUrl);
  assert.match(await head.textContent('main'), /meeting-minutes\.pdf/);
  const status = await head.evaluate(async (href) => (await fetch(href)).status, fileHref);
  assert.equal(status, 200);
  await screenshot(head, 'report-evidence-head-desktop');
  await head.context().close();

  const other = await newPage(browser);
  await signIn(other, 'wjw');
  const denied = await other.evaluate(async (href) => (await fetch(href)).status, fileHref);
  assert.equal(denied, 403);
  await other.context().close();
});
