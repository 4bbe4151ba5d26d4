import { describe, expect, it } from 'vitest';
import { bounds, during, keyIntervals, pageSpans, points, speedColour, speeds } from './path';

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

  it('splits the path by page, a page shown twice being two visits', () => {
    const spans = pageSpans([
      { t: 100, mark: 'Q1', phase: 'shown' },
      { t: 900, mark: 'Q1', phase: 'submitted' },
      { t: 1000, mark: 'Q2', phase: 'shown' },
      { t: 2000, mark: 'Q1', phase: 'shown' },
    ]);
    expect(spans.map((s) => [s.name, s.from, s.to])).toEqual([
      ['Q1', 100, 1000],
      ['Q2', 1000, 2000],
      ['Q1 (visit 2)', 2000, Number.POSITIVE_INFINITY],
    ]);
    const path = [50, 500, 1000, 1500, 2500].map((t) => ({ t, x: t, y: 0 }));
    expect(during(path, spans[1]).map((p) => p.t)).toEqual([1000, 1500]);
    expect(during(path, undefined)).toHaveLength(5);
  });
});
