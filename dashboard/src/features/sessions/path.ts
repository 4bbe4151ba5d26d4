// Pure helpers for drawing a mouse path: speeds, colours, the view box.
export interface PathPoint {
  t: number;
  x: number;
  y: number;
}

export function column(
  events: Record<string, Record<string, unknown[]>>,
  type: string,
  field: string,
): number[] {
  return (events[type]?.[field] ?? []) as number[];
}

export function points(
  events: Record<string, Record<string, unknown[]>>,
  type: string,
): PathPoint[] {
  const t = column(events, type, 't');
  const x = column(events, type, 'x');
  const y = column(events, type, 'y');
  return t
    .map((tt, i) => ({ t: tt, x: x[i], y: y[i] }))
    .filter((p) => p.x !== null && p.y !== null);
}

/** Speed of each segment in px/ms (segment i goes from point i to point i+1). */
export function speeds(path: PathPoint[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < path.length; i++) {
    const dt = Math.max(1, path[i].t - path[i - 1].t);
    out.push(Math.hypot(path[i].x - path[i - 1].x, path[i].y - path[i - 1].y) / dt);
  }
  return out;
}

/** Blue (slow) through green to red (fast); 3 px/ms and above is red. */
export function speedColour(speed: number): string {
  const f = Math.min(1, speed / 3);
  return `hsl(${Math.round(240 - 240 * f)}, 80%, 45%)`;
}

export function bounds(all: PathPoint[]) {
  if (all.length === 0) return { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of all) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, minY, maxX: Math.max(maxX, minX + 1), maxY: Math.max(maxY, minY + 1) };
}

/** Intervals between consecutive key presses (ms), binned for a histogram. */
export function keyIntervals(downTimes: number[], binMs = 40, maxMs = 1000) {
  const bins = new Array(Math.ceil(maxMs / binMs)).fill(0) as number[];
  for (let i = 1; i < downTimes.length; i++) {
    const gap = downTimes[i] - downTimes[i - 1];
    if (gap >= 0 && gap < maxMs) bins[Math.floor(gap / binMs)]++;
  }
  return { labels: bins.map((_, i) => `${i * binMs}`), bins };
}

export interface PageSpan {
  name: string;
  from: number;
  to: number;
}

/** The pages the respondent saw, each from its `shown` mark to the next page's; a page shown
 * twice (the back button) is numbered, so each visit is its own stretch of the path. */
export function pageSpans(pages: { t?: unknown; mark?: unknown; phase?: unknown }[]): PageSpan[] {
  const shown = pages
    .filter((p) => p.phase === 'shown' && typeof p.t === 'number')
    .sort((a, b) => (a.t as number) - (b.t as number));
  const seen = new Map<string, number>();
  return shown.map((p, i) => {
    const mark = String(p.mark ?? `page ${i + 1}`);
    const visit = (seen.get(mark) ?? 0) + 1;
    seen.set(mark, visit);
    return {
      name: visit > 1 ? `${mark} (visit ${visit})` : mark,
      from: p.t as number,
      to: (shown[i + 1]?.t as number | undefined) ?? Number.POSITIVE_INFINITY,
    };
  });
}

export function during(points: PathPoint[], span: PageSpan | undefined): PathPoint[] {
  return span ? points.filter((p) => p.t >= span.from && p.t < span.to) : points;
}
