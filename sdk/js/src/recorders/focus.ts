import type { Recorder } from '../types';
import { fieldId, listen } from '../util';

/** Focus and blur of the window and of form fields. */
export const focus: Recorder = ({ emit }) => {
  const onWindow = (event: FocusEvent) => {
    if (event.target === window) emit(event.type as 'focus' | 'blur', event, { target: 'window' });
  };
  const onField = (event: FocusEvent) =>
    emit(event.type === 'focusin' ? 'focus' : 'blur', event, { target: fieldId(event.target) });
  const detach = [
    listen(window, 'focus', onWindow),
    listen(window, 'blur', onWindow),
    listen(document, 'focusin', onField),
    listen(document, 'focusout', onField),
  ];
  return () => {
    for (const off of detach) off();
  };
};
