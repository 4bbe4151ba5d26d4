import type { Recorder } from '../types';
import { fieldId } from '../util';

function selectionLength(target: EventTarget | null): number {
  const field = target as HTMLInputElement | null;
  if (field && typeof field.selectionStart === 'number' && typeof field.selectionEnd === 'number') {
    return Math.max(0, field.selectionEnd - field.selectionStart);
  }
  const selection = typeof getSelection === 'function' ? getSelection() : null;
  return selection ? selection.toString().length : 0;
}

/** Paste and copy: how many characters, never which. */
export const clipboard: Recorder = ({ emit, on }) => {
  const detach = [
    on<ClipboardEvent>(document, 'paste', (event) =>
      emit('paste', event, {
        length: event.clipboardData ? event.clipboardData.getData('text/plain').length : 0,
        field: fieldId(event.target),
      }),
    ),
    on<ClipboardEvent>(document, 'copy', (event) =>
      emit('copy', event, { length: selectionLength(event.target), field: fieldId(event.target) }),
    ),
  ];
  return () => {
    for (const off of detach) off();
  };
};
