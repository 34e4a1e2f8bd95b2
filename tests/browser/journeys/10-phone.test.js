// Phones (issue 15, item 6; docs/decisions/0063): at 390 px every list is a set of cards whose
// cells are labelled by their column's head, no table cell's text wraps one (or two) characters
// per line,
// chart text is at least 11 CSS px, and the navigation shows that it scrolls. Screenshots of the
// dashboard, 指标 and a task page at 390 px are saved for a person to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, screenshot, PHONE } from '../lib/harness.js';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser, PHONE);
  await signIn(page, 'office');
});
after(async () => { await browser?.close(); });

const PAGES = [
  ['dashboard', '/'],
  ['indicators', '/indicators'],
  ['task', '/tasks/10'],
  ['tasks', '/tasks'],
  ['units', '/units'],
  ['reports', '/reports'],
  ['indicator', '/indicators/hightech-revenue-share'],
  ['review', '/review'],
];

/** Every visible table cell whose text runs one character (or fewer) per line. */
function squeezedCells() {
  const out = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const text = cell.innerText.replace(/\s+/g, '');
    const box = cell.getBoundingClientRect();
    if (text.length < 4 || box.width === 0 || box.height === 0) continue;
    // The lines the cell's text takes: the distinct tops of its text nodes' line boxes (within
    // half a line of each other is the same line; hidden text such as .sr-only is 1 px wide).
    const style = getComputedStyle(cell);
    const half = (parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize)) / 2;
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width < 2) continue;
        if (!tops.some((t) => Math.abs(t - r.top) < half)) tops.push(r.top);
      }
    }
    const lines = Math.max(tops.length, 1);
    const fontSize = parseFloat(style.fontSize);
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // One or two characters per line (a Latin word such as GDP keeps a line to itself, so a
    // squeezed column averages a little over one), or a column too narrow for three.
    if (text.length / lines < 2.5 || inner < 3 * fontSize) {
      out.push(`${text.slice(0, 20)} (${text.length} chars, ${lines} lines, ${Math.round(box.width)}px wide)`);
    }
  }
  return out;
}

/** Every visible chart text smaller than 11 CSS px as drawn. */
function smallChartText() {
  const out = [];
  for (const t of document.querySelectorAll('svg.chart text')) {
    if (t.getClientRects().length === 0 || t.getBoundingClientRect().width === 0) continue;
    const ctm = t.getScreenCTM();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
    if (px < 10.95) out.push(`${t.textContent.slice(0, 16)}: ${px.toFixed(1)}px`);
  }
  return out;
}

/** Visible body cells of a list shown as a card that carry no label though their column has a
 *  head (a column of buttons has none and needs none). */
function unlabelledCells() {
  const out = [];
  for (const table of document.querySelectorAll('table.table:not(.indicator-form)')) {
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    const heads = headRow ? [...headRow.cells].map((th) => th.textContent.trim()) : [];
    for (const tr of table.querySelectorAll(':scope > tbody > tr')) {
      [...tr.cells].forEach((td, i) => {
        if (td.getBoundingClientRect().width === 0 || !td.innerText.trim() || !heads[i]) return;
        if (!td.getAttribute('data-label')) out.push(td.innerText.trim().slice(0, 20));
      });
    }
  }
  return out;
}

for (const [name, url] of PAGES) {
  test(`${url} at 390 px: cards, readable cells and charts`, async () => {
    assert.equal(await visit(page, url), 200, url);
    const squeezed = await page.evaluate(squeezedCells);
    assert.deepEqual(squeezed, [], `${url}: table text wraps one character per line`);
    const small = await page.evaluate(smallChartText);
    assert.deepEqual(small, [], `${url}: chart text under 11 px`);
    const unlabelled = await page.evaluate(unlabelledCells);
    assert.deepEqual(unlabelled, [], `${url}: card cells without their column's label`);
    const cards = await page.evaluate(() => {
      const tr = document.querySelector('table.table:not(.indicator-form) > tbody > tr');
      return tr ? getComputedStyle(tr).display : 'none';
    });
    if (cards !== 'none') assert.equal(cards, 'block', `${url}: rows are cards below 600 px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${url} scrolls sideways by ${overflow}px`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`${url}: ${height}px tall at 390 px`);
    if (['dashboard', 'indicators', 'task'].includes(name)) await screenshot(page, `phone-${name}`);
  });
}

test('the navigation shows that it scrolls, and stops saying so at its end', async () => {
  await visit(page, '/');
  const nav = await page.evaluate(() => {
    const inner = document.querySelector('.mainnav .nav-inner');
    const after = getComputedStyle(document.querySelector('.mainnav'), '::after');
    return {
      overflows: inner.scrollWidth > inner.clientWidth,
      rows: new Set([...inner.querySelectorAll('a')].map((a) => Math.round(a.getBoundingClientRect().top))).size,
      hint: after.content,
      hintShown: after.display !== 'none',
    };
  });
  assert.equal(nav.rows, 1, 'the navigation is one row');
  assert.ok(nav.overflows, 'the office has more areas than fit at 390 px');
  assert.ok(nav.hintShown && nav.hint.includes('›'), `a scroll hint: ${JSON.stringify(nav)}`);
  const atEnd = await page.evaluate(async () => {
    const inner = document.querySelector('.mainnav .nav-inner');
    inner.scrollLeft = inner.scrollWidth;
    await new Promise((r) => setTimeout(r, 100));
    return getComputedStyle(document.querySelector('.mainnav'), '::after').display;
  });
  assert.equal(atEnd, 'none', 'no hint once scrolled to the end');
});
