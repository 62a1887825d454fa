/**
 * examples/deploy/ runs: every manifest is parsed, and each cutover command
 * in it is run in the order a deploy would run it, with the built single
 * executable as `cutover`, against real Postgres; the app is a fake one
 * (test/support/fake-app.cjs) that reports {"version": …}. The guides in
 * docs/guides/ are run the same way: their sh blocks, line by line.
 */
import { cp, mkdtemp, readFile, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ident } from '../src/db/sql.js';
import { query, testSchema } from './support/db.js';
import { database } from './support/fixtures.js';
import { codeBlocks } from './support/doc-snippets.js';
import { exeBin, FAKE_APP, freePort, isLongRunning, runArgv, startArgv, untilHealthy, type Ran } from './support/deploy-runner.js';

const root = resolve(import.meta.dirname, '..');
const examples = join(root, 'examples/deploy');
const migrations = join(examples, 'migrations');
const schema = testSchema();
let bin: Awaited<ReturnType<typeof exeBin>>;

beforeAll(async () => {
  bin = await exeBin();
}, 300_000);
afterAll(() => bin.cleanup());

/** The environment a container gets here: the manifest's names, this test's values. */
function envFor(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: `${bin.bin}:/usr/bin:/bin`, DATABASE_URL: url, DB_SCHEMA: schema, CUTOVER_DIR: migrations, ...extra };
}

/** The app's command → the fake app on PATH; each --port → a free port (returned). */
async function localise(argv: string[]): Promise<{ argv: string[]; ports: Map<string, number> }> {
  const ports = new Map<string, number>();
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '/app/server') out.push('server');
    else if (argv[i - 1] === '--port') {
      ports.set(arg, ports.get(arg) ?? (await freePort()));
      out.push(String(ports.get(arg)));
    } else out.push(arg);
  }
  return { argv: out, ports };
}

const applied = async (url: string, inSchema = schema) => (await query<{ version: string }>(url, `SELECT version FROM ${ident(inSchema)}.cutover_migrations WHERE state = 'applied' ORDER BY version`)).map((r) => r.version);
const ALL = ['20260101000000', '20260201000000', '20260301000000'];

describe('examples/deploy', () => {
  it('compose.yaml: the one-shot migrate service, then the app under cutover exec (healthy, registered), then the post service', async () => {
    const url = await database();
    const compose = YAML.parse(await readFile(join(examples, 'compose.yaml'), 'utf8')) as { services: Record<string, { build?: unknown; entrypoint?: string[]; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }> };
    expect(compose.services.app!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    const ran: string[] = [];
    const running: ReturnType<typeof startArgv>[] = [];
    try {
      for (const [name, service] of Object.entries(compose.services)) {
        const raw = service.build ? ['cutover', ...(service.command ?? [])] : service.entrypoint?.[0] === 'cutover' ? [...service.entrypoint, ...(service.command ?? [])] : undefined;
        if (!raw) continue; // postgres: the test's own server stands in
        expect(Object.keys(service.environment ?? {})).toEqual(expect.arrayContaining(['DATABASE_URL', 'CUTOVER_DIR']));
        const { argv, ports } = await localise(raw);
        ran.push(name);
        if (isLongRunning(argv)) {
          const app = startArgv(argv, envFor(url), examples);
          running.push(app);
          expect(await untilHealthy(`http://127.0.0.1:${ports.get('3000')}/health`)).toMatchObject({ version: '0.9.1' });
          continue;
        }
        const result = await runArgv(argv, envFor(url), examples);
        expect(result.code, result.output).toBe(0);
        if (name === 'migrate') expect(await applied(url)).toEqual(ALL.slice(0, 2));
      }
      expect(ran).toEqual(['migrate', 'app', 'post']);
      expect(await applied(url)).toEqual(ALL);
      const instances = await query<{ app_version: string; known_version: string }>(url, `SELECT app_version, known_version FROM ${ident(schema)}.cutover_instances`);
      expect(instances).toEqual([{ app_version: '0.9.1', known_version: '20260301000000' }]);
    } finally {
      for (const app of running) expect((await app.stop()).code).toBe(0);
    }
    expect(await query(url, `SELECT 1 FROM ${ident(schema)}.cutover_instances`)).toEqual([]); // deregistered on SIGTERM
  });

  it('kubernetes/: migration Job, Deployment (init container wait, app under exec, readiness from the health handler), post Job, Indexed fleet Job in 4 shards', async () => {
    const url = await database();
    const setup = envFor(url);
    for (const tenant of ['tenant_a', 'tenant_b', 'tenant_c']) {
      const made = await runArgv(['cutover', 'migrate', '--schema', tenant, '--to', ALL[0]!], setup, examples);
      expect(made.code, made.output).toBe(0);
    }
    const files = (await readdir(join(examples, 'kubernetes'))).sort();
    const ran: string[] = [];
    const running: ReturnType<typeof startArgv>[] = [];
    try {
      for (const file of files) {
        for (const doc of YAML.parseAllDocuments(await readFile(join(examples, 'kubernetes', file), 'utf8')).map((d) => d.toJS())) {
          const pod = doc.spec.template.spec;
          const indexes = doc.spec.completionMode === 'Indexed' ? Array.from({ length: doc.spec.completions }, (_, i) => i) : [undefined];
          for (const index of indexes) {
            for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
              const command: string[] = [...(container.command ?? []), ...(container.args ?? [])];
              if (!command.join(' ').includes('cutover')) continue;
              const vars: Record<string, string> = { POD_NAME: `app-7f9c-${ran.length}`, ...(index === undefined ? {} : { JOB_COMPLETION_INDEX: String(index) }) };
              const names = (container.env ?? []).map((e: { name: string }) => e.name);
              expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'CUTOVER_DIR']));
              const { argv, ports } = await localise(command.map((a) => a.replace(/\$\((\w+)\)/g, (_, v: string) => vars[v] ?? '')));
              ran.push(`${file}:${container.name}${index === undefined ? '' : `#${index}`}`);
              const env = envFor(url, vars);
              if (isLongRunning(argv)) {
                const started = startArgv(argv, env, examples);
                running.push(started);
                const probe = container.readinessProbe?.httpGet;
                const port = ports.get(String(probe?.port ?? '3000'));
                expect(await untilHealthy(`http://127.0.0.1:${port}${probe?.path ?? '/health'}`)).toBeTruthy();
                continue;
              }
              const result: Ran = await runArgv(argv, env, examples);
              expect(result.code, `${argv.join(' ')}\n${result.output}`).toBe(0);
            }
          }
        }
      }
      expect(ran).toEqual([
        '01-migrate-job.yaml:migrate', '02-deployment.yaml:wait-for-schema', '02-deployment.yaml:app', '02-deployment.yaml:health',
        '03-post-job.yaml:contract', '04-fleet-indexed-job.yaml:migrate#0', '04-fleet-indexed-job.yaml:migrate#1', '04-fleet-indexed-job.yaml:migrate#2', '04-fleet-indexed-job.yaml:migrate#3',
      ]);
      expect(await applied(url)).toEqual(ALL);
      for (const tenant of ['tenant_a', 'tenant_b', 'tenant_c']) expect(await applied(url, tenant)).toEqual(ALL.slice(0, 2));
    } finally {
      for (const started of running) await started.stop();
    }
  });

  it('github/migrations.yml: every cutover step of both jobs, in order (lint and plan on a pull request; pre, deploy, post on main)', async () => {
    const url = await database();
    const workflow = YAML.parse(await readFile(join(examples, 'github/migrations.yml'), 'utf8')) as { env: Record<string, string>; jobs: Record<string, { env?: Record<string, string>; steps: { run?: string }[] }> };
    const ran: string[] = [];
    const skipped: string[] = [];
    for (const job of Object.values(workflow.jobs)) {
      expect(job.env?.DATABASE_URL).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
      for (const step of job.steps) {
        for (const line of (step.run ?? '').split('\n').filter(Boolean)) {
          if (!line.startsWith('cutover ')) {
            skipped.push(line);
            continue;
          }
          ran.push(line);
          const result = await runArgv(['sh', '-c', line], envFor(url, workflow.env), root.replace(/$/, '/examples/deploy'));
          expect(result.code, `${line}\n${result.output}`).toBe(0);
        }
      }
    }
    expect(ran).toEqual(['cutover lint --output github', 'cutover plan --phase all', 'cutover migrate --phase pre --lock-wait 10min', 'cutover migrate --phase post --wait 15min']);
    expect(skipped).toEqual(['npm install --global cutover@${CUTOVER_VERSION}', 'npm install --global cutover@${CUTOVER_VERSION}', './deploy.sh']);
    expect(await applied(url)).toEqual(ALL);
  });
});

