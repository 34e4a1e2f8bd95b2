// Issue 15's journey, each person told what to do next: the reporter asks the head to approve
// (待负责人审核) → the head's home shows it as a to-do → the head approves and submits → the
// office's to-do has it → the office returns it with a comment → the reporter is notified in the
// app and by e-mail (a real SMTP server on loopback, started by run.sh) → fixes it and attaches a
// PDF as evidence → the head sends it again → the office accepts it → the comment is closed (it
// stays in the history).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE, launch, newPage, signIn, visit, screenshot, PHONE, unitId } from '../lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PDF = path.resolve(here, '../../../fixtures/evidence/meeting-minutes.pdf');
const MAIL_LOG = process.env.PLANWATCH_MAIL_LOG;
const QUARTER = '2024Q3';
const COMMENT = '请补充医师注册数据的佐证材料。';
let browser;
let reportUrl;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function todo(page) {
  return page.evaluate(async (base) => (await (await fetch(`${base}/api/v1/todo`)).json()).items, BASE);
}

async function press(page, intent, ok) {
  await Promise.all([
    page.waitForURL(new RegExp(`ok=${ok}$`)),
    page.click(`button[name=intent][value=${intent}]`),
  ]);
}

/** The e-mails the SMTP server on loopback received so far. */
function mails() {
  assert.ok(MAIL_LOG && existsSync(MAIL_LOG), 'run.sh starts the SMTP server and names its log');
  return readFileSync(MAIL_LOG, 'utf8').split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l)).filter((m) => m.type === 'mail');
}

async function eventually(check, what) {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} did not happen within 10 s`);
}

test('the reporter fills the quarter in and asks the head to approve: 待负责人审核', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw');
  reportUrl = `/reports/${await unitId(page, '市卫健委')}/${QUARTER}`;
  const before = (await todo(page)).filter((i) => i.period === QUARTER);
  assert.equal(before.length, 1, 'the quarter is on the reporter\'s to-do');
  assert.equal(before[0].link, reportUrl);
  await visit(page, reportUrl);
  await Promise.all([page.waitForLoadState('load'), page.click('#carry')]);
  await page.fill('#filled_by', '周医生');
  await page.fill('#phone', '0353-2020202');
  await page.fill('#v0_value', '2.48');
  await page.fill('#v0_source', '市卫健委统计台账');
  await press(page, 'ready', 'ready');
  assert.match(await page.textContent('#report-state'), /待负责人审核/);
  assert.match(await page.textContent('.alert.ok'), /已提请单位负责人审核/);
  assert.equal((await todo(page)).filter((i) => i.period === QUARTER).length, 0, 'nothing left for the reporter');
  await page.context().close();
});

test('the head finds it on the home page and in the navigation, approves and submits', async () => {
  const page = await newPage(browser);
  await signIn(page, 'wjw.head');
  await visit(page, '/');
  const item = page.locator('#todo .todo-item', { hasText: '2024年第三季度报告待您审核' });
  assert.equal(await item.count(), 1);
  assert.ok(Number(await page.textContent('a[href="/todo"] .nav-count')) >= 1, 'the navigation counts it');
  await screenshot(page, 'todo-head-desktop');
  await Promise.all([page.waitForURL(new RegExp(`${reportUrl}$`)), item.locator('a').click()]);
  assert.match(await page.textContent('#report-state'), /待负责人审核/);
  await press(page, 'approve_submit', 'submitted');
  assert.match(await page.textContent('#report-state'), /已报送/);
  await page.context().close();

  const phone = await newPage(browser, PHONE);
  await signIn(phone, 'wjw.head');
  await visit(phone, '/todo');
  await screenshot(phone, 'todo-head-phone');
  await phone.context().close();
});

test('the office reviews it from its to-do and returns it with a comment', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, '/todo');
  const item = page.locator('.todo-item', { hasText: '审核市卫健委2024年第三季度报告' });
  assert.equal(await item.count(), 1);
  await screenshot(page, 'todo-office-desktop');
  await Promise.all([page.waitForURL(new RegExp(`${reportUrl}$`)), item.locator('a').click()]);
  await page.fill('#comment', COMMENT);
  await Promise.all([page.waitForURL(/ok=returned$/), page.click('button[name=action][value=return]')]);
  assert.match(await page.textContent('#report-state'), /已退回/);
  await page.context().close();
});

test('the reporter is told in the app and by e-mail, fixes it and attaches a PDF', async () => {
  await eventually(
    () => mails().some((m) => m.rcpt_tos.includes('wjw@example.org') && m.subject.includes('市卫健委2024年第三季度报告被退回')),
    'the e-mail to the reporter',
  );
  const mail = mails().find((m) => m.rcpt_tos.includes('wjw@example.org') && m.subject.includes('2024年第三季度'));
  assert.match(mail.body, new RegExp(COMMENT));
  assert.match(mail.body, /\/reports\/\d+\/2024Q3/);

  const page = await newPage(browser);
  await signIn(page, 'wjw');
  await visit(page, '/');
  assert.ok(Number(await page.textContent('a[href="/notifications"] .nav-count')) >= 1, 'an unread notification');
  const returned = (await todo(page)).find((i) => i.period === QUARTER);
  assert.equal(returned.kind, 'returned');
  assert.match(returned.detail, new RegExp(COMMENT));
  await visit(page, '/notifications');
  assert.match(await page.textContent('main'), /市卫健委2024年第三季度报告被退回/);
  await visit(page, reportUrl);
  assert.match(await page.textContent('#office-comment'), /请补充医师注册数据/);
  await page.click('details:has(#row-0) > summary');
  await page.setInputFiles('input[form="ev-t0"]', PDF);
  await Promise.all([page.waitForURL(/ok=evidence$/), page.click('button[form="ev-t0"]')]);
  assert.equal(await page.locator('#row-0 .evidence a', { hasText: 'meeting-minutes.pdf' }).count(), 1);
  await press(page, 'ready', 'ready');
  assert.match(await page.textContent('#report-state'), /待负责人审核/);
  await page.context().close();

  const head = await newPage(browser);
  await signIn(head, 'wjw.head');
  await visit(head, reportUrl);
  await press(head, 'approve_submit', 'submitted');
  await head.context().close();
});

test('the office accepts it and the comment is closed, kept in the history', async () => {
  const page = await newPage(browser);
  await signIn(page, 'office');
  await visit(page, reportUrl);
  assert.match(await page.textContent('main'), /meeting-minutes\.pdf/);
  await Promise.all([page.waitForURL(/ok=accepted$/), page.click('button[name=action][value=accept]')]);
  assert.match(await page.textContent('#report-state'), /已采纳/);
  assert.equal(await page.locator('#office-comment').count(), 0, 'no live comment after acceptance');
  assert.match(await page.textContent('main'), new RegExp(COMMENT), 'the comment is in the history');
  assert.equal((await todo(page)).filter((i) => i.period === QUARTER && i.unit === '市卫健委').length, 0);
  await page.context().close();
});
