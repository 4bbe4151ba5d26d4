// The dashboard at a phone's width (390 px) and at a desktop's, measured in Chromium: nothing
// reaches past the window's edge unless it sits inside its own scrolling box, the timeline's
// labels never overlap each other or the plot, and a day of data draws a line, not a dot.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, mousePath, signIn, startService } from './service.mjs';

const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
const DOC_IMAGES = resolve(import.meta.dirname, '../../docs/images');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
mkdirSync(ARTIFACTS, { recursive: true });

let service;
let browser;
let busy;

async function shot(page, name) {
  const file = join(ARTIFACTS, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_DOC_IMAGES === '1')
    copyFileSync(file, join(DOC_IMAGES, `dashboard-${name}.png`));
}

async function signedIn(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, service.url);
  return page;
}

/** Elements that reach past the window's left or right edge without a clipping or scrolling
 * box (within the window) to hold them, and the page's own scroll width. */
function overflow() {
  const width = document.documentElement.clientWidth;
  const inside = (r) => r.left >= -0.5 && r.right <= width + 0.5;
  const held = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return inside(a.getBoundingClientRect());
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || inside(r) || held(el)) continue;
    const name = `${el.tagName.toLowerCase()}.${String(el.className?.baseVal ?? el.className).slice(0, 60)}`;
    out.push(
      `${name} [${Math.round(r.left)}, ${Math.round(r.right)}] "${el.textContent.slice(0, 40)}"`,
    );
  }
  return { width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10) };
}

async function assertFits(page, name) {
  const m = await page.evaluate(overflow);
  assert.deepEqual(m.out, [], `${name}: elements past the edge at ${m.width} px`);
  assert.ok(
    m.scrollWidth <= m.width,
    `${name}: the page scrolls sideways (${m.scrollWidth} > ${m.width})`,
  );
}

/** Pairs of timeline labels whose boxes overlap, labels on the plot, labels outside the svg. */
function timelineClashes() {
  const svg = document.querySelector('[data-testid="timeline"]');
  const box = svg.getBoundingClientRect();
  const plot = svg.querySelector('[data-plot]').getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map((t) => ({
    text: t.textContent,
    r: t.getBoundingClientRect(),
  }));
  const meet = (a, b) =>
    a.left < b.right - 0.5 &&
    b.left < a.right - 0.5 &&
    a.top < b.bottom - 0.5 &&
    b.top < a.bottom - 0.5;
  const clashes = [];
  texts.forEach((a, i) => {
    for (const b of texts.slice(i + 1)) if (meet(a.r, b.r)) clashes.push(`${a.text} / ${b.text}`);
    if (meet(a.r, plot)) clashes.push(`${a.text} / the plot`);
    if (a.r.left < box.left - 0.5 || a.r.right > box.right + 0.5)
      clashes.push(`${a.text} / the edge`);
  });
  return {
    clashes,
    labels: texts.length,
    marks: svg.querySelectorAll('[data-mark]').length,
    fontPx: Math.min(...texts.map((t) => t.r.height)),
  };
}

