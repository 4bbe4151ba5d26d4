// The demo pages served from a customer's own origin (not the service's), as a real survey is:
// cross-origin CORS with a publishable key, events that leave by beacon when a page is closed
// mid-batch, and a survey that goes on when the service dies halfway through.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SUITE_HANG_CEILING_MS, waitUntil } from '../test/patience.mjs';
import { freePort, startService } from './service.mjs';
import { ANSWER, BOOK, GRID, launchPlaywright } from './survey.mjs';

const DEMO = resolve(import.meta.dirname, '../../../src/botsieve/demo');
const TYPES = { js: 'text/javascript', css: 'text/css' };

let service;
let site;
let siteUrl;
before(async () => {
  const port = await freePort();
  siteUrl = `http://127.0.0.1:${port}`;
  service = await startService({ origins: [siteUrl] });
  const config = JSON.stringify({ endpoint: service.url, key: service.publishable });
  site = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    const page = { '/demo/': 'consent', '/demo/grid': 'grid', '/demo/open': 'open' }[path];
    if (page) {
      const html = readFileSync(resolve(DEMO, `${page}.html`), 'utf8').replace(
        '{{CONFIG}}',
        config,
      );
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end(html);
    }
    const file = path.match(/^\/demo\/static\/(botsieve\.min\.js|demo\.js|demo\.css)$/);
    if (file) {
      res.writeHead(200, { 'Content-Type': TYPES[file[1].split('.').pop()] });
      return res.end(readFileSync(resolve(DEMO, 'static', file[1])));
    }
    if (path === '/demo/result') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<!doctype html><title>thanks</title><p id="thanks">Thank you</p>');
    }
    res.writeHead(404).end();
  });
  await new Promise((done) => site.listen(port, '127.0.0.1', done));
});
after(() => {
  site?.closeAllConnections();
  site?.close();
  service?.stop();
});

async function withPage(work) {
  const browser = await launchPlaywright();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await work(page, errors);
  } finally {
    await browser.close();
  }
}

async function consent(page) {
  await page.goto(`${siteUrl}/demo/`);
  await page.click('#agree');
  await page.waitForURL(/\/demo\/grid/);
  const id = await page.evaluate(() => sessionStorage.getItem('botsieve-demo:session'));
  assert.match(id ?? '', /^[0-9a-f-]{36}$/, 'session created across origins');
  return id;
}

const count = async (id, type) => (await service.readiness(id)).events_by_type[type] ?? 0;

/** Wait until the service holds `wanted` events of `type` (only a hang ends it otherwise). */
async function waitForCount(id, type, wanted) {
  await waitUntil(async () => (await count(id, type)) >= wanted, {
    what: `${wanted} ${type} event(s) of session ${id}`,
    interval: 100,
  });
}

describe('a survey on its own origin', { timeout: SUITE_HANG_CEILING_MS }, () => {
  it('sends the whole survey cross-origin with a publishable key', async () => {
    await withPage(async (page, errors) => {
      const id = await consent(page);
      for (const [name, value] of Object.entries(GRID)) {
        await page.click(`input[name="${name}"][value="${value}"]`);
      }
      await page.click('#next');
      await page.waitForURL(/\/demo\/open/);
      await page.click('#book');
      await page.keyboard.type(BOOK);
      await page.click('#answer');
      await page.keyboard.type(ANSWER);
      await page.click('#finish');
      await page.waitForURL(/\/demo\/result/);
      assert.equal(new URL(page.url()).searchParams.get('session'), id);
      const stored = await service.readiness(id);
      assert.equal(stored.events_by_type.page, 5);
      assert.equal(stored.events_by_type.keydown, BOOK.length + ANSWER.length);
      assert.deepEqual(errors, []);
      const status = await service.status(id);
      assert.equal(status.survey_id, 'demo');
      assert.match(status.respondent_id, /^demo-/);
    });
  });

  it('keeps the events of a page closed mid-batch (beacon)', async () => {
    await withPage(async (page) => {
      const id = await consent(page);
      // The consent page's mark (its click came before start(), so it is not recorded).
      await waitForCount(id, 'page', 1);
      await page.click('input[name="q1"][value="3"]');
      await page.click('input[name="q2"][value="4"]');
      // Well inside the 4 s batch interval: these clicks are still in the page's buffer.
      const before = await count(id, 'click');
      assert.equal(before, 0, 'the grid clicks were not sent yet');
      await page.close({ runBeforeUnload: true });
      await waitForCount(id, 'click', 2);
      assert.equal(await count(id, 'click'), 2, 'both grid clicks arrived after the close');
      const marks = await count(id, 'page');
      assert.equal(marks, 2, 'consent submitted and grid shown');
    });
  });

  it('goes on, silent, when the service dies halfway through', async () => {
    await withPage(async (page, errors) => {
      await consent(page);
      service.stop();
      for (const [name, value] of Object.entries(GRID)) {
        await page.click(`input[name="${name}"][value="${value}"]`);
      }
      await page.click('#next');
      await page.waitForURL(/\/demo\/open/);
      await page.fill('#book', BOOK);
      await page.fill('#answer', ANSWER);
      // With the service gone every request fails at once: reaching the result page at all
      // (under the pages' hang ceiling) shows finishing does not wait on it; no wall-clock
      // bound, which would measure the machine rather than the collector.
      await page.click('#finish');
      await page.waitForURL(/\/demo\/result/);
      assert.equal(await page.textContent('#thanks'), 'Thank you');
      assert.deepEqual(errors, []);
    });
  });
});
