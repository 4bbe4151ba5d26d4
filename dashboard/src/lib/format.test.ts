import { describe, expect, it } from 'vitest';
import { shortId } from './format';

describe('shortId', () => {
  it('shows the random tail of ids made a moment apart, which differs', () => {
    const a = '019ad1b2-3c4d-7e5f-8a6b-1c2d3e4f5a6b';
    const b = '019ad1b2-3c4d-7f00-9b1c-99aa88bb77cc';
    expect(shortId(a)).toBe('…3e4f5a6b');
    expect(shortId(b)).toBe('…88bb77cc');
    expect(a.slice(0, 8)).toBe(b.slice(0, 8));
  });
});
