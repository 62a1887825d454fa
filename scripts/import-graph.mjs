#!/usr/bin/env node
/**
 * The import graph of src/: files, arrows, cycles (strongly connected components of
 * more than one file), arrows pointing up (a concept importing a front door: src/api.ts,
 * src/index.ts, src/cli/, src/library/), and deep cross-folder imports (not through the folder's index.ts).
 * Static and dynamic imports both count. Usage: node scripts/import-graph.mjs [--list] [--runtime]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv.find((a) => a.startsWith('--root='))?.slice(7) ?? 'src');
const list = process.argv.includes('--list');
// --runtime: leave out `import type` / `export type` (erased at build: no cycle at run time).
const runtime = process.argv.includes('--runtime');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(full);
  }
})(root);
const rel = (f) => relative(root, f);
const edges = new Map(files.map((f) => [rel(f), new Set()]));
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const specs = [
    // import … from / export … from (type-only ones marked), a side-effect import, a dynamic import()
    ...[...text.matchAll(/(?:^|\n)[ \t]*(?:import|export)\s+(type\s)?[^;]*?\bfrom\s+['"](\.[^'"]+)['"]/g)].map((m) => [m[2], Boolean(m[1])]),
    ...[...text.matchAll(/(?:^|\n)[ \t]*import\s+['"](\.[^'"]+)['"]/g)].map((m) => [m[1], false]),
    ...[...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => [m[1], false]),
  ];
  for (const [spec, typeOnly] of specs) {
    if (runtime && typeOnly) continue;
    const target = rel(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    if (edges.has(target)) edges.get(rel(file)).add(target);
  }
}
const folder = (f) => (f.includes('/') ? f.split('/')[0] : '.');
const front = (f) => f === 'api.ts' || f === 'index.ts' || f.startsWith('cli/') || f.startsWith('library/');
let arrows = 0, up = [], deep = 0, viaIndex = 0;
for (const [from, tos] of edges) {
  for (const to of tos) {
    arrows++;
    if (front(to) && !front(from)) up.push(`${from} -> ${to}`);
    if (folder(from) !== folder(to) && folder(to) !== '.') (to.endsWith('/index.ts') && to.split('/').length === 2 ? viaIndex++ : deep++);
  }
}
// Tarjan's strongly connected components.
const fileEdges = new Map(edges);
let index = 0; const idx = new Map(), low = new Map(), stack = [], on = new Set(), sccs = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = []; let w;
    do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
    if (c.length > 1) sccs.push(c);
  }
}
for (const v of edges.keys()) if (!idx.has(v)) visit(v);
const fileSccs = sccs.splice(0);
// The same at folder level (src/api.ts and src/index.ts count as folder "api").
const top = (f) => (f.includes('/') ? f.split('/')[0] : f.replace(/\.ts$/, ''));
const folderEdges = new Map();
for (const [from, tos] of edges) for (const to of tos) {
  if (!folderEdges.has(top(from))) folderEdges.set(top(from), new Set());
  if (!folderEdges.has(top(to))) folderEdges.set(top(to), new Set());
  if (top(from) !== top(to)) folderEdges.get(top(from)).add(top(to));
}
edges.clear(); for (const [k, v] of folderEdges) edges.set(k, v);
idx.clear(); low.clear(); index = 0;
for (const v of edges.keys()) if (!idx.has(v)) visit(v);
const folderSccs = sccs.splice(0);
const importersOfApi = [...fileEdges].filter(([f, tos]) => f !== 'index.ts' && tos.has('api.ts')).map(([f]) => f);
console.log(JSON.stringify({
  files: files.length, arrows, fileCycles: fileSccs.length, filesInCycles: fileSccs.reduce((n, c) => n + c.length, 0),
  folderCycles: folderSccs.length, foldersInCycles: folderSccs.reduce((n, c) => n + c.length, 0),
  arrowsPointingUp: up.length, importersOfApiTs: importersOfApi.length, deepCrossFolder: deep, crossFolderViaIndex: viaIndex,
  ...(list ? { fileCycleMembers: fileSccs, folderCycleMembers: folderSccs, up, importersOfApi } : {}),
}, null, 2));
