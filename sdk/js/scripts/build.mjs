// Builds dist/: ESM and CJS modules, the minified script-tag build (window.botsieve) and type
// declarations; then copies the script-tag build to the demo survey's static folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, 'dist');
const demoStatic = resolve(root, '../../src/botsieve/demo/static');
const common = {
  entryPoints: [resolve(root, 'src/index.ts')],
  bundle: true,
  target: 'es2018',
  logLevel: 'warning',
};

rmSync(dist, { recursive: true, force: true });
await build({ ...common, format: 'esm', outfile: resolve(dist, 'index.js') });
await build({ ...common, format: 'cjs', outfile: resolve(dist, 'index.cjs') });
await build({
  ...common,
  format: 'iife',
  globalName: 'botsieve',
  minify: true,
  outfile: resolve(dist, 'botsieve.min.js'),
});
execFileSync(resolve(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
mkdirSync(demoStatic, { recursive: true });
copyFileSync(resolve(dist, 'botsieve.min.js'), resolve(demoStatic, 'botsieve.min.js'));
console.log('built dist/ and copied botsieve.min.js to src/botsieve/demo/static/');
