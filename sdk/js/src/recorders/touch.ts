import type { EventType, Recorder } from '../types';
import { clamp, coord, perFrame } from '../util';

/** Touches: starts and ends as they come, moves at most once per animation frame. */
export const touch: Recorder = ({ emit, on, onError }) => {
  const record = (event: TouchEvent) => {
    const type = (event.type === 'touchcancel' ? 'touchend' : event.type) as EventType;
    for (let i = 0; i < event.changedTouches.length; i++) {
      const point = event.changedTouches[i];
      emit(type, event, {
        x: coord(point.pageX),
        y: coord(point.pageY),
        id: point.identifier,
        force: typeof point.force === 'number' ? clamp(point.force, 0, 1) : undefined,
      });
    }
  };
  const moves = perFrame<TouchEvent>(record, onError);
  const detach = [
    on(document, 'touchstart', record),
    on(document, 'touchend', record),
    on(document, 'touchcancel', record),
    on<TouchEvent>(document, 'touchmove', (event) => moves.push(event)),
  ];
  return () => {
    moves.cancel();
    for (const off of detach) off();
  };
};
