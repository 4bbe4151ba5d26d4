import type { Recorder } from '../types';

/** The page being hidden or shown again (tab switches, minimising, leaving). */
export const visibility: Recorder = ({ emit, on }) =>
  on(document, 'visibilitychange', (event) =>
    emit('visibilitychange', event, {
      state: document.visibilityState === 'visible' ? 'visible' : 'hidden',
    }),
  );
