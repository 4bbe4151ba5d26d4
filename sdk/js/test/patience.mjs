// How every browser test waits: on the condition itself, however long a busy machine takes.
// The one ceiling, ten minutes (as tests/live_server.py), is only against a hang; reaching it
// says what never became ready.
export const HANG_CEILING_MS = 10 * 60 * 1000;
/** A whole suite's guard (node:test `timeout`), likewise only against a hang. */
export const SUITE_HANG_CEILING_MS = 3 * HANG_CEILING_MS;

/** Poll `check` until it returns something truthy (returned); `what` names it in the error. */
export async function waitUntil(check, { what, interval = 50 }) {
  const until = Date.now() + HANG_CEILING_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) {
      throw new Error(`hung: ${what} never came in ${HANG_CEILING_MS / 60000} minutes`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Playwright and Puppeteer give up on a click, a navigation or a launch after 30 s, a deadline
 * a busy machine can miss. Their pages get the hang ceiling instead (a `newPage` that sets it).
 */
export function patient(browser) {
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args) => {
    const page = await newPage(...args);
    page.setDefaultTimeout(HANG_CEILING_MS);
    page.setDefaultNavigationTimeout(HANG_CEILING_MS);
    return page;
  };
  return browser;
}
