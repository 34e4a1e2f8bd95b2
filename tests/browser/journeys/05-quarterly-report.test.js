// A quarter's report from start to finish: the reporter fills it in (a bad value is refused with
// the same message as the Excel form), the unit head approves and submits it, the office returns
// it with a comment, the reporter corrects it, it is resubmitted, the office accepts it — and the
// dashboard and the indicator page show the new value at once. A reporter trying another unit's
// report gets 403.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, signIn, visit, screenshot, PHONE, unitId } from '../lib/harness.js';

const QUARTER = '2024Q2';
const INDICATOR = 'doctors-per-1000';
let browser;
let reportUrl;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function fillEverything(page, value, source) {
  await page.click('[data-toggle-rows]');
  await page.fill('#filled_by', '周医生');
  await page.fill('#phone', '0353-2020202');
  for (const area of await page.locator('textarea[name$="_progress"]').all()) {
    await area.fill('按计划推进，本季度完成既定工作。');
  }
  for (const select of await page.locator('select[name$="_status"]').all()) {
    await select.selectOption('序时推进');
  }
  await page.fill('#v0_value', value);
  await page.fill('#v0_source', source);
}

async function press(page, intent, ok) {
  await Promise.all([
    page.waitForURL(new RegExp(`ok=${ok}$`)),
    page.click(`button[name=intent][value=${intent}]`),
  ]);
}

test('the reporter fills in the quarter, a bad value is kept as a draft and shown at its field, then it is saved for the head', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw');
  await visit(page, '/reports');
  assert.match(await page.textContent('h1'), /我的填报/);
  await Promise.all([page.waitForURL(new RegExp(`/reports/\\d+/${QUARTER}$`)), page.click(`a[href$="/${QUARTER}"] >> nth=0`)]);
  reportUrl = new URL(page.url()).pathname;
  const before = await page.textContent('#report-state');
  assert.doesNotMatch(before, /已报送|已采纳/);
  await fillEverything(page, '二点五', '');
  await page.click('button[name=intent][value=ready]');
  await page.waitForSelector('.alert.error');
  assert.match(await page.textContent('#ind-0'), /应填写数字，填写的是“二点五”/);
  assert.equal(await page.inputValue('#v0_value'), '二点五', 'what was typed is shown again');
  assert.equal(await page.textContent('#report-state'), before, 'kept as a draft: not sent for approval');
  await screenshot(page, 'report-form-errors-desktop');
  // What was typed is still there; correct the value, add the source.
  assert.equal(await page.inputValue('textarea[name="t0_progress"]'), '按计划推进，本季度完成既定工作。');
  await page.fill('#v0_value', '2.45');
  await page.fill('#v0_source', '市卫健委统计台账');
  await press(page, 'ready', 'ready');
  assert.match(await page.textContent('.alert.ok'), /已提请单位负责人审核/);
  // The head's turn now (待负责人审核), whether the demo had this report as a draft or returned.
  assert.match(await page.textContent('#report-state'), /待负责人审核/);
  await page.context().close();
});

test('the unit head approves and submits it', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw.head');
  await visit(page, reportUrl);
  await press(page, 'approve_submit', 'submitted');
  assert.match(await page.textContent('#report-state'), /已报送/);
  await page.context().close();
});

test('the office finds it in the review queue and returns it with a comment', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/review');
  const row = page.locator('#queue tr', { hasText: '市卫健委' }).filter({ hasText: '2024年第二季度' });
  assert.equal(await row.count(), 1);
  await screenshot(page, 'review-desktop');
  await Promise.all([page.waitForURL(new RegExp(`${reportUrl}$`)), row.locator('a').click()]);
  await page.click('button[name=action][value=return]');
  await page.waitForSelector('.alert.error');
  assert.match(await page.textContent('.alert.error'), /须填写意见/);
  await page.fill('#comment', '请注明数据口径并核对二季度数值。');
  await Promise.all([page.waitForURL(/ok=returned$/), page.click('button[name=action][value=return]')]);
  assert.match(await page.textContent('#report-state'), /已退回/);
  await page.context().close();
});

test('the reporter sees the comment, corrects the report and it is resubmitted', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw');
  await visit(page, reportUrl);
  assert.match(await page.textContent('#office-comment'), /请注明数据口径/);
  await page.click('[data-toggle-rows]');
  await page.fill('#v0_value', '2.46');
  await page.fill('#v0_source', '市卫健委统计台账（执业医师注册口径）');
  await press(page, 'ready', 'ready');
  await page.context().close();

  const head = await newPage(browser);
  await signIn(head, 'wjw.head');
  await visit(head, reportUrl);
  await press(head, 'approve_submit', 'submitted');
  assert.match(await head.textContent('main'), /报送/);
  await head.context().close();
});

test('the office accepts it and the dashboard and the indicator show the new value at once', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, reportUrl);
  assert.match(await page.textContent('main'), /2\.46/);
  await Promise.all([page.waitForURL(/ok=accepted$/), page.click('button[name=action][value=accept]')]);
  assert.match(await page.textContent('#report-state'), /已采纳/);
  // The quarter is judged as of the end of the next quarter (as in planwatch assess and the
  // annual report); accepted years later, the report is named on the dashboard and counted
  // with one click.
  await visit(page, `/?period=${QUARTER}`);
  assert.match(await page.textContent('#accepted-later'), /1 份报告在评价截止日（2024-09-30）之后采纳/);
  await Promise.all([page.waitForURL(/as_of=today/), page.click('#accepted-later a')]);
  const row = page.locator('#indicator-lights tr', { hasText: '每千人口执业（助理）医师数' });
  assert.match(await row.textContent(), /2\.46人（2024年第二季度）/);
  await visit(page, `/indicators/${INDICATOR}?period=${QUARTER}&as_of=today`);
  assert.match(await page.textContent('#latest-value'), /2\.46/);
  const value = page.locator('#values tr', { hasText: '2024年第二季度' });
  // People's names, not usernames: who sent it and who accepted it.
  assert.match(await value.textContent(), /市卫健委负责人（示例）/);
  assert.match(await value.textContent(), /办公室王主任（示例）/);
  await screenshot(page, 'indicator-desktop');
  await page.context().close();
});

test('a reporter opening another unit\'s report gets 403', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw');
  const other = await unitId(page, '市科技局');
  assert.equal(await visit(page, `/reports/${other}/${QUARTER}`), 403);
  assert.match(await page.textContent('main'), /只能查看本单位/);
  assert.equal(await visit(page, `/reports/${other}/${QUARTER}/template.xlsx`), 403);
  await page.context().close();
});

test('the report form works on a phone', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'kjj');
  await visit(page, '/reports');
  await screenshot(page, 'my-reports-phone');
  await Promise.all([page.waitForURL(/\/reports\/\d+\/2024Q3$/), page.click('a[href$="/2024Q3"] >> nth=0')]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the form scrolls sideways by ${overflow}px`);
  await screenshot(page, 'report-form-phone');
  await page.context().close();
});
