import type { Recorder } from '../types';
import { coord, perFrame, round1 } from '../util';

/** Wheel turns (each one, deltas in px) and the page's scroll position (once per frame). */
export const scroll: Recorder = ({ emit, on, onError }) => {
  const positions = perFrame<Event>(
    (event) => emit('scroll', event, { x: coord(window.scrollX), y: coord(window.scrollY) }),
    onError,
  );
  const detach = [
    on<WheelEvent>(window, 'wheel', (event) => {
      const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? window.innerHeight : 1;
      emit('wheel', event, {
        dx: round1(event.deltaX * unit),
        dy: round1(event.deltaY * unit),
        x: coord(event.pageX),
        y: coord(event.pageY),
      });
    }),
    on<Event>(window, 'scroll', (event) => {
      if (event.target === document || event.target === window) positions.push(event);
    }),
  ];
  return () => {
    positions.cancel();
    for (const off of detach) off();
  };
};
