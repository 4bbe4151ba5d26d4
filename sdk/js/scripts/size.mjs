// Fails when the script-tag build is larger than its budget, measured minified and gzipped.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 8 * 1024;
const file = new URL('../dist/botsieve.min.js', import.meta.url);
const code = readFileSync(file);
const gzipped = gzipSync(code, { level: 9 }).length;
const line = `dist/botsieve.min.js: ${code.length} B minified, ${gzipped} B min+gzip (budget ${BUDGET} B)`;
if (gzipped > BUDGET) {
  console.error(`${line}: OVER BUDGET`);
  process.exit(1);
}
console.log(line);
