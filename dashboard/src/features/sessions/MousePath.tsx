import { Pause, Play } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/ui';
import { bounds, during, type PageSpan, type PathPoint, speedColour, speeds } from './path';

const W = 640;
const H = 360;
const PAD = 12;

/** The pointer's path on a canvas: speed as colour, clicks as rings; replay draws it in time. */
export function MousePath({ path, clicks }: { path: PathPoint[]; clicks: PathPoint[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const start = path[0]?.t ?? 0;
  const end = Math.max(path.at(-1)?.t ?? 0, clicks.at(-1)?.t ?? 0);
  const [until, setUntil] = useState(end);
  const [playing, setPlaying] = useState(false);

  useEffect(() => setUntil(end), [end]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const box = bounds([...path, ...clicks]);
    const scale = Math.min(
      (W - 2 * PAD) / (box.maxX - box.minX),
      (H - 2 * PAD) / (box.maxY - box.minY),
    );
    const px = (p: PathPoint) =>
      [PAD + (p.x - box.minX) * scale, PAD + (p.y - box.minY) * scale] as const;
    ctx.clearRect(0, 0, W, H);
    ctx.lineWidth = 2;
    const v = speeds(path);
    for (let i = 1; i < path.length && path[i].t <= until; i++) {
      ctx.strokeStyle = speedColour(v[i - 1]);
      ctx.beginPath();
      ctx.moveTo(...px(path[i - 1]));
      ctx.lineTo(...px(path[i]));
      ctx.stroke();
    }
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#111827';
    for (const c of clicks) {
      if (c.t > until) continue;
      const [x, y] = px(c);
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }, [path, clicks, until]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: restarts only when play is pressed
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const began = performance.now();
    const from = until >= end ? start : until;
    const tick = (now: number) => {
      const t = from + (now - began);
      setUntil(Math.min(t, end));
      if (t < end) frame = requestAnimationFrame(tick);
      else setPlaying(false);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  if (path.length === 0 && clicks.length === 0) {
    return <p className="py-8 text-center text-sm text-slate-500">No pointer movement recorded.</p>;
  }
  return (
    <div className="space-y-2">
      <canvas
        ref={canvas}
        width={W}
        height={H}
        data-testid="mouse-path"
        data-points={path.length}
        aria-label={`Mouse path of ${path.length} points and ${clicks.length} clicks`}
        className="w-full max-w-[640px] rounded border border-slate-200 bg-slate-50"
      />
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <Button
          variant="ghost"
          onClick={() => setPlaying((p) => !p)}
          aria-label={playing ? 'Pause replay' : 'Replay'}
        >
          {playing ? <Pause size={14} /> : <Play size={14} />} {playing ? 'Pause' : 'Replay'}
        </Button>
        <input
          type="range"
          aria-label="Replay position"
          min={start}
          max={end}
          value={until}
          onChange={(e) => {
            setPlaying(false);
            setUntil(Number(e.target.value));
          }}
          className="min-w-0 flex-1"
        />
        <span className="w-12 text-right">{((until - start) / 1000).toFixed(1)} s</span>
        <span className="flex items-center gap-1">
          slow{' '}
          <span className="h-2 w-16 rounded bg-gradient-to-r from-blue-600 via-green-500 to-red-600" />{' '}
          fast
        </span>
      </div>
    </div>
  );
}

/** The mouse path of the whole session or of one page, chosen from the pages it went through. */
export function MousePathByPage({
  path,
  clicks,
  pages,
}: {
  path: PathPoint[];
  clicks: PathPoint[];
  pages: PageSpan[];
}) {
  const [chosen, setChosen] = useState(-1);
  const span = pages[chosen];
  return (
    <div className="space-y-2">
      {pages.length > 1 && (
        <label className="flex items-center gap-2 text-xs text-slate-600">
          Page
          <select
            aria-label="Page of the mouse path"
            className="min-w-0 rounded border border-slate-300 px-1 py-0.5"
            value={chosen}
            onChange={(e) => setChosen(Number(e.target.value))}
          >
            <option value={-1}>All pages</option>
            {pages.map((p, i) => (
              <option key={`${p.from}-${p.name}`} value={i}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <MousePath key={chosen} path={during(path, span)} clicks={during(clicks, span)} />
    </div>
  );
}
