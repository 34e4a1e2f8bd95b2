// The office writes its own text for a section of the annual report (it replaces the 【草稿】 in
// the generated report) and chooses what the public page shows; a visitor who is not signed in
// sees exactly that. A reporter reaches neither settings page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch, newPage, signIn, visit, screenshot, PHONE, SCREENSHOTS } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PROBLEMS = '一是研发投入强度仍低于全省平均水平，企业创新主体作用发挥不够。\n二是高层次人才引进难、留住难。';

test('the office replaces the drafted problems and the generated report carries its text', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/documents');
  await Promise.all([page.waitForLoadState('load'), page.click('#edit-report-texts')]);
  await page.selectOption('#texts-year', '2023');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/documents/texts"][method="get"] button')]);
  const section = page.locator('#section-problems');
  assert.match(await section.locator('.draft-text').innerText(), /【草稿】/);
  // An empty text is refused at its field.
  await section.locator('textarea').fill('   ');
  await Promise.all([page.waitForLoadState('load'), section.locator('form[action="/documents/texts"] button[type=submit]').click()]);
  assert.match(await page.locator('#error-problems').innerText(), /文字为空/);
  await page.locator('#section-problems textarea').fill(PROBLEMS);
  await page.selectOption('#mode-problems', 'replace');
  await Promise.all([page.waitForLoadState('load'), page.locator('#section-problems form[action="/documents/texts"] button[type=submit]').click()]);
  assert.match(await page.locator('.alert.ok').innerText(), /已保存“存在的问题”/);
  assert.match(await page.locator('#section-problems .badge').innerText(), /替换草稿 · 第 1 版/);
  // The whole page is long (nine sections): the picture is the section just saved.
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('#section-problems').screenshot({ path: path.join(SCREENSHOTS, 'report-texts-desktop.png') });

  await visit(page, '/documents');
  await page.selectOption('#annual-year', '2023');
  await page.selectOption('#annual-format', 'html');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120000 }),
    page.click('form[action="/documents/annual"] button[type=submit]'),
  ]);
  const html = readFileSync(await download.path(), 'utf8');
  const problems = html.slice(html.indexOf('、存在的问题</h2>'), html.indexOf('、对策建议</h2>'));
  assert.match(problems, /一是研发投入强度仍低于全省平均水平/);
  assert.doesNotMatch(problems, /【草稿】/);
  await page.context().close();
});

test('the office publishes an introduction, one indicator and the task counts', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/public/settings');
  await page.fill('#intro', '本页公开阳泉市国家创新型城市建设的进展，数据经领导小组办公室审核。');
  await page.selectOption('#as_of', '2023Q4');
  await page.check('input[name=indicator][value="hightech-enterprises"]');
  await page.check('input[name=task_counts]');
  await Promise.all([page.waitForLoadState('load'), page.click('.public-settings button[type=submit]')]);
  assert.match(await page.locator('.alert.ok').innerText(), /已保存公开内容/);
  await screenshot(page, 'public-settings-desktop');
  await page.context().close();

  for (const [size, viewport] of [['desktop', undefined], ['phone', PHONE]]) {
    const visitor = await newPage(browser, viewport);
    assert.equal(await visit(visitor, '/public'), 200);
    const text = await visitor.locator('main').innerText();
    assert.match(text, /本页公开阳泉市国家创新型城市建设的进展/);
    assert.match(text, /国家高新技术企业数量/);
    assert.doesNotMatch(text, /全社会R&D经费支出占GDP比重/, 'an unpublished indicator');
    assert.match(text, /项重点任务/);
    assert.match(await visitor.locator('body').innerText(), /示例数据/);
    const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `/public at ${size} width scrolls sideways by ${overflow}px`);
    await screenshot(visitor, `public-${size}`);
    await visitor.context().close();
  }
});

test('a reporter reaches neither the report texts nor the public settings', async () => {
  const page = await newPage(browser);
  await signIn(page, 'kjj');
  assert.equal(await visit(page, '/documents/texts'), 403);
  assert.equal(await visit(page, '/public/settings'), 403);
  await page.context().close();
});
