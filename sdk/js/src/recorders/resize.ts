import type { Recorder } from '../types';
import { listen, perFrame } from '../util';

/** The window's inner size after a resize, once per frame. */
export const resize: Recorder = ({ emit }) => {
  const sizes = perFrame<Event>((event) =>
    emit('resize', event, { w: window.innerWidth, h: window.innerHeight }),
  );
  const off = listen(window, 'resize', (event) => sizes.push(event));
  return () => {
    sizes.cancel();
    off();
  };
};
