import { describe, expect, it } from 'vitest';
import { MAX_LANES, placeMarks } from './timelineLayout';

const measure = (text: string) => text.length * 6;

describe('placeMarks', () => {
  it('puts labels that would touch into separate lanes, and reuses a lane once clear', () => {
    const placed = placeMarks(
      [
        { key: 'a', text: 'Q1 shown', x: 10 },
        { key: 'b', text: 'Q1 submitted', x: 20 },
        { key: 'c', text: 'Q2 shown', x: 300 },
      ],
      800,
      measure,
    );
    const lane = Object.fromEntries(placed.map((p) => [p.key, p.lane]));
    expect(lane).toEqual({ a: 0, b: 1, c: 0 });
  });

  it('never lets two labels of one lane overlap, and keeps them inside the width', () => {
    const marks = Array.from({ length: 40 }, (_, i) => ({
      key: String(i),
      text: `Page ${i} submitted`,
      x: (i * 37) % 390,
    }));
    const placed = placeMarks(marks, 390, measure);
    expect(placed.length).toBeGreaterThan(4);
    expect(Math.max(...placed.map((p) => p.lane))).toBeLessThan(MAX_LANES);
    const spans = placed.map((p) => {
      const w = measure(p.text);
      const from = p.anchor === 'start' ? p.x : p.x - w;
      return { lane: p.lane, from, to: from + w };
    });
    for (const s of spans) {
      expect(s.from).toBeGreaterThanOrEqual(0);
      expect(s.to).toBeLessThanOrEqual(390);
    }
    for (const a of spans)
      for (const b of spans)
        if (a !== b && a.lane === b.lane) expect(a.to <= b.from || b.to <= a.from).toBe(true);
  });

  it('turns a label near the right edge to the left of its line', () => {
    const [p] = placeMarks([{ key: 'z', text: 'Q9 submitted', x: 380 }], 390, measure);
    expect(p.anchor).toBe('end');
    expect(p.x).toBe(378);
  });
});
