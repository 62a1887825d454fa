// `npm run corpus [DIR]`: apply real projects' migration sets, each in its own
// tool's layout, and compare with what their own tools apply (issue 15).
//
// DIR (default: corpus/ in the repository, git-ignored) holds the sets that
// ../shared/corpora/rebuild.sh extracts, at <owner>__<repo>/<path>. The
// reference (order, setup SQL, expected applied count on PostgreSQL 17) is
// reference.json: --reference FILE, else DIR/reference.json, else
// ../shared/corpora/reference.json beside the repository.
//
// For each set: a fresh database on an embedded server (reset every run),
// the reference's setup SQL, `cutover migrate --format <layout>`, then
// `cutover status`, then `cutover migrate` again (it must apply nothing).
// Prints a table and exits 1 when a set applies fewer migrations than its
// reference. A set whose layout cutover cannot read is reported "no reader".
//
//   npm run corpus -- /path/to/corpus [--only trigger,langfuse] [--reference FILE] [--write]
//
// --write puts the table into bench/RESULTS.md (between corpus markers).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const write = args.includes('--write') ? (args.splice(args.indexOf('--write'), 1), true) : false;
const only = flag('--only')?.split(',');
const referenceFlag = flag('--reference');
const dir = path.resolve(args[0] ?? path.join(root, 'corpus'));
const referenceFile = [referenceFlag, path.join(dir, 'reference.json'), path.join(root, '../shared/corpora/reference.json')]
  .find((file) => file && existsSync(file));
if (!existsSync(dir) || !referenceFile) {
  console.error(`corpus: ${existsSync(dir) ? 'no reference.json found (--reference FILE)' : `${dir} does not exist`}.\n`
    + 'Rebuild the sets with ../shared/corpora/rebuild.sh (its header says how), then: npm run corpus -- <dir> [--reference <reference.json>]');
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist/bundle/embedded/index.js'))) {
  console.error('corpus: dist/ is missing. Build first: npm run build');
  process.exit(2);
}
const { startEmbedded } = await import('../dist/bundle/embedded/index.js');
const pg = (await import('pg')).default;
const reference = JSON.parse(readFileSync(referenceFile, 'utf8'));

/** The reference's tool names that cutover spells differently. */
const LAYOUT = { 'drizzle-kit': 'drizzle', 'supabase-cli': 'supabase' };

