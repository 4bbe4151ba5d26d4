// Real browsers, opened with no automation at all, run the built collector against a real
// botsieve service; none may be flagged by the environment rules, and a page's own stealth
// patches must still be found in each of them. The records they sent are kept as the engine's
// fixtures (tests/engine/detectors/fixtures/) with BOTSIEVE_RECORD_ENVIRONMENTS=1.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startService } from '../e2e/service.mjs';
import { HANG_CEILING_MS, SUITE_HANG_CEILING_MS } from '../test/patience.mjs';
import { BROWSERS, missing, open } from './browsers.mjs';
import { startDisplay } from './display.mjs';
import { PATCHED, startPages, surveyOf } from './page.mjs';

const FIXTURES = resolve(import.meta.dirname, '../../../tests/engine/detectors/fixtures');
const RECORD = process.env.BOTSIEVE_RECORD_ENVIRONMENTS === '1';
// Only a hang fails this wait: a browser's first start on a busy machine can take long.
const ARRIVAL_LIMIT_MS = HANG_CEILING_MS;
const PROOF_PROBABILITY = 0.995;
// What each engine's clock is known to resolve to (ms): finer than 1 ms in Chromium, 1 ms in
// Firefox and WebKit, at least a frame (16.67 ms) under resistFingerprinting.
const CLOCK = {
  chromium: [0.001, 0.1],
  firefox: [0.001, 1],
  'firefox-rfp': [16, 1000],
  epiphany: [0.001, 1],
};

let display;
let pages;
let service;
let typicalScore;
const running = new Set();

before(async () => {
  display = await startDisplay();
  pages = await startPages();
  service = await startService({ origins: [pages.url] });
  pages.configure({ endpoint: service.url, key: service.publishable });
  // A session that says nothing about its browser: the environment score every person gets.
  const blank = await service.create({ survey_id: 'browsers-blank', environment: {} });
  typicalScore = (await service.analyze(blank.session_id)).method_scores.environment.score;
});

after(async () => {
  await Promise.all([...running].map((browser) => browser.stop()));
  pages?.close();
  service?.stop();
  display?.stop?.();
});

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Wait until the service holds the session (and its environment) the page created. */
async function arrived(spec, patched, browser) {
  const survey = surveyOf(spec.name, patched);
  const until = Date.now() + ARRIVAL_LIMIT_MS;
  for (;;) {
    const { items } = await service.sessions(survey);
    if (items.length) {
      const { environment } = await service.details(items[0].session_id);
      if (Object.keys(environment).length) return { id: items[0].session_id, environment };
    }
    if (browser.exited()) assert.fail(`${spec.name} exited before ${survey}:\n${browser.log()}`);
    if (Date.now() > until) assert.fail(`no ${survey} session arrived:\n${browser.log()}`);
    await sleep(250);
  }
}

/** Keep `environment` as a fixture: keys in order (sources settle in any), timings dropped. */
function record(name, environment) {
  const kept = Object.fromEntries(
    Object.keys(environment)
      .filter((key) => key !== '_timings')
      .sort()
      .map((key) => [key, environment[key]]),
  );
  writeFileSync(resolve(FIXTURES, `${name}.json`), `${JSON.stringify(kept, null, 2)}\n`);
}

const environmentOf = (analysis) => analysis.method_scores.environment;
const codes = (method) => method.reasons.map((reason) => reason.code);

describe('the collector in real browsers without automation', {
  timeout: SUITE_HANG_CEILING_MS,
}, () => {
  for (const spec of BROWSERS) {
    it(`${spec.what}: nothing flagged; a page's stealth patches found`, async (t) => {
      const why = display.missing || missing(spec);
      if (why) return t.skip(why);
      const browser = open(spec, `${pages.url}/collect?as=${spec.name}`, display.display);
      running.add(browser);
      let clean;
      let patched;
      try {
        clean = await arrived(spec, false, browser);
        patched = await arrived(spec, true, browser);
      } finally {
        await browser.stop();
        running.delete(browser);
      }
      if (RECORD) {
        record(spec.name, clean.environment);
        record(`${spec.name}-patched`, patched.environment);
      }

      const env = clean.environment;
      assert.match(env.userAgent, spec.userAgent);
      assert.equal(env.webdriver, false);
      assert.deepEqual(env.nativeFunctionsPatched, [], 'a stock browser patches nothing');
      assert.deepEqual(env.automationGlobals, []);
      const [finest, coarsest] = CLOCK[spec.name];
      assert.ok(
        env.timerResolution >= finest && env.timerResolution <= coarsest,
        `timerResolution ${env.timerResolution} in [${finest}, ${coarsest}]`,
      );

      const analysis = await service.analyze(clean.id);
      const environment = environmentOf(analysis);
      console.log(
        JSON.stringify({
          browser: spec.name,
          timerResolution: env.timerResolution,
          timerResolutionMs: env._timings.timerResolution,
          webgl: env.webgl,
          environment,
          p: analysis.bot_probability,
        }),
      );
      assert.deepEqual(environment.reasons, [], 'no environment rule fires');
      assert.equal(environment.score, typicalScore, "the environment score is a typical person's");
      assert.ok(analysis.bot_probability < PROOF_PROBABILITY, 'nothing is proof');
      assert.equal(analysis.is_bot, false);

      assert.equal(patched.environment.webdriver, false, 'the patch hides navigator.webdriver');
      for (const name of PATCHED) {
        assert.ok(
          patched.environment.nativeFunctionsPatched.includes(name),
          `${name} in ${patched.environment.nativeFunctionsPatched}`,
        );
      }
      const caught = environmentOf(await service.analyze(patched.id));
      assert.ok(codes(caught).includes('native_functions_patched'), `${codes(caught)}`);
      assert.ok(caught.score > typicalScore);
    });
  }
});
