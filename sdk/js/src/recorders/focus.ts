import type { Recorder } from '../types';
import { fieldId } from '../util';

/** Focus and blur of the window and of form fields. */
export const focus: Recorder = ({ emit, on }) => {
  const onWindow = (event: FocusEvent) => {
    if (event.target === window) emit(event.type as 'focus' | 'blur', event, { target: 'window' });
  };
  const onField = (event: FocusEvent) =>
    emit(event.type === 'focusin' ? 'focus' : 'blur', event, { target: fieldId(event.target) });
  const detach = [
    on(window, 'focus', onWindow),
    on(window, 'blur', onWindow),
    on(document, 'focusin', onField),
    on(document, 'focusout', onField),
  ];
  return () => {
    for (const off of detach) off();
  };
};
