import type { Recorder } from '../types';
import { perFrame } from '../util';

/** The window's inner size after a resize, once per frame. */
export const resize: Recorder = ({ emit, on, onError }) => {
  const sizes = perFrame<Event>(
    (event) => emit('resize', event, { w: window.innerWidth, h: window.innerHeight }),
    onError,
  );
  const off = on(window, 'resize', (event) => sizes.push(event));
  return () => {
    sizes.cancel();
    off();
  };
};
