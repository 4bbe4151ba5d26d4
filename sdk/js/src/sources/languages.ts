import { fail } from './source';

export const languages = (): string[] =>
  navigator.languages ? Array.from(navigator.languages) : fail('unsupported');
