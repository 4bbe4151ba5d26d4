// The test build: the public API plus the internals the browser tests look at, as `window.T`.

import { start, version } from '../../src/index';
import { keyClass, keyPosition } from '../../src/keys';
import { collectEnvironment, sources } from '../../src/sources/index';
import { fail } from '../../src/sources/source';

(window as unknown as Record<string, unknown>).T = {
  start,
  version,
  keyClass,
  keyPosition,
  collectEnvironment,
  sources,
  fail,
};
