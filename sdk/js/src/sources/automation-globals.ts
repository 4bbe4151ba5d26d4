const AUTOMATION =
  /^(\$?cdc_|\$?wdc_|__webdriver|__driver|__selenium|_selenium|__fxdriver|__playwright|__pw|__puppeteer|domAutomation|callPhantom$|_phantom$|__nightmare$|_Selenium_IDE_Recorder$)/;

/** Names of globals on `window` and `document` that automation tools leave behind. */
export function automationGlobals(): string[] {
  const found = new Set<string>();
  for (const owner of [window, document]) {
    for (const name of Object.getOwnPropertyNames(owner)) {
      if (AUTOMATION.test(name)) found.add(name.slice(0, 64));
    }
  }
  for (const name of ['webdriver', 'selenium', 'driver']) {
    if (document.documentElement.getAttribute(name) !== null) found.add(`attr:${name}`);
  }
  return Array.from(found).slice(0, 20);
}
