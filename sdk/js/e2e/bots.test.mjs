// Each bot tool fills the demo survey at /demo of a real botsieve service; the service analyses
// the session. Findings (what gave each tool away, what did not) are in docs/bot-tools.md.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SUITE_HANG_CEILING_MS } from '../test/patience.mjs';
import { startService } from './service.mjs';
import {
  ANSWER,
  BOOK,
  fillWithGhostCursor,
  fillWithPlaywright,
  fillWithStealth,
  launchPlaywright,
  launchStealth,
  SHORT_ANSWER,
} from './survey.mjs';

let service;
before(async () => {
  service = await startService();
});
after(() => service?.stop());

const reasonCodes = (analysis, method) =>
  (analysis.method_scores[method]?.reasons || []).map((r) => r.code);

/** Run one tool through the survey; return the stored counts, the analysis and the result page. */
async function run(launch, fill) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const id = await fill(page, service.url);
    assert.match(id ?? '', /^[0-9a-f-]{36}$/, 'the survey ended on the result page');
    const shown = await page.evaluate(() => ({
      verdict: document.querySelector('[data-verdict]')?.getAttribute('data-verdict'),
      risk: document.querySelector('[data-risk]')?.getAttribute('data-risk'),
    }));
    assert.deepEqual(errors, []);
    const stored = await service.readiness(id);
    const analysis = await service.analyze(id);
    console.log(
      JSON.stringify({
        tool: fill.name,
        events: stored.events_by_type,
        is_bot: analysis.is_bot,
        p: analysis.bot_probability,
        methods: Object.fromEntries(
          Object.entries(analysis.method_scores).map(([k, v]) => [
            k,
            { score: v.score, reasons: v.reasons.map((r) => r.code) },
          ]),
        ),
      }),
    );
    return { id, stored, analysis, shown };
  } finally {
    await browser.close();
  }
}

/** What every run must have stored: each page's marks and the grid's clicks. */
function assertSurveyStored(stored) {
  const byType = stored.events_by_type;
  // consent submitted; grid shown and submitted; open shown and submitted.
  assert.equal(byType.page, 5, 'every mark() arrived, including those sent by beacon');
  assert.ok(byType.click >= 6, `consent + 4 grid answers + next + finish: ${byType.click}`);
  assert.ok(byType.mousedown >= 6 && byType.mouseup >= 6);
  assert.equal(stored.ready, true, `ready for analysis: ${stored.missing}`);
}

describe('bot tools against the real service', { timeout: SUITE_HANG_CEILING_MS }, () => {
  it('plain Playwright is proven automated by navigator.webdriver', async () => {
    const { stored, analysis, shown } = await run(launchPlaywright, fillWithPlaywright);
    assertSurveyStored(stored);
    // fill() sets the text with no key presses at all: two input events, zero keys.
    assert.equal(stored.events_by_type.input, 2);
    assert.equal(stored.events_by_type.keydown, undefined);
    assert.equal(analysis.is_bot, true);
    assert.ok(['high', 'critical'].includes(analysis.risk_level), analysis.risk_level);
    const env = reasonCodes(analysis, 'environment');
    for (const code of ['webdriver', 'headless_userAgent', 'software_gpu']) {
      assert.ok(env.includes(code), `${code} in ${env}`);
    }
    // Learned-feature reasons are named "<feature>:<direction>", e.g. prov_text_without_keys:high.
    const provenance = reasonCodes(analysis, 'provenance');
    assert.ok(
      provenance.some((code) => code.includes('text_without_keys')),
      `text without keys in ${provenance}`,
    );
    assert.deepEqual(shown, { verdict: 'bot', risk: analysis.risk_level });
  });

  it('Puppeteer with the stealth plugin is given away by its patches and its worker', async () => {
    const { stored, analysis, shown } = await run(() => launchStealth(), fillWithStealth);
    assertSurveyStored(stored);
    const typed = BOOK.length + ANSWER.length;
    assert.equal(stored.events_by_type.keydown, typed, 'every key press arrived');
    assert.equal(stored.events_by_type.keyup, typed);
    assert.equal(stored.events_by_type.input, typed);
    assert.equal(analysis.is_bot, true);
    const env = reasonCodes(analysis, 'environment');
    assert.ok(!env.includes('webdriver'), 'stealth hides navigator.webdriver');
    assert.ok(!env.includes('headless_userAgent'), 'stealth rewrites the user agent');
    // Its Proxies are found, and the Web Worker still reports the real platform and GPU.
    for (const code of ['native_functions_patched', 'worker_platform', 'worker_webgl']) {
      assert.ok(env.includes(code), `${code} in ${env}`);
    }
    assert.equal(shown.verdict, 'bot');
  });

  it('ghost-cursor paths with human-like typing still carry stealth’s tells', async () => {
    const { stored, analysis, shown } = await run(
      () => launchStealth({ realistic: true }),
      fillWithGhostCursor,
    );
    assertSurveyStored(stored);
    assert.ok(stored.events_by_type.mousemove >= 50, 'curved paths, one move per frame');
    const typed = BOOK.length + SHORT_ANSWER.length;
    assert.ok(stored.events_by_type.keydown >= typed, 'typos and corrections add keys');
    assert.ok(stored.events_by_type.input >= typed);
    assert.equal(analysis.is_bot, true);
    const env = reasonCodes(analysis, 'environment');
    for (const code of ['native_functions_patched', 'worker_platform']) {
      assert.ok(env.includes(code), `${code} in ${env}`);
    }
    assert.equal(shown.verdict, 'bot');
  });
});
