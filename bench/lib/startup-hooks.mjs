// ESM load hook for bench/lib/startup-probe.mjs: appends each loaded module's URL,
// size and load time (absolute ms) to the file named in `data.file`.
import { appendFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let file;
export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  let bytes = 0;
  if (result.source) bytes = result.source.length ?? result.source.byteLength ?? 0;
  else if (url.startsWith('file:')) {
    try { bytes = statSync(fileURLToPath(url)).size; } catch {}
  }
  appendFileSync(file, `${JSON.stringify({ url, bytes, format: result.format, stamp: performance.timeOrigin + performance.now() })}\n`);
  return result;
}
