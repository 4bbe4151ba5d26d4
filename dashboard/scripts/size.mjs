// Measures the JavaScript a first visit loads, gzipped, from Vite's build manifest: the entry
// with its static imports, plus the page's own lazily loaded chunk and its imports. Every page
// is measured as a landing page; the heaviest must stay within the budget.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 300 * 1024;
const dist = resolve(import.meta.dirname, '../dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = new Map();
const size = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file))).length);
  return gz.get(file);
};

/** The chunk and everything it imports statically. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const child of manifest[key].imports ?? []) closure(child, seen);
  return seen;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
const total = (keys) => [...keys].reduce((sum, k) => sum + size(manifest[k].file), 0);
console.log(`${kb(total(entry))}  entry (${manifest[entryKey].file} and its imports)`);

let worst = total(entry);
for (const page of manifest[entryKey].dynamicImports ?? []) {
  const keys = closure(page, new Set(entry));
  const bytes = total(keys);
  worst = Math.max(worst, bytes);
  console.log(`${kb(bytes)}  first visit landing on ${page.split('/').pop()}`);
}
console.log(`${kb(worst)}  heaviest first load, gzipped (budget ${BUDGET / 1024} KB)`);
if (worst > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
