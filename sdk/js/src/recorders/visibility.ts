import type { Recorder } from '../types';
import { listen } from '../util';

/** The page being hidden or shown again (tab switches, minimising, leaving). */
export const visibility: Recorder = ({ emit }) =>
  listen(document, 'visibilitychange', (event) =>
    emit('visibilitychange', event, {
      state: document.visibilityState === 'visible' ? 'visible' : 'hidden',
    }),
  );
