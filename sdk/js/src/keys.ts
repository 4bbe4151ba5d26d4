/**
 * Key classes and key positions. The collector never sends which character was typed: a key is
 * sent as its class, and as a position code that, for every key that types a character, only
 * says which hand types it on a standard keyboard. That keeps what timing detectors need (hand
 * alternation, modifier use, corrections) while typed answers cannot be rebuilt.
 */

export type KeyClass =
  | 'letter'
  | 'digit'
  | 'space'
  | 'backspace'
  | 'enter'
  | 'modifier'
  | 'navigation'
  | 'other';

export function keyClass(key: string): KeyClass {
  if (key === ' ' || key === 'Spacebar') return 'space';
  if (key === 'Backspace') return 'backspace';
  if (key === 'Enter') return 'enter';
  if (/^(Shift|Control|Alt|AltGraph|Meta|CapsLock|OS|Fn|Hyper|Super)$/.test(key)) return 'modifier';
  if (/^(Arrow|Page|Home$|End$|Tab$)/.test(key)) return 'navigation';
  if ([...key].length === 1) {
    if (/\d/.test(key)) return 'digit';
    if (/\p{L}/u.test(key)) return 'letter';
  }
  return 'other';
}

/**
 * The fixed position table (append only; the index is the wire value):
 * 0 a character key of the left hand, 1 of the right hand, 2 any numpad key, 3 a function key
 * (F1–F24), then the named keys below from 4 on. −1: unknown.
 */
export const NAMED_KEYS = [
  'Space',
  'Enter',
  'Backspace',
  'Tab',
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ControlRight',
  'AltLeft',
  'AltRight',
  'MetaLeft',
  'MetaRight',
  'CapsLock',
  'Escape',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Delete',
  'Insert',
  'ContextMenu',
];

const LEFT = /^(Key[QWERTASDFGZXCVB]|Digit[1-5]|Backquote|IntlBackslash)$/;
const RIGHT =
  /^(Key[YUIOPHJKLNM]|Digit[06-9]|Minus|Equal|BracketLeft|BracketRight|Backslash|Semicolon|Quote|Comma|Period|Slash|IntlRo|IntlYen)$/;

export function keyPosition(code: string): number {
  const named = NAMED_KEYS.indexOf(code);
  if (named >= 0) return named + 4;
  if (LEFT.test(code)) return 0;
  if (RIGHT.test(code)) return 1;
  if (code.startsWith('Numpad')) return 2;
  if (/^F\d+$/.test(code)) return 3;
  return -1;
}
