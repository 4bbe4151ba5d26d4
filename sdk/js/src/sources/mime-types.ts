import { fail } from './source';

/** How many MIME types the browser lists. */
export const mimeTypes = (): number =>
  navigator.mimeTypes ? navigator.mimeTypes.length : fail('unsupported');
