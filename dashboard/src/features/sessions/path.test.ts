import { describe, expect, it } from 'vitest';
import { bounds, keyIntervals, points, speedColour, speeds } from './path';

describe('mouse path helpers', () => {
  it('pairs the columns into points and measures speed per segment', () => {
    const path = points(
      { mousemove: { t: [0, 10, 20], x: [0, 30, 30], y: [0, 40, 40] } },
      'mousemove',
    );
    expect(path).toHaveLength(3);
    expect(speeds(path)).toEqual([5, 0]);
    expect(bounds(path)).toEqual({ minX: 0, minY: 0, maxX: 30, maxY: 40 });
  });

  it('colours slow blue and fast red', () => {
    expect(speedColour(0)).toBe('hsl(240, 80%, 45%)');
    expect(speedColour(10)).toBe('hsl(0, 80%, 45%)');
  });

  it('bins the gaps between key presses', () => {
    const { bins } = keyIntervals([0, 100, 150, 2000], 50, 1000);
    expect(bins[2]).toBe(1); // 100 ms
    expect(bins[1]).toBe(1); // 50 ms
    expect(bins.reduce((a, b) => a + b, 0)).toBe(2); // the 1850 ms gap is off the scale
  });
});
