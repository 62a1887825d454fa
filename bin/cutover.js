#!/usr/bin/env node
// Two-line bin: the CLI lives in src/cli/main.ts (compiled to dist/ on install).
import { run } from '../dist/cli/bin.js';
process.exitCode = await run();
