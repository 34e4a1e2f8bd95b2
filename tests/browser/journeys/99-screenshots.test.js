// Screenshots of the main pages at desktop and phone widths, for docs/screenshots/ and for a
// person to look at. Runs last (file order) so that it shows the state the journeys left.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, signIn, visit, screenshot, DESKTOP, PHONE } from '../lib/harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = [
  ['dashboard', 'office', '/'],
  ['indicators', 'office', '/indicators'],
  ['indicator', 'leader', '/indicators/hightech-revenue-share'],
  ['reports', 'office', '/reports'],
  ['review', 'office', '/review'],
  ['my-reports', 'kjj', '/reports'],
  ['unit-scores', 'office', '/units'],
  ['plan', 'office', '/plan'],
  ['tasks', 'office', '/tasks?by=task_force'],
  ['task', 'office', '/tasks/2'],
  ['units', 'office', '/units'],
  ['reporter-home', 'kjj', '/'],
  ['users', 'admin', '/users'],
  ['audit', 'office', '/audit'],
];

for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`the main pages render at ${size} width`, async () => {
    const pages = new Map();
    const login = await newPage(browser, viewport);
    await visit(login, '/login');
    await screenshot(login, `login-${size}`);
    await login.context().close();
    for (const [name, user, url] of PAGES) {
      if (!pages.has(user)) {
        const p = await newPage(browser, viewport);
        await signIn(p, user);
        pages.set(user, p);
      }
      const page = pages.get(user);
      assert.equal(await visit(page, url), 200, `${url} as ${user}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${url} at ${size} width scrolls sideways by ${overflow}px`);
      await screenshot(page, `${name}-${size}`);
    }
    for (const p of pages.values()) await p.context().close();
  });
}