before(async () => {
  service = await startService();
  await service.seed();
  // A session of six pages, shown and submitted moments apart: twelve marks close together.
  busy = await service.createSession('SV_e2e', 'R_many_pages');
  const events = mousePath(150);
  for (let i = 0; i < 6; i++) {
    const t = 200 + i * 180;
    events.push({ type: 'page', t, mark: `Q${i + 1}`, phase: 'shown' });
    events.push({ type: 'page', t: t + 90, mark: `Q${i + 1}`, phase: 'submitted' });
    events.push({ type: 'click', t: t + 80, x: 300, y: 200, button: 0 });
    events.push({ type: 'visibilitychange', t: t + 120, state: i % 2 ? 'visible' : 'hidden' });
  }
  events.sort((a, b) => a.t - b.t);
  await service.sendEvents(busy, 'b1', events);
  await service.call('POST', `/api/v1/detection/sessions/${busy.session_id}/analyze`);
  // The Integrations page with something on it: a Decipher survey (a long path for an id),
  // its guide open, and a webhook with a long address.
  await service.call('POST', '/api/v1/integrations', {
    platform: 'decipher',
    name: 'Wave 2 of the household panel, Decipher',
    survey_id: 'selfserve/9d3/proj1234567/wave-two-household-panel',
  });
  await service.call('POST', '/api/v1/integrations/webhooks', {
    url: 'http://127.0.0.1:9/hooks/botsieve/results-for-the-household-panel-wave-two',
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  service?.stop();
});

describe('layout', () => {
  it('fits every page in 390 px', async () => {
    const page = await signedIn(PHONE);
    const pages = [
      ['/', 'Overview', async () => page.getByTestId('time-series').waitFor()],
      ['/sessions', 'Sessions', async () => page.getByTestId('session-row').first().waitFor()],
      [`/sessions/${busy.session_id}`, null, async () => page.getByTestId('timeline').waitFor()],
      ['/surveys', 'Surveys', async () => page.getByTestId('surveys').waitFor()],
      ['/surveys/SV_e2e', null, async () => page.getByTestId('survey-sessions').waitFor()],
      ['/review', 'Review', async () => page.getByTestId('review-row').first().waitFor()],
      ['/settings', 'Settings', async () => page.getByTestId('rule-preview').waitFor()],
      ['/guide', 'Quick start', async () => page.locator('pre').first().waitFor()],
      ['/playground', 'API playground', async () => page.getByLabel('Endpoint').waitFor()],
      [
        '/integrations',
        'Integrations',
        async () => {
          await page.getByTestId('webhooks').waitFor();
          await page.getByTestId('integrations').getByText('Setup guide').click();
          await page.getByTestId('integrations').locator('pre').first().waitFor();
        },
      ],
    ];
    for (const [path, heading, ready] of pages) {
      await page.goto(service.url + path);
      if (heading) await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await ready();
      await assertFits(page, path);
    }
    await shot(page, 'phone-integrations');
    await page.goto(`${service.url}/sessions`);
    await page.getByTestId('session-row').first().waitFor();
    await shot(page, 'phone-sessions');
    await page.goto(`${service.url}/sessions/${busy.session_id}`);
    await page.getByTestId('timeline').waitFor();
    await shot(page, 'phone-session');
    await page.context().close();
  });

  it('fits the sign-in page in 390 px', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${service.url}/login`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await assertFits(page, '/login');
    await context.close();
  });

  it('folds the menu into a button at 390 px', async () => {
    const page = await signedIn(PHONE);
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await page.getByRole('link', { name: 'Sessions' }).isVisible(), false);
    await menu.click();
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions', exact: true }).waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'the menu closes');
    await shot(page, 'phone-overview-menu');
    await page.context().close();
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`keeps the timeline's labels apart at ${viewport.width} px`, async () => {
      const page = await signedIn(viewport);
      await page.goto(`${service.url}/sessions/${busy.session_id}`);
      await page.getByTestId('timeline').waitFor();
      const m = await page.evaluate(timelineClashes);
      assert.deepEqual(m.clashes, []);
      assert.ok(m.marks >= 4, `only ${m.marks} of 12 page marks labelled`);
      assert.ok(m.fontPx >= 9, `labels drawn ${m.fontPx} px high`);
      // The same page names the session's quality flags with what each means.
      const details = await service.call(
        'GET',
        `/api/v1/dashboard/sessions/${busy.session_id}/details`,
      );
      const flags = details.results[0].quality_flags;
      assert.ok(flags.length > 0, 'the busy session has a quality flag');
      const shown = await page
        .locator('[data-testid="session-quality"] [data-flag]')
        .evaluateAll((els) => els.map((e) => e.dataset.flag));
      assert.deepEqual(shown, flags);
      await page.context().close();
    });
  }

  it('draws the mouse path of one page at a time', async () => {
    const page = await signedIn(PHONE);
    await page.goto(`${service.url}/sessions/${busy.session_id}`);
    const canvas = page.getByTestId('mouse-path');
    await canvas.waitFor();
    const all = Number(await canvas.getAttribute('data-points'));
    const choose = page.getByLabel('Page of the mouse path');
    const names = await choose.locator('option').allTextContents();
    assert.deepEqual(names, ['All pages', 'Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6']);
    await choose.selectOption({ label: 'Q2' });
    // Q2 is shown at 380 ms and Q3 at 560 ms: the moves in between, 16.7 ms apart.
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="mouse-path"]').dataset.points) < n,
      all,
    );
    const q2 = Number(await canvas.getAttribute('data-points'));
    assert.ok(q2 >= 9 && q2 <= 12, `${q2} of ${all} points on Q2`);
    await assertFits(page, 'one page of the mouse path');
    await page.context().close();
  });

  it('draws a day of data as a line over the period', async () => {
    const page = await signedIn(PHONE);
    for (const [range, granularity, least] of [
      ['24h', 'hour', 24],
      ['7d', 'day', 7],
      ['30d', 'day', 30],
    ]) {
      await page.goto(`${service.url}/?range=${range}`);
      const chart = page.locator(`[data-testid="time-series"][data-granularity="${granularity}"]`);
      await chart.waitFor();
      const points = Number(await chart.getAttribute('data-points'));
      assert.ok(points >= least, `${range}: ${points} points`);
      const canvas = await chart.locator('canvas').boundingBox();
      assert.ok(
        canvas.width > 200 && canvas.x + canvas.width <= PHONE.width,
        `${range}: ${canvas.width} px`,
      );
    }
    // The day's points are its hours, one after another, the seeded hour among them.
    const since = new Date(Date.now() - 86_400_000);
    since.setMinutes(0, 0, 0);
    const day = await service.call(
      'GET',
      `/api/v1/dashboard/overview?since=${encodeURIComponent(since.toISOString())}`,
    );
    const hours = day.time_series.map((p) => Date.parse(p.bucket));
    assert.ok(
      hours.slice(1).every((h, i) => h - hours[i] === 3_600_000),
      'hourly buckets',
    );
    assert.ok(day.time_series.some((p) => p.sessions > 0) && hours.length >= 24);
    await page.goto(`${service.url}/?range=24h`);
    await page.getByTestId('time-series').waitFor();
    await shot(page, 'phone-overview');
    await page.context().close();
  });
});
