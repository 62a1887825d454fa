/**
 * `cutover.sum` (issue 17.5): written by `cutover new` and `cutover sum`,
 * checked by `lint`, `plan` and `migrate` before any database is touched —
 * an edited file, a file older than the newest (two branches merged), a
 * deleted file, an unrecorded one each fail with the fix.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../src/index.js';
import { cli, migrationsDir } from './support/cli.js';
import { freshDatabase, testSchema } from './support/db.js';

const schema = testSchema();
/** Nothing listens here: a check that passes would end in CONNECTION, not in a SUM_ code. */
const nowhere = 'postgres://cutover@127.0.0.1:1/none';

const history = {
  '10_users.sql': 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n',
  '20_notes.sql': 'CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);\n',
};

async function summed(): Promise<string> {
  const dir = await migrationsDir(history);
  const written = await cli(['sum', '--dir', dir, '--json']);
  expect(written.code, written.stderr).toBe(0);
  expect(JSON.parse(written.stdout)).toMatchObject({ ok: true, files: 2 });
  return dir;
}

/** `lint` (offline) and `migrate` (against nowhere): the code each stops with. */
async function codes(dir: string): Promise<{ lint: string | undefined; migrate: string | undefined; plan: string | undefined }> {
  const code = async (args: string[]) => {
    const result = await cli([...args, '--dir', dir, '--json']);
    return result.code === 0 ? undefined : `${result.code} ${JSON.parse(result.stdout).error.code}`;
  };
  return { lint: await code(['lint']), migrate: await code(['migrate', '--url', nowhere]), plan: await code(['plan', '--url', nowhere]) };
}

describe('cutover.sum', () => {
  it('lists each file under a total; no sum file, no check (optional for existing repositories)', async () => {
    const dir = await summed();
    const lines = (await readFile(join(dir, 'cutover.sum'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^total [0-9a-f]{64}$/);
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['10_users.sql', '20_notes.sql']);
    expect((await codes(dir)).lint).toBeUndefined();
    // A lint-ignore line is not an edit here either.
    await writeFile(join(dir, '20_notes.sql'), `-- cutover:lint-ignore prefer-text kept as it is\n${history['20_notes.sql']}`);
    expect((await codes(dir)).lint).toBeUndefined();

    const plain = await migrationsDir({ ...history, '15_late.sql': 'SELECT 1;\n' });
    expect((await cli(['lint', '--dir', plain])).code).toBe(0);
  });

  it('an edited file, a file older than the newest, a deleted file, an unrecorded one: each fails in lint, plan and migrate before connecting', async () => {
    const edited = await summed();
    await writeFile(join(edited, '10_users.sql'), history['10_users.sql'].replace('email text', 'email varchar(80)'));
    expect(await codes(edited)).toEqual({ lint: '2 SUM_EDITED', migrate: '2 SUM_EDITED', plan: '2 SUM_EDITED' });
    const message = JSON.parse((await cli(['lint', '--dir', edited, '--json'])).stdout).error;
    expect(message).toMatchObject({ file: '10_users.sql', hint: expect.stringContaining('git checkout -- 10_users.sql') });

    const merged = await summed();
    await writeFile(join(merged, '15_from_other_branch.sql'), 'CREATE TABLE tags (id int);\n');
    expect(await codes(merged)).toEqual({ lint: '2 SUM_OLDER_THAN_NEWEST', migrate: '2 SUM_OLDER_THAN_NEWEST', plan: '2 SUM_OLDER_THAN_NEWEST' });

    const deleted = await summed();
    await rm(join(deleted, '10_users.sql'));
    expect(await codes(deleted)).toEqual({ lint: '2 SUM_DELETED', migrate: '2 SUM_DELETED', plan: '2 SUM_DELETED' });

    const handmade = await summed();
    await writeFile(join(handmade, '30_tags.sql'), 'CREATE TABLE tags (id int);\n');
    expect(await codes(handmade)).toEqual({ lint: '2 SUM_UNRECORDED', migrate: '2 SUM_UNRECORDED', plan: '2 SUM_UNRECORDED' });
    // `cutover sum` records it: the checks pass, and the run goes on to (fail to) connect.
    expect((await cli(['sum', '--dir', handmade])).code).toBe(0);
    expect((await codes(handmade)).lint).toBeUndefined();
    expect((await codes(handmade)).migrate).toBe('1 CONNECTION');

    // The library's migrate checks the same way.
    await expect(migrate({ url: nowhere, dir: merged })).rejects.toMatchObject({ code: 'SUM_OLDER_THAN_NEWEST' });

    // Two branches merged with conflict markers left in: corrupt.
    const conflicted = await summed();
    const text = await readFile(join(conflicted, 'cutover.sum'), 'utf8');
    await writeFile(join(conflicted, 'cutover.sum'), `<<<<<<< HEAD\n${text}=======\n${text}>>>>>>> other\n`);
    expect((await codes(conflicted)).lint).toBe('2 SUM_CORRUPT');
  });

  it('cutover new reserves its file (created on first use): migrate takes it as it is written, lint asks for it to be recorded', async () => {
    const db = await freshDatabase();
    onTestFinished(db.drop);
    const dir = await migrationsDir(history);
    const made = await cli(['new', 'add_tags', '--dir', dir, '--json']);
    expect(made.code, made.stderr).toBe(0);
    const [file] = JSON.parse(made.stdout).files as string[];
    const sum = (await readFile(join(dir, 'cutover.sum'), 'utf8')).trim().split('\n');
    expect(sum.slice(1).map((l) => l.replace(/ [0-9a-f]{64}$/, ' <hash>'))).toEqual(['10_users.sql <hash>', '20_notes.sql <hash>', `${file!.split('/').pop()} -`]);

    await writeFile(file!, `${await readFile(file!, 'utf8')}CREATE TABLE tags (id int PRIMARY KEY);\n`);
    const run = await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
    expect(run.code, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout).applied).toHaveLength(3);
    expect((await codes(dir)).lint).toBe('2 SUM_UNRECORDED');
    expect((await cli(['sum', '--dir', dir])).code).toBe(0);
    expect((await codes(dir)).lint).toBeUndefined();
    // The next `new` keeps what is recorded: an edit made meanwhile is still caught.
    await writeFile(join(dir, '10_users.sql'), 'CREATE TABLE users (id int);\n');
    expect((await cli(['new', 'more', '--dir', dir])).code).toBe(0);
    expect((await codes(dir)).lint).toBe('2 SUM_EDITED');
  });
});
