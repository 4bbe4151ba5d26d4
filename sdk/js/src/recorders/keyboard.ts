import { keyClass, keyPosition } from '../keys';
import type { Recorder } from '../types';
import { listen } from '../util';

/** Key downs and ups as a key class and a coarse position; never the character. */
export const keyboard: Recorder = ({ emit }) => {
  const record = (event: KeyboardEvent) =>
    emit(event.type as 'keydown' | 'keyup', event, {
      key: keyClass(event.key || ''),
      pos: keyPosition(event.code || ''),
      repeat: event.repeat || undefined,
    });
  const detach = [listen(document, 'keydown', record), listen(document, 'keyup', record)];
  return () => {
    for (const off of detach) off();
  };
};
