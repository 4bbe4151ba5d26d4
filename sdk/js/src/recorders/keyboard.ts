import { keyClass, keyPosition } from '../keys';
import type { Recorder } from '../types';

/** Key downs and ups as a key class and a coarse position; never the character. */
export const keyboard: Recorder = ({ emit, on }) => {
  const record = (event: KeyboardEvent) =>
    emit(event.type as 'keydown' | 'keyup', event, {
      key: keyClass(event.key || ''),
      pos: keyPosition(event.code || ''),
      repeat: event.repeat || undefined,
    });
  const detach = [on(document, 'keydown', record), on(document, 'keyup', record)];
  return () => {
    for (const off of detach) off();
  };
};
