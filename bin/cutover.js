#!/usr/bin/env node
// Two-line bin: the CLI lives in src/cli/main.ts, bundled into dist/ on install (npm run build).
import { run } from '../dist/bundle/cli/bin.js';
process.exitCode = await run();
