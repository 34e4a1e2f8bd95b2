// Shared helpers for the browser journeys: launch Debian's Chromium through playwright-core,
// sign in as one of the accounts run.sh created, and save screenshots.
// The server is started by run.sh; its address comes in PLANWATCH_URL.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const BASE = process.env.PLANWATCH_URL ?? 'http://127.0.0.1:18080';
export const PASSWORD = process.env.PLANWATCH_TEST_PASSWORD ?? 'correct horse battery';
const here = path.dirname(fileURLToPath(import.meta.url));
// CI keeps them as artifacts under target/; PLANWATCH_SCREENSHOTS=docs/screenshots refreshes the README's.
export const SCREENSHOTS = process.env.PLANWATCH_SCREENSHOTS ?? path.resolve(here, '../../../target/screenshots');

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own cookies) at the given size. */
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return page;
}

/** Signs in through the form, as a person would, and checks that it worked. */
export async function signIn(page, username, password = PASSWORD) {
  await page.goto(`${BASE}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  assert.ok(!page.url().includes('/login'), `signing in as ${username} should leave the sign-in page, got ${page.url()}`);
}

/** Navigates and returns the HTTP status of the page. */
export async function visit(page, pathname) {
  const response = await page.goto(`${BASE}${pathname}`);
  return response.status();
}

/** The id of unit `name` (as the pages' URLs name it), read through the API as the page's user. */
export async function unitId(page, name) {
  return page.evaluate(async ([base, n]) => {
    const units = await (await fetch(`${base}/api/v1/units`)).json();
    return units.find((u) => u.name === n).id;
  }, [BASE, name]);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
