// Bundles the agents' console (console/console.ts and SuperOffice's client it imports) into
// dist/console.js: one minified ES2020 script, no source map. esbuild's output depends only
// on its inputs and options, so running this twice gives the same bytes (CI rebuilds and
// compares with the committed file). The licences of the packages bundled in are appended
// as a comment, so the file served carries them.
import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

const options = {
  absWorkingDir: here,
  entryPoints: ['console/console.ts'],
  outfile: 'dist/console.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

// Which packages end up in the bundle.
const probe = await build({ ...options, write: false, metafile: true });
const packages = new Set();
for (const input of Object.keys(probe.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}

const notices = [...packages].sort().map((name) => {
  const dir = `${here}node_modules/${name}`;
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const file = readdirSync(dir)
    .sort()
    .find((entry) => /^licen[cs]e(\.md|\.txt)?$/i.test(entry));
  const text = file ? readFileSync(`${dir}/${file}`, 'utf8').replace(/\r\n/g, '\n').trim() : '';
  return `${name} ${manifest.version} (${manifest.license})\n\n${text}`.replaceAll('*/', '* /');
});

await build({
  ...options,
  banner: {
    js: `/* chat-pickup: the agents' console, built from web/console/console.ts with ${[...packages]
      .sort()
      .join(', ')}; their licences are at the end of this file. */`,
  },
  footer: { js: `/*\n${notices.join('\n\n----------------------------------------\n\n')}\n*/` },
});
