// Preloaded into a CLI process (NODE_OPTIONS=--require): appends the arguments of every
// child_process.spawn to the file named by SPAWN_LOG, one JSON line each.
'use strict';
const childProcess = require('node:child_process');
const { appendFileSync } = require('node:fs');
const spawn = childProcess.spawn;
childProcess.spawn = function (file, args, ...rest) {
  appendFileSync(process.env.SPAWN_LOG, `${JSON.stringify([file, ...(Array.isArray(args) ? args.slice(0, 1) : [])])}\n`);
  return spawn.call(this, file, args, ...rest);
};
