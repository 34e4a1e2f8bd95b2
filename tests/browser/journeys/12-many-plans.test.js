// Several plans in one deployment (issue 17, docs/decisions/0064): the office adds a second plan
// on the command line; in the browser the plan switcher in the header names the current plan,
// lists both and moves between them; `/p/{code}/…` pages show that plan's tasks; the combined
// assessment page lists the units with a part per plan. At 390 px the switcher fits and opens.
// The journey archives its plan at the end, so the journeys after it see one plan again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, launch, newPage, signIn, visit, screenshot, PHONE } from '../lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.PLANWATCH_BIN;
const DATA = process.env.PLANWATCH_DATA;

function cli(...args) {
  return execFileSync(BIN, ['--data-dir', DATA, ...args], { encoding: 'utf8' });
}

let browser;
before(() => {
  assert.ok(BIN && DATA, 'run.sh passes PLANWATCH_BIN and PLANWATCH_DATA');
  const gold = JSON.parse(readFileSync(path.resolve(here, '../../../fixtures/plans/yangquan-2022-2024.gold.json'), 'utf8'));
  gold.title = '阳泉市数字经济发展行动计划（2022—2024年）';
  gold.tasks = gold.tasks.slice(0, 5);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pw-plan-')), 'szjj.json');
  writeFileSync(file, JSON.stringify(gold));
  const out = cli('plan', 'add', file, '--code', 'szjj');
  assert.match(out, /已新增计划 szjj/);
});
after(async () => {
  await browser?.close();
  cli('--plan', 'szjj', 'plan', 'state', 'archived');
});

test('the switcher names the plan and moves between the plans', async () => {
  browser = await launch();
  const page = await newPage(browser);
  await signIn(page, 'office');
  assert.equal(await visit(page, '/p/szjj/tasks'), 200);
  assert.match(await page.locator('.planbar-title').innerText(), /数字经济发展行动计划/);
  const rows = await page.locator('table tbody tr').count();
  assert.equal(rows, 5, 'the second plan has its own five tasks');
  await page.click('.planswitch summary');
  const links = page.locator('.planswitch li a');
  assert.equal(await links.count(), 3, 'the two plans and 全部计划…');
  assert.equal(await page.locator('.planswitch li a[href="/plans"]').count(), 1);
  await Promise.all([page.waitForLoadState('load'), page.click('.planswitch li a:not(.current)')]);
  assert.ok(page.url().endsWith('/p/plan1/'), page.url());
  assert.match(await page.locator('.planbar-title').innerText(), /国家创新型城市/);
  // The pages' own links stay in the plan chosen last.
  assert.equal(await visit(page, '/tasks'), 200);
  assert.equal(await page.locator('table tbody tr').count() > 5, true);
  assert.equal(await visit(page, '/units/combined'), 200);
  const units = await page.locator('#combined-units tbody tr').count();
  assert.ok(units > 10, `combined units: ${units}`);
  assert.equal(await page.locator('#combined-units thead th').count(), 5, '名次, 单位, 综合得分 and one column per plan');
  await screenshot(page, 'desktop-units-combined');
});

test('at 390 px the switcher fits and opens', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'office');
  assert.equal(await visit(page, '/p/szjj/'), 200);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide`);
  await page.click('.planswitch summary');
  const list = await page.locator('.planswitch ul').boundingBox();
  assert.ok(list && list.x >= 0 && list.x + list.width <= 390, JSON.stringify(list));
  await screenshot(page, 'phone-390-plan-switcher');
});

test('全部计划 lists every plan and finds one by code or title, at 390 px too', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'office');
  assert.equal(await visit(page, '/p/szjj/plans'), 200);
  assert.equal(await page.locator('table tbody tr').count(), 2);
  assert.match(await page.locator('tr[aria-current="true"]').innerText(), /szjj/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide`);
  await page.fill('#q', '数字经济');
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/plans"] button')]);
  assert.equal(await page.locator('table tbody tr').count(), 1);
  await screenshot(page, 'phone-390-all-plans');
  await Promise.all([page.waitForLoadState('load'), page.click('table tbody tr a >> nth=0')]);
  assert.ok(page.url().endsWith('/p/szjj/'), page.url());
});
