/**
 * `cutover notes <from>..<to>`: release notes for the schema between two git
 * refs (or two directories), from src/deploy/notes.ts. The migrations
 * directory at each ref is read out of git into a temporary directory and
 * read as any directory is (its layout, its checksums).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import { readMigrations } from '../../target/index.js';
import { CutoverError, EXIT } from '../../errors.js';
import { lintScripts } from '../../lint/index.js';
import type { Migration } from '../../migrations/types.js';
import { notesError, releaseNotes, renderNotesMarkdown } from '../../deploy/notes.js';
import type { Context } from '../context.js';
import type { Runner } from '../program.js';

function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 256 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** A side of the range: where its migrations are, and what to remove after. */
interface Side {
  label: string;
  dir: string;
  commit?: string;
  cleanup(): Promise<void>;
}

async function gitSide(context: Context, root: string, ref: string): Promise<Side> {
  const resolved = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (resolved.code !== 0) {
    throw new CutoverError('NOTES_UNKNOWN_REF', `"${ref}" is not a commit, branch or tag of the git repository at ${root}`, {
      hint: 'Name existing refs (git tag, git branch -a, a commit hash); fetch tags first in CI (git fetch --tags).', details: { ref },
    });
  }
  const commit = resolved.stdout.trim();
  const dir = await mkdtemp(join(tmpdir(), 'cutover-notes-'));
  const path = relative(root, context.dir) || '.';
  const listed = await run('git', ['ls-tree', '--name-only', commit, '--', path], root);
  if (listed.stdout.trim()) {
    // git archive | tar: the directory's files as they were in that commit, bytes untouched.
    const extracted = await run('sh', ['-c', `git archive --format=tar "$0" -- "$1" | tar -x -C "$2"`, commit, path, dir], root);
    if (extracted.code !== 0) throw new CutoverError('NOTES_UNKNOWN_REF', `cannot read ${path} at ${ref}: ${extracted.stderr.trim()}`, { hint: 'Is git (and tar) installed, and the repository readable?', details: { ref } });
  }
  return { label: ref, dir: join(dir, path), commit, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function sides(context: Context, range: string): Promise<[Side, Side]> {
  const parts = range.split('..');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new CutoverError('USAGE', `"${range}" is not a range: write <from>..<to>`, { hint: 'For example: cutover notes v1.4.0..v1.5.0, cutover notes v1.4.0..HEAD, or two directories: cutover notes old/migrations..migrations' });
  }
  const [from, to] = parts as [string, string];
  const path = (p: string) => (isAbsolute(p) ? p : join(context.io.cwd, p));
  if ((await isDirectory(path(from))) && (await isDirectory(path(to)))) {
    const none = async () => {};
    return [{ label: from, dir: path(from), cleanup: none }, { label: to, dir: path(to), cleanup: none }];
  }
  const top = await run('git', ['rev-parse', '--show-toplevel'], context.dir);
  if (top.code !== 0) {
    throw new CutoverError('NOTES_UNKNOWN_REF', `${context.dir} is not inside a git repository, and ${from} and ${to} are not both directories`, {
      hint: 'Run it in the repository (or point --dir into it), or give two directories: cutover notes old/migrations..migrations', details: { ref: from },
    });
  }
  const root = top.stdout.trim();
  const a = await gitSide(context, root, from);
  const b = await gitSide(context, root, to).catch(async (error: unknown) => {
    await a.cleanup();
    throw error;
  });
  const forward = await run('git', ['merge-base', '--is-ancestor', a.commit!, b.commit!], root);
  if (forward.code !== 0 && (await run('git', ['merge-base', '--is-ancestor', b.commit!, a.commit!], root)).code === 0) {
    await Promise.all([a.cleanup(), b.cleanup()]);
    throw new CutoverError('NOTES_REVERSED_RANGE', `${from}..${to} runs backwards: ${to} is older than ${from}`, {
      hint: `Put the older ref first: cutover notes ${to}..${from}`, details: { from, to },
    });
  }
  return [a, b];
}

async function read(context: Context, side: Side): Promise<Migration[]> {
  if (!(await isDirectory(side.dir))) return []; // the directory did not exist yet at that ref
  return readMigrations({ ...context.source, dir: side.dir, onDetect: () => {} });
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('notes')
    .description('release notes for the schema between two git refs or directories: migrations added, phases, locks, a Markdown "Migration required" section')
    .argument('<range>', '<from>..<to>: two git refs (tags, branches, commits) or two directories')
    .action(runner.action<Record<string, never>>(async (context, _flags, args) => {
      const [a, b] = await sides(context, args[0]!);
      try {
        const [before, after] = await Promise.all([read(context, a), read(context, b)]);
        const fresh = after.filter((m) => !before.some((o) => o.version === m.version));
        const lint = await lintScripts(fresh, context.settings.pgVersion ? { pgVersion: context.settings.pgVersion } : {});
        // Named as in the working tree (db/migrations/2_x.sql), not the temporary copy.
        const fileOf = (m: Migration) => join(relative(context.io.cwd, context.dir), isAbsolute(m.file) ? relative(after.includes(m) ? b.dir : a.dir, m.file) : m.file);
        const report = releaseNotes(a.label, b.label, before, after, lint, fileOf);
        const failed = notesError(report);
        if (failed) throw failed;
        const markdown = renderNotesMarkdown(report);
        context.result({ ok: true, ...report, markdown }, markdown.trimEnd());
        return EXIT.ok;
      } finally {
        await Promise.all([a.cleanup(), b.cleanup()]);
      }
    }));
}
