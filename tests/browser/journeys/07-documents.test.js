// The office downloads the annual evaluation report and a feedback sheet; a unit's reporter gets
// only their own unit's feedback sheet.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, newPage, signIn, visit, screenshot } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function downloadFrom(page, form) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120000 }),
    page.click(`${form} button[type=submit]`),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test('the office downloads the annual report in Word and as a web page', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/documents');
  await screenshot(page, 'documents-desktop');
  await page.selectOption('#annual-year', '2023');
  await page.selectOption('#annual-format', 'docx');
  const docx = await downloadFrom(page, 'form[action="/documents/annual"]');
  assert.match(docx.name, /2023年度评价考核报告\.docx$/);
  assert.equal(docx.bytes.subarray(0, 2).toString(), 'PK', 'a Word file is a zip');
  assert.ok(docx.bytes.length > 10000);
  await page.selectOption('#annual-format', 'html');
  const html = await downloadFrom(page, 'form[action="/documents/annual"]');
  const text = html.bytes.toString('utf8');
  assert.match(text, /关于2023年度国家创新型城市建设评价考核情况的报告/);
  assert.match(text, /示例数据/);
  await page.context().close();
});

test('a reporter gets only their own unit\'s feedback sheet and no annual report', async () => {
  const page = await newPage(browser);
  await signIn(page, 'kjj');
  await visit(page, '/documents');
  assert.equal(await page.locator('form[action="/documents/annual"]').count(), 0);
  const options = await page.$$eval('#fb-unit option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(options, ['市科技局']);
  await page.selectOption('#fb-year', '2023');
  const sheet = await downloadFrom(page, 'form[action="/documents/feedback"]');
  assert.match(sheet.name, /市科技局2023年度反馈单\.docx$/);
  assert.equal(await visit(page, '/documents/feedback?unit=%E5%B8%82%E5%8F%91%E5%B1%95%E6%94%B9%E9%9D%A9%E5%A7%94&year=2023&format=docx'), 403);
  assert.equal(await visit(page, '/documents/annual?year=2023&format=docx'), 403);
  await page.context().close();
});
