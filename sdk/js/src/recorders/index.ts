/** Every behaviour recorder, attached in this order by `start`. */
import type { Recorder } from '../types';
import { clipboard } from './clipboard';
import { focus } from './focus';
import { input } from './input';
import { keyboard } from './keyboard';
import { pointer } from './pointer';
import { resize } from './resize';
import { scroll } from './scroll';
import { touch } from './touch';
import { visibility } from './visibility';

export const recorders: Record<string, Recorder> = {
  pointer,
  scroll,
  keyboard,
  input,
  clipboard,
  focus,
  visibility,
  resize,
  touch,
};
