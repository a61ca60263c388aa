// Bundles the agent's console (console/console.ts and SuperOffice's client it imports) into
// dist/console.js: one minified ES2020 script, no source map. esbuild's output depends only
// on its inputs and options, so running this twice gives the same bytes (CI rebuilds and
// compares with the committed file).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

await build({
  absWorkingDir: here,
  entryPoints: ['console/console.ts'],
  outfile: 'dist/console.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
