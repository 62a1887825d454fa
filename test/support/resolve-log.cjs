// Preloaded into a process (NODE_OPTIONS=--require): appends to the file named by RESOLVE_LOG
// every libpg-query module this process loads, required or imported, and every parser child it
// starts (a child loads it), one line each. An empty log means the parser was never loaded.
'use strict';
const Module = require('node:module');
const childProcess = require('node:child_process');
const { appendFileSync } = require('node:fs');
const log = process.env.RESOLVE_LOG;
const isParser = (path) => /[\\/]libpg-query[\\/]/.test(path);
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  const path = Module._resolveFilename(request, parent, ...rest.slice(0, 1));
  if (isParser(path)) appendFileSync(log, `require ${path}\n`);
  return load.call(this, request, parent, ...rest);
};
const spawn = childProcess.spawn;
childProcess.spawn = function (file, args, ...rest) {
  if (Array.isArray(args) && args.some((a) => isParser(String(a)))) appendFileSync(log, `child ${args.join(' ').slice(0, 40)}\n`);
  return spawn.call(this, file, args, ...rest);
};
// ES module imports: a load hook (it runs on the loader's thread, so it writes the file itself).
const hook = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (/[\\\\/]libpg-query[\\\\/]/.test(url)) appendFileSync(${JSON.stringify(log)}, 'import ' + url + '\\n');
  return next(url, context);
}`;
Module.register(`data:text/javascript,${encodeURIComponent(hook)}`);