/** Run the CLI; resolves with exit code, stdout (JSON) and stderr. */
function cutover(cliArgs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/cutover.js'), ...cliArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => {
      let json;
      try { json = JSON.parse(stdout); } catch { json = undefined; }
      resolve({ code, json, stderr });
    });
  });
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The directories a set is applied from, in order (dbmate's supabase set has two). */
function directoriesOf(project) {
  const prefixes = [...new Set(project.order.filter((entry) => !/\[.*not included\]/.test(entry)).map((entry) => (entry.includes('/') && project.format === 'dbmate' ? entry.slice(0, entry.indexOf('/')) : '')))];
  return prefixes.map((prefix) => path.join(dir, project.dir, prefix));
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cutover-corpus-'));
const server = await startEmbedded({ dataDir, reset: true, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
const adminUrl = server.url;
const major = await withClient(adminUrl, async (c) => (await c.query(`SELECT current_setting('server_version') AS v`)).rows[0].v);
const rows = [];
let short = false;
try {
  for (const [name, project] of Object.entries(reference.projects)) {
    if (only && !only.some((part) => name.toLowerCase().includes(part.toLowerCase()))) continue;
    const layout = LAYOUT[project.format] ?? project.format;
    const row = { name, format: project.format, expected: project.expected_applied_pg17, total: project.forward_migrations, applied: 0, seconds: 0, note: '' };
    rows.push(row);
    const database = `corpus_${name.replace(/\W/g, '_').toLowerCase()}`.slice(0, 60);
    await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).then(() => c.query(`CREATE DATABASE "${database}"`)));
    const url = adminUrl.replace(/\/postgres$/, `/${database}`);
    try {
      if (project.setup_sql) await withClient(url, (c) => c.query(project.setup_sql));
      const started = performance.now();
      let failure;
      for (const migrations of directoriesOf(project)) {
        const result = await cutover(['migrate', '--url', url, '--dir', migrations, '--format', layout, '--json']);
        if (result.code !== 0) {
          failure = result.json?.error ?? { code: `exit ${result.code}`, message: result.stderr.trim().split('\n')[0] };
          break;
        }
      }
      row.seconds = (performance.now() - started) / 1000;
      row.applied = await withClient(url, async (c) => {
        const ledger = await c.query(`SELECT to_regclass('public.cutover_migrations') AS t`);
        return ledger.rows[0].t ? Number((await c.query(`SELECT count(*) AS n FROM public.cutover_migrations WHERE state = 'applied'`)).rows[0].n) : 0;
      });
      if (failure?.code === 'CONFIG' && /format/.test(failure.message ?? '') && /not a layout|cannot be read/.test(failure.message ?? '')) {
        row.note = 'no reader';
        continue;
      }
      if (failure) row.note = `stops: ${failure.code} ${(failure.file ?? failure.message ?? '').split('\n')[0].slice(0, 90)}`;
      const status = await cutover(['status', '--url', url, '--dir', directoriesOf(project).at(-1), '--format', layout, '--json']);
      const again = await cutover(['migrate', '--url', url, '--dir', directoriesOf(project).at(-1), '--format', layout, '--json']);
      const reapplied = again.json?.applied?.length ?? 0;
      row.status = status.code;
      row.rerun = failure ? (again.code !== 0 && reapplied === 0 ? 'stops again' : `exit ${again.code}, ${reapplied} applied`) : again.code === 0 && reapplied === 0 ? 'no-op' : `exit ${again.code}, ${reapplied} applied`;
      if (row.applied < row.expected) short = true;
    } catch (error) {
      row.note = `harness: ${error.message}`;
      short = true;
    } finally {
      await withClient(adminUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        // Roles are cluster-wide and several sets create them: each set starts without the last one's.
        const roles = await c.query(`SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' AND rolname <> current_user`);
        for (const { rolname } of roles.rows) await c.query(`DROP ROLE IF EXISTS "${rolname.replace(/"/g, '""')}"`).catch(() => undefined);
      });
    }
    console.error(`${name}: ${row.note === 'no reader' ? 'no reader' : `${row.applied}/${row.expected}`} ${row.note}`);
  }
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const lines = [
  `PostgreSQL ${major} (embedded), cutover ${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}; reference: ${reference.postgres}.`,
  '',
  '| project | format | applied / reference (of total) | time | status exit | re-run | note |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.name} | ${r.format} | ${r.note === 'no reader' ? 'no reader' : `${r.applied} / ${r.expected}`} (of ${r.total}) | ${r.note === 'no reader' ? '' : `${r.seconds.toFixed(1)} s`} | ${r.status ?? ''} | ${r.rerun ?? ''} | ${r.note === 'no reader' ? '' : r.note.replace(/\|/g, '\\|')} |`),
];
const readable = rows.filter((r) => r.note !== 'no reader');
lines.push('', `Total (sets with a reader): ${readable.reduce((n, r) => n + r.applied, 0)} applied of ${readable.reduce((n, r) => n + r.expected, 0)} the reference applies; sets without a reader: ${rows.length - readable.length}.`);
const table = lines.join('\n');
console.log(table);
if (write) {
  const file = path.join(root, 'bench/RESULTS.md');
  const begin = '<!-- corpus:begin -->';
  const end = '<!-- corpus:end -->';
  const section = `${begin}\n## Real-world corpus (\`npm run corpus\`)\n\n${table}\n${end}`;
  const current = readFileSync(file, 'utf8');
  writeFileSync(file, current.includes(begin) ? current.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), section) : `${current.trimEnd()}\n\n${section}\n`);
}
process.exitCode = short ? 1 : 0;
