// A virtual X display for browsers that open real windows. Xvfb picks a free display number
// itself (-displayfd) and prints it once it accepts clients, so the wait is on readiness.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HANG_CEILING_MS } from '../test/patience.mjs';

const XVFB = '/usr/bin/Xvfb';

/** `{display, stop}`, or `{missing}` when Xvfb is not installed. */
export async function startDisplay({ width = 1920, height = 1080 } = {}) {
  if (!existsSync(XVFB)) return { missing: `${XVFB} is not installed (apt-get install xvfb)` };
  const child = spawn(
    XVFB,
    ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-nocursor'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk) => {
    log = (log + chunk).slice(-4000);
  });
  const stop = () => {
    process.removeListener('exit', stop);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  // Ended by a signal, Node skips 'exit' unless the signal is handled: end through exit().
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  try {
    const number = await new Promise((resolve, reject) => {
      let out = '';
      child.stdio[3].on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${log}`)));
      child.on('error', reject);
      // Only against a hang: Xvfb neither printed its display nor exited.
      const hung = () =>
        reject(new Error(`Xvfb hung: no display in ${HANG_CEILING_MS / 60000} minutes: ${log}`));
      setTimeout(hung, HANG_CEILING_MS).unref();
    });
    return { display: `:${number}`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
