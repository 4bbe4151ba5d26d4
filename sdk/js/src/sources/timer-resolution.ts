import { fail } from './source';

const WANTED_STEPS = 8;
const SPINS_PER_SLICE = 20000;
const MAX_SLICES = 60;
// A hidden tab runs timers once a second: stop sampling then rather than for a minute.
const MAX_SAMPLE_MS = 1000;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The smallest non-zero step of `performance.now()`, in ms: about 0.1 in Chromium, 1 in Firefox
 * and WebKit, 16.67 or 100 where fingerprinting protection coarsens clocks. Timing features
 * finer than this measure the clock, not the person. Reads the clock in short busy slices
 * (a few ms each) with the page given back between them, so a coarse clock costs time, not
 * jank; every step seen, within a slice or across a pause, is a multiple of the resolution.
 */
export async function timerResolution(): Promise<number> {
  let smallest = Number.POSITIVE_INFINITY;
  let steps = 0;
  let last = performance.now();
  const begun = last;
  const note = (now: number) => {
    const step = now - last;
    if (step > 0) {
      smallest = Math.min(smallest, step);
      steps++;
    }
    last = now;
  };
  const more = (slice: number) =>
    slice < MAX_SLICES && steps < WANTED_STEPS && last - begun < MAX_SAMPLE_MS;
  for (let slice = 0; more(slice); slice++) {
    for (let spin = 0; spin < SPINS_PER_SLICE && steps < WANTED_STEPS; spin++) {
      const now = performance.now();
      if (now !== last) note(now);
    }
    await yieldToPage();
    note(performance.now());
  }
  // Four significant digits: 0.1 (not 0.09999999997), 16.67, and never 0 for a fine clock.
  return Number.isFinite(smallest) ? Number(smallest.toPrecision(4)) : fail('unsupported');
}
