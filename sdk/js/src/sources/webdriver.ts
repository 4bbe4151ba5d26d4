import { fail } from './source';

/** `navigator.webdriver`: true under WebDriver and CDP automation unless hidden. */
export const webdriver = (): boolean =>
  'webdriver' in navigator ? navigator.webdriver === true : fail('unsupported');
