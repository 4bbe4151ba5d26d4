import type { Recorder } from '../types';
import { fieldId, textLength } from '../util';

/** Changes to text fields: the input type and the change in length, never the text. */
export const input: Recorder = ({ emit, on }) => {
  const lengths = new WeakMap<EventTarget, number>();
  const remember = (event: Event) => {
    const length = textLength(event.target);
    if (length !== undefined && event.target) lengths.set(event.target, length);
  };
  const detach = [
    on(document, 'focusin', remember),
    on(document, 'beforeinput', remember),
    on<InputEvent>(document, 'input', (event) => {
      const target = event.target;
      const length = textLength(target);
      if (length === undefined || !target) return;
      const before = lengths.get(target);
      lengths.set(target, length);
      emit('input', event, {
        input_type: (event.inputType || 'other').slice(0, 40),
        delta: before === undefined ? 0 : length - before,
        field: fieldId(target),
      });
    }),
  ];
  return () => {
    for (const off of detach) off();
  };
};
