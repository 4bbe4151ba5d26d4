// Fills the demo survey with each bot tool, the way a survey farm would script it, and returns
// the session id from the result page's URL.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import puppeteerCore from 'puppeteer-core';
import { HANG_CEILING_MS, patient } from '../test/patience.mjs';

const require = createRequire(import.meta.url);
const { addExtra } = require('puppeteer-extra');
const StealthPlugin = require('puppeteer-extra-plugin-stealth');
const { createCursor } = require('ghost-cursor');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export const GRID = { q1: 4, q2: 2, q3: 5, q4: 2 };
export const BOOK = 'The Left Hand of Darkness';
export const ANSWER =
  'A friend lent it to me years ago. The slow pace put me off at first, but the ending ' +
  'stayed with me for weeks, so yes, I would recommend it.';

/** What the ghost-cursor run types into the open answer (kept short to keep the run short). */
export const SHORT_ANSWER = 'A friend lent it to me; yes.';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = (low, high) => low + Math.random() * (high - low);
const sessionOf = (url) => new URL(url).searchParams.get('session');

export async function launchPlaywright() {
  return patient(
    await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: HANG_CEILING_MS,
    }),
  );
}

/** Puppeteer with the stealth plugin; `realistic` also gives it a laptop-sized window. */
export async function launchStealth({ realistic = false } = {}) {
  const puppeteer = addExtra(puppeteerCore);
  puppeteer.use(StealthPlugin());
  return patient(
    await puppeteer.launch({
      executablePath: CHROMIUM,
      args: realistic ? [...CHROMIUM_ARGS, '--window-size=1366,768'] : CHROMIUM_ARGS,
      headless: true,
      defaultViewport: realistic ? null : undefined,
      timeout: HANG_CEILING_MS,
      protocolTimeout: HANG_CEILING_MS,
    }),
  );
}

/** Plain Playwright: clicks land on element centres, fill() types without keys. */
export async function fillWithPlaywright(page, base) {
  await page.goto(`${base}/demo/`);
  await page.click('#agree');
  await page.waitForURL(/\/demo\/grid/);
  for (const [name, value] of Object.entries(GRID)) {
    await page.click(`input[name="${name}"][value="${value}"]`);
  }
  await page.click('#next');
  await page.waitForURL(/\/demo\/open/);
  await page.fill('#book', BOOK);
  await page.fill('#answer', ANSWER);
  await page.click('#finish');
  await page.waitForURL(/\/demo\/result/);
  return sessionOf(page.url());
}

async function clickAndWait(page, click) {
  await Promise.all([page.waitForNavigation(), click()]);
}

/** Puppeteer with the stealth plugin: element clicks and typing with a fixed delay. */
export async function fillWithStealth(page, base) {
  await page.goto(`${base}/demo/`);
  await clickAndWait(page, () => page.click('#agree'));
  for (const [name, value] of Object.entries(GRID)) {
    await page.click(`input[name="${name}"][value="${value}"]`);
  }
  await clickAndWait(page, () => page.click('#next'));
  await page.type('#book', BOOK, { delay: 30 });
  await page.type('#answer', ANSWER, { delay: 30 });
  await clickAndWait(page, () => page.click('#finish'));
  return sessionOf(page.url());
}

/** Type like a person: uneven delays, pauses between words, an occasional corrected typo. */
async function typeLikeAPerson(page, text) {
  for (const char of text) {
    if (Math.random() < 0.03 && /[a-z]/.test(char)) {
      await page.keyboard.type('x', { delay: between(40, 110) });
      await sleep(between(150, 400));
      await page.keyboard.press('Backspace', { delay: between(40, 100) });
    }
    await page.keyboard.type(char, { delay: between(40, 120) });
    await sleep(char === ' ' ? between(80, 350) : between(30, 160));
  }
}

/**
 * Click `selector` with the cursor until `done` (run in the page on the element) holds, as a
 * script's author checks: a curved path can end on an element's very edge, and a missed radio
 * or field leaves the page refusing to go on (the keys typed next would go nowhere).
 */
async function clickUntil(cursor, page, selector, done) {
  for (let attempt = 1; ; attempt += 1) {
    await cursor.click(selector);
    if (await page.$eval(selector, done)) return;
    if (attempt === 5) throw new Error(`${selector}: still not done after ${attempt} clicks`);
  }
}

const isFocused = (element) => document.activeElement === element;
const isChecked = (element) => element.checked;

/** Puppeteer with stealth, ghost-cursor's curved mouse paths and human-like typing delays. */
export async function fillWithGhostCursor(page, base) {
  await page.goto(`${base}/demo/`);
  const cursor = createCursor(page, { x: between(50, 400), y: between(50, 300) });
  await sleep(between(500, 900));
  await clickAndWait(page, () => cursor.click('#agree'));
  const gridCursor = createCursor(page, { x: between(300, 600), y: between(100, 200) });
  await sleep(between(300, 600));
  for (const [name, value] of Object.entries(GRID)) {
    await clickUntil(gridCursor, page, `input[name="${name}"][value="${value}"]`, isChecked);
    await sleep(between(250, 700));
  }
  await clickAndWait(page, () => gridCursor.click('#next'));
  const openCursor = createCursor(page, { x: between(300, 600), y: between(100, 200) });
  await clickUntil(openCursor, page, '#book', isFocused);
  await typeLikeAPerson(page, BOOK);
  await sleep(between(300, 700));
  await clickUntil(openCursor, page, '#answer', isFocused);
  await typeLikeAPerson(page, SHORT_ANSWER);
  await sleep(between(300, 600));
  // Said here, not as a navigation that never comes: the page refuses answers it cannot use.
  const typed = await page.evaluate(() =>
    ['book', 'answer'].map((id) => document.getElementById(id).value),
  );
  if (typed[0] !== BOOK || typed[1] !== SHORT_ANSWER) {
    throw new Error(
      `typed ${JSON.stringify(typed)}, meant ${JSON.stringify([BOOK, SHORT_ANSWER])}`,
    );
  }
  await clickAndWait(page, () => openCursor.click('#finish'));
  return sessionOf(page.url());
}
