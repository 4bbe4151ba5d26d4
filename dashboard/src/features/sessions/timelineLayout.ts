// Where the timeline's labels go, so that none overlaps another or the plot.

export const TYPE_FONT = 11;
export const MARK_FONT = 10;
export const LANE_HEIGHT = 13;
export const MAX_LANES = 4;
const GAP = 4;

export type Measure = (text: string, fontSize: number) => number;

/** Text width from a canvas when there is one; else a generous average glyph width. */
export function textMeasure(fontFamily: string): Measure {
  const ctx =
    typeof document !== 'undefined'
      ? (() => {
          try {
            return document.createElement('canvas').getContext('2d');
          } catch {
            return null;
          }
        })()
      : null;
  return (text, fontSize) => {
    if (ctx) {
      ctx.font = `${fontSize}px ${fontFamily}`;
      return ctx.measureText(text).width;
    }
    return text.length * fontSize * 0.62;
  };
}

export interface MarkLabel {
  key: string;
  text: string;
  x: number;
  anchor: 'start' | 'end';
  lane: number;
}

/**
 * Page-mark labels in lanes below the plot: each goes into the first lane where it clears the
 * label before it; beside its line, or to the left of it near the right edge. A label that
 * fits no lane is left out (its line stays, with the name as a tooltip).
 */
export function placeMarks(
  marks: { key: string; text: string; x: number }[],
  width: number,
  measure: Measure,
): MarkLabel[] {
  const laneEnds: number[] = [];
  const placed: MarkLabel[] = [];
  for (const mark of [...marks].sort((a, b) => a.x - b.x)) {
    const w = measure(mark.text, MARK_FONT);
    const right = mark.x + 2 + w <= width;
    const from = right ? mark.x + 2 : Math.max(0, mark.x - 2 - w);
    const to = from + w;
    let lane = laneEnds.findIndex((end) => from >= end + GAP);
    if (lane === -1 && laneEnds.length < MAX_LANES) lane = laneEnds.length;
    if (lane === -1) continue;
    laneEnds[lane] = to;
    placed.push({
      key: mark.key,
      text: mark.text,
      x: right ? mark.x + 2 : mark.x - 2,
      anchor: right ? 'start' : 'end',
      lane,
    });
  }
  return placed;
}

export const shorten = (text: string, max = 24) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
