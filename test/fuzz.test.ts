/**
 * Fuzzing (issue 16): migration files and their directives, mutated from a
 * seeded generator, through `lint` and `plan` — in-process, and a few runs
 * of the real CLI. Whatever the input: an exit code of 0, 1, 2 or 3, never a
 * stack trace or an INTERNAL error, never a hang. A failure prints its seed
 * and case number: `FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts`
 * replays it. Bounded to a few seconds of work so it runs in every `npm test`.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHereWithLiftoff } from '../src/sql/parse-host.js';
import { cli, spawnCli, type CliResult } from './support/cli.js';
import { freshDatabase, testSchema } from './support/db.js';
import { seeded, type Random } from './support/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? 16);
const CASES = { lint: 150, plan: 60, spawned: 2 };
/** A run that has not answered by then is a hang (a test failure, not a time assertion: nothing waits for it). */
const HANG_MS = 45_000;

const FILES = [
  '-- cutover:phase post\nALTER TABLE notes DROP COLUMN body;\n',
  '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS notes_at ON notes (at);\n',
  "-- cutover:lock-timeout 2s\n-- cutover:statement-timeout 1min\nCREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text, at timestamptz DEFAULT now());\nINSERT INTO notes (body) VALUES ('a;b'), ($$c$$);\n",
  '-- cutover:lint-ignore ban-drop-column dropped after the backfill\nALTER TABLE notes ADD COLUMN tag text;\nUPDATE notes SET tag = \'x\';\n',
  "CREATE TYPE mood AS ENUM ('a');\nALTER TYPE mood ADD VALUE 'b';\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n",
  'BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n',
];
const DIRECTIVES = ['phase', 'no-transaction', 'lock-timeout', 'statement-timeout', 'lint-ignore', 'phse', 'lock_timeout', ''];
const VALUES = ['post', 'pre', 'sideways', '10s', '0', '-1s', '99999999d', '5 min', '1e9ms', 'ban-drop-column', 'ban-drop-column,nope reason', '', ' ', '\u0000', '💥'];
const NAMES = ['1_a.sql', '2_b.sql', '3_c.up.sql', '3_c.down.sql', '0004_d.sql', '5_e.sql', '06_f.sql', '7 g.sql', 'x.sql', '8_h.SQL', '9_i.sql.bak', '99999999999999999999_j.sql', '10_k.down.sql', '.11_l.sql', '12_é.sql'];
const NOISE = ['\u0000', '\u0001', '\u007f', '\u0085', '\uFEFF', '\r\n', '\r', ';', "'", '"', '$$', '$x$', '/*', '*/', '--', '\\', '(', ')', 'é', '😀', '\uD800', ' '];

/** One mutation of a text. */
function mutate(random: Random, text: string): string {
  const at = random.int(text.length + 1);
  switch (random.int(8)) {
    case 0: return text.slice(0, at) + random.string(NOISE, 4) + text.slice(at); // insert noise
    case 1: return text.slice(0, at) + text.slice(at + 1 + random.int(20)); // delete a range
    case 2: return text.slice(0, at) + text.slice(random.int(text.length), at + random.int(40)) + text.slice(at); // duplicate a range
    case 3: return `-- cutover:${random.pick(DIRECTIVES)} ${random.pick(VALUES)}\n${text}`; // a directive, maybe wrong
    case 4: return text.slice(0, at); // truncate
    case 5: return `${text}\n-- cutover:${random.pick(DIRECTIVES)} ${random.pick(VALUES)}\n`; // a directive after the SQL
    case 6: return text.toUpperCase();
    default: return text.replace(/\n/g, random.pick(['\r\n', '\n\n', ' ', '\n-- c\n']));
  }
}

/** A directory of 1-5 mutated files (text or raw bytes, sometimes not UTF-8, sometimes a dangling link). */
async function fuzzedDir(random: Random): Promise<{ dir: string; files: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-fuzz-'));
  const files: Record<string, string> = {};
  for (let n = 1 + random.int(5); n > 0; n--) {
    let text = random.pick(FILES);
    for (let m = random.int(4); m > 0; m--) text = mutate(random, text);
    const name = random.pick(NAMES);
    files[name] = text;
    const bytes = random.int(12) === 0 ? Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28, 0xff])]) : text;
    await writeFile(join(dir, name), bytes);
  }
  if (random.int(15) === 0) await symlink('nowhere.sql', join(dir, `${20 + random.int(5)}_link.sql`)).catch(() => {});
  return { dir, files };
}

/** Run with a hang guard; the verdict on what came out. */
async function guarded(run: Promise<CliResult>, what: string): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer after ${HANG_MS} ms (a hang)`)), HANG_MS); });
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

function expectWellBehaved(result: CliResult, what: string, files: Record<string, string>): void {
  const context = `${what}\nfiles: ${JSON.stringify(files).slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`;
  expect([0, 1, 2, 3], context).toContain(result.code);
  expect(result.stderr, context).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // a stack trace
  expect(result.stdout + result.stderr, context).not.toContain('INTERNAL');
  if (result.code === 1 || result.code === 2) expect(result.stdout + result.stderr, context).toMatch(/error/); // said why
}

describe(`fuzzed migration files (seed ${SEED})`, () => {
  const url = { value: '' };
  beforeAll(async () => {
    // As in the real CLI (src/cli/bin.ts): the parser runs in this process, not in a child per run.
    parseHereWithLiftoff();
    // One database for every plan case: plan reads, never writes.
    const db = await freshDatabase();
    url.value = db.url;
    return db.drop;
  });

  it(`lint: ${CASES.lint} cases in-process`, async () => {
    const random = seeded(SEED);
    for (let i = 0; i < CASES.lint; i++) {
      const { dir, files } = await fuzzedDir(random);
      const result = await guarded(cli(['lint', '--dir', dir, '--json']), `seed ${SEED} lint case ${i}`);
      expectWellBehaved(result, `seed ${SEED} lint case ${i}`, files);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`plan: ${CASES.plan} cases in-process, against a real database`, async () => {
    const random = seeded(SEED + 1);
    for (let i = 0; i < CASES.plan; i++) {
      const { dir, files } = await fuzzedDir(random);
      const result = await guarded(cli(['plan', '--url', url.value, '--schema', testSchema(), '--dir', dir, '--verbose']), `seed ${SEED} plan case ${i}`);
      expectWellBehaved(result, `seed ${SEED} plan case ${i}`, files);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`the real CLI: ${CASES.spawned} cases each of lint and plan`, async () => {
    const random = seeded(SEED + 2);
    for (let i = 0; i < CASES.spawned; i++) {
      const { dir, files } = await fuzzedDir(random);
      for (const args of [['lint', '--dir', dir], ['plan', '--url', url.value, '--schema', testSchema(), '--dir', dir]]) {
        const { child, done } = spawnCli(args);
        try {
          expectWellBehaved(await guarded(done, `seed ${SEED} spawned ${args[0]} case ${i}`), `seed ${SEED} spawned ${args[0]} case ${i}`, files);
        } finally {
          child.kill('SIGKILL');
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
