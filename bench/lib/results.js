// bench/RESULTS.md is shared by several drivers: each writes its own section
// between `<!-- name:start -->` and `<!-- name:end -->`, replaced in place when
// rerun, appended when new, leaving the other sections alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Put `block` (which starts and ends with the markers of `name`) into `file`.
 * @param {string} file
 * @param {string} name
 * @param {string} block
 */
export function writeSection(file, name, block) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# cutover benchmark results\n';
  const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
  writeFileSync(file, re.test(old) ? old.replace(re, () => block) : `${old.trimEnd()}\n\n${block}\n`);
}