describe('docs/guides', () => {
  const guides = ['sqlx-schema-per-instance.md', 'compose-wait-for-health.md', 'kubernetes-job-and-rolling-deploy.md', 'two-step-deploy.md'];

  it('lists every guide in its README, and only those', async () => {
    const files = (await readdir(join(root, 'docs/guides'))).filter((f) => f !== 'README.md').sort();
    expect(files).toEqual([...guides].sort());
    const index = await readFile(join(root, 'docs/guides/README.md'), 'utf8');
    for (const guide of guides) expect(index).toContain(`(${guide})`);
  });

  it.each(guides)('%s: every cutover command and the app, in order, against Postgres', async (guide) => {
    const url = await database();
    const work = await mkdtemp(join(tmpdir(), 'cutover-guide-'));
    await cp(migrations, join(work, 'migrations'), { recursive: true });
    await symlink(FAKE_APP, join(work, 'server'));
    const port = String(await freePort());
    const env = { ...envFor(url), CUTOVER_DIR: 'migrations' };
    const lines = codeBlocks(await readFile(join(root, 'docs/guides', guide), 'utf8'), 'sh').flatMap((block) => block.split('\n')).filter(Boolean);
    const ran: string[] = [];
    const running: ReturnType<typeof startArgv>[] = [];
    try {
      for (const written of lines) {
        const line = written.replaceAll('3000', port);
        if (!line.startsWith('cutover ') && !/(^|\s)\.\/server\b/.test(line)) continue; // kubectl …: the cluster's part
        ran.push(written);
        if (line.endsWith('&')) {
          // `VAR=value command args &`: the assignments are its environment.
          const words = line.slice(0, -1).trim().split(/\s+/);
          const assignments = Object.fromEntries(words.filter((w, i) => /^\w+=/.test(w) && words.slice(0, i).every((p) => /^\w+=/.test(p))).map((w) => w.split('=') as [string, string]));
          const argv = words.slice(Object.keys(assignments).length).map((w) => (w === './server' ? join(work, 'server') : w));
          const started = startArgv(argv, { ...env, ...assignments }, work);
          running.push(started);
          expect(await untilHealthy(`http://127.0.0.1:${port}/health`)).toMatchObject({ version: '0.9.1' });
          continue;
        }
        const result = await runArgv(['sh', '-c', line], env, work);
        expect(result.code, `${line}\n${result.output}`).toBe(0);
      }
    } finally {
      for (const started of running) expect((await started.stop()).code).toBe(0);
    }
    expect(ran.length).toBeGreaterThan(2);
    const schemas = guide.startsWith('sqlx') ? ['bot_alpha', 'bot_beta'] : [schema];
    for (const inSchema of schemas) expect(await applied(url, inSchema)).toEqual(ALL);
  });
});
