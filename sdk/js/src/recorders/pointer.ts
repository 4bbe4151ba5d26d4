import type { Recorder } from '../types';
import { coord, perFrame, round1 } from '../util';

const button = (event: MouseEvent) => Math.min(4, Math.max(0, event.button || 0));

/** Mouse moves (at most one per animation frame), downs, ups and clicks. */
export const pointer: Recorder = ({ emit, on, onError }) => {
  let allTrusted = true;
  const moves = perFrame<MouseEvent>((event) => {
    emit('mousemove', event, { x: coord(event.pageX), y: coord(event.pageY), trusted: allTrusted });
    allTrusted = true;
  }, onError);
  const detach = [
    on<MouseEvent>(document, 'mousemove', (event) => {
      allTrusted = allTrusted && event.isTrusted;
      moves.push(event);
    }),
    on<MouseEvent>(document, 'mousedown', (event) =>
      emit('mousedown', event, {
        x: coord(event.pageX),
        y: coord(event.pageY),
        button: button(event),
      }),
    ),
    on<MouseEvent>(document, 'mouseup', (event) =>
      emit('mouseup', event, {
        x: coord(event.pageX),
        y: coord(event.pageY),
        button: button(event),
      }),
    ),
    on<MouseEvent>(document, 'click', (event) => {
      const target = event.target as Element | null;
      const rect = target?.getBoundingClientRect ? target.getBoundingClientRect() : null;
      emit('click', event, {
        x: coord(event.pageX),
        y: coord(event.pageY),
        button: button(event),
        dx: rect ? round1(event.clientX - (rect.left + rect.width / 2)) : undefined,
        dy: rect ? round1(event.clientY - (rect.top + rect.height / 2)) : undefined,
        w: rect ? round1(rect.width) : undefined,
        h: rect ? round1(rect.height) : undefined,
      });
    }),
  ];
  return () => {
    moves.cancel();
    for (const off of detach) off();
  };
};
