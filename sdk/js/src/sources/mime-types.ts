import { fail } from './source';

/** How many MIME types the browser lists, as `{count}` like `plugins`. */
export const mimeTypes = () =>
  navigator.mimeTypes ? { count: navigator.mimeTypes.length } : fail('unsupported');
