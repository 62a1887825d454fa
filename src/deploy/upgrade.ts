/**
 * The upgrade flow (docs/zero-downtime.md, "The upgrade runbook"), as an
 * orchestration over small ports: preflight → backup → pre phase → deploy
 * command → wait for the new version (health URLs and registry) → post
 * phase through the guard → verification. Each step is timed; the first
 * failure stops the flow, the report says what was done and what to do,
 * and a rollback command (if given) runs when the deploy had started. The
 * ports make it testable with fakes; the CLI wires them to the database,
 * a shell and fetch.
 */
import { CutoverError } from '../errors.js';
import { formatDuration } from '../duration.js';
import { compareVersions } from './versions.js';
import { DEFAULT_VERSION_FIELDS, versionFromHealth } from './health-version.js';
import type { VersionOrder } from '../migrations/formats/order.js';

/** The flow's steps, in order. */
export const UPGRADE_STEPS = ['preflight', 'backup', 'pre', 'deploy', 'wait', 'post', 'verify'] as const;
export type UpgradeStepName = (typeof UPGRADE_STEPS)[number];

/** A step's outcome. */
export interface UpgradeStep {
  name: UpgradeStepName;
  state: 'done' | 'failed' | 'skipped' | 'planned' | 'not-run';
  durationMs?: number;
  /** One line: what it did or would do, or why it failed. */
  summary?: string;
  facts?: Record<string, unknown>;
}

/** The whole flow's report (`--json`). */
export interface UpgradeReport {
  ok: boolean;
  dryRun: boolean;
  steps: UpgradeStep[];
  failedStep?: UpgradeStepName;
  rollback?: { command: string; ok: boolean; exitCode: number; output: string };
  /** What to do next (after a failure). */
  next?: string;
  durationMs: number;
}

/** What the flow needs from outside. */
export interface UpgradePorts {
  /** Connectivity and history: pending and failed versions, history errors. */
  status(): Promise<{ pendingPre: string[]; pendingPost: string[]; failed: string[]; errors: string[]; postLeftPending?: string[] }>;
  /** Lint the pending migrations: counts and the locks they take (e.g. `ACCESS EXCLUSIVE on "users"`). */
  lint?(): Promise<{ errors: number; warnings: number; locks: string[] }>;
  /** Free bytes where the backup goes. */
  freeDiskBytes?(): Promise<number>;
  /** An upper bound of the backup's size (the schema's tables and indexes). */
  backupSizeBytes?(): Promise<number>;
  /** The backup step (the backups feature plugs in here). */
  backup?(): Promise<string>;
  migrate(phase: 'pre' | 'post', options: { waitForInstancesMs: number }): Promise<{ applied: string[] }>;
  /** Run a shell command. */
  run(command: string): Promise<{ exitCode: number; output: string }>;
  fetchHealth(url: string): Promise<{ statusCode: number; body: unknown }>;
  /** Live registered instances. */
  instances(): Promise<{ id: string; host: string; appVersion: string; knownVersion: string }[]>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** What to do. */
export interface UpgradeOptions {
  /** The new release's version: health and registry must show it on every instance. */
  appVersion?: string;
  /** The highest migration version the new code knows (the directory's); instances must know it. */
  knownVersion?: string;
  /** How versions compare (the directory's layout; default: as numbers). */
  versionOrder?: VersionOrder;
  deploy?: string;
  rollback?: string;
  /** Ask for a backup (needs the `backup` port). */
  backup?: boolean;
  healthUrls: string[];
  /** Where the health body holds the version (a JSON path); default: appVersion, version, then app.version. */
  versionField?: string;
  /** Waiting for the new version (default 60 s). */
  timeoutMs?: number;
  /** How long the post phase waits for old instances (default: the same timeout). */
  postWaitMs?: number;
  pollMs?: number;
  dryRun?: boolean;
  onStep?: (step: UpgradeStep) => void;
}

const NEXT: Record<UpgradeStepName, string> = {
  preflight: 'Nothing was changed. Fix what the preflight names (connectivity, failed or edited migrations, lint errors, disk), then run the upgrade again.',
  backup: 'Nothing was migrated. Fix the backup (or run without --backup if you have another), then run again.',
  pre: 'The pre phase stopped: transactional migrations that failed were rolled back; see `cutover status`. The old version keeps running (pre migrations are additive). Fix and run again.',
  deploy: 'The schema is expanded (pre phase applied); the old app keeps working with it. Fix the deploy and run `cutover upgrade` again (the pre phase is then a no-op), or roll the app back.',
  wait: 'The new version did not show everywhere in time. Post migrations were NOT run. Check the rollout (`kubectl rollout status`, `docker compose ps`, `cutover instances`), then run again or roll back.',
  post: 'The new version runs everywhere, but the post phase stopped; see `cutover status` and `cutover instances`. Once fixed: `cutover migrate --phase post`.',
  verify: 'Every step ran but the final check found something: see `cutover status` and the health URLs.',
};

const DESCRIBE: Record<UpgradeStepName, (o: UpgradeOptions) => string> = {
  preflight: () => 'connectivity, pending migrations, history, lint and lock summary',
  backup: (o) => (o.backup ? 'back up the schema' : 'no backup asked for (--backup)'),
  pre: () => 'cutover migrate --phase pre',
  deploy: (o) => (o.deploy ? `run: ${o.deploy}` : 'no --deploy command: deploy by other means meanwhile'),
  wait: (o) => `wait up to ${formatDuration(o.timeoutMs ?? 60_000)} for ${o.appVersion ? `app version ${o.appVersion}` : 'the new code'} on ${o.healthUrls.length ? o.healthUrls.join(', ') + ' and ' : ''}every registered instance`,
  post: () => 'cutover migrate --phase post (through the post-deploy guard)',
  verify: () => 'nothing pending or failed; health URLs ready',
};

class StepFailure extends Error {
  constructor(message: string, readonly facts: Record<string, unknown> = {}) {
    super(message);
  }
}

/**
 * Run the flow (or, with `dryRun`, only describe it).
 *
 * @example
 * const report = await runUpgrade({ healthUrls: ['http://app/health'], appVersion: '2.0.0', deploy: 'docker compose up -d' }, ports);
 */
export async function runUpgrade(options: UpgradeOptions, ports: UpgradePorts): Promise<UpgradeReport> {
  const started = ports.now();
  const report: UpgradeReport = { ok: false, dryRun: options.dryRun ?? false, steps: [], durationMs: 0 };
  if (report.dryRun) {
    report.steps = UPGRADE_STEPS.map((name) => ({ name, state: 'planned', summary: DESCRIBE[name](options) }));
    report.ok = true;
    return report;
  }
  const actions: Record<UpgradeStepName, () => Promise<{ summary: string; facts?: Record<string, unknown> } | undefined>> = {
    preflight: () => preflight(options, ports),
    backup: async () => {
      if (!options.backup) return undefined;
      if (!ports.backup) throw new StepFailure('no backup step is available in this build: take one by other means and run without --backup');
      return { summary: await ports.backup() };
    },
    pre: async () => {
      const { applied } = await ports.migrate('pre', { waitForInstancesMs: 0 });
      return { summary: applied.length ? `applied ${applied.join(', ')}` : 'nothing to do', facts: { applied } };
    },
    deploy: async () => {
      if (!options.deploy) return undefined;
      const { exitCode, output } = await ports.run(options.deploy);
      if (exitCode !== 0) throw new StepFailure(`deploy command exited with ${exitCode}: ${options.deploy}${tail(output)}`, { exitCode, output: output.slice(-2000) });
      return { summary: `ran: ${options.deploy}`, facts: { exitCode } };
    },
    wait: () => waitForVersion(options, ports),
    post: async () => {
      const { applied } = await ports.migrate('post', { waitForInstancesMs: options.postWaitMs ?? options.timeoutMs ?? 60_000 });
      return { summary: applied.length ? `applied ${applied.join(', ')}` : 'nothing to do', facts: { applied } };
    },
    verify: () => verify(options, ports),
  };
  let deployStarted = false;
  for (const name of UPGRADE_STEPS) {
    if (report.failedStep) {
      report.steps.push({ name, state: 'not-run', summary: DESCRIBE[name](options) });
      continue;
    }
    const stepStarted = ports.now();
    if (name === 'deploy' && options.deploy) deployStarted = true;
    let step: UpgradeStep;
    try {
      const outcome = await actions[name]();
      step = outcome
        ? { name, state: 'done', durationMs: ports.now() - stepStarted, summary: outcome.summary, ...(outcome.facts ? { facts: outcome.facts } : {}) }
        : { name, state: 'skipped', durationMs: 0, summary: DESCRIBE[name](options) };
    } catch (error) {
      const e = error as Error & { code?: string; facts?: Record<string, unknown>; details?: Record<string, unknown> };
      step = {
        name, state: 'failed', durationMs: ports.now() - stepStarted, summary: e.message,
        facts: { ...(e.code ? { code: e.code } : {}), ...(e.facts ?? e.details ?? {}) },
      };
      report.failedStep = name;
    }
    report.steps.push(step);
    options.onStep?.(step);
  }
  if (report.failedStep && options.rollback && deployStarted) {
    const { exitCode, output } = await ports.run(options.rollback);
    report.rollback = { command: options.rollback, ok: exitCode === 0, exitCode, output: output.slice(-2000) };
  }
  report.ok = !report.failedStep;
  if (report.failedStep) {
    report.next = NEXT[report.failedStep] + (report.rollback ? (report.rollback.ok ? ' The rollback command ran.' : ' The rollback command FAILED too: act by hand.') : '');
  }
  report.durationMs = ports.now() - started;
  return report;
}

/** UPGRADE_FAILED for a report that stopped. */
export function upgradeError(report: UpgradeReport): CutoverError<UpgradeReport> {
  const failed = report.steps.find((s) => s.state === 'failed')!;
  const done = report.steps.filter((s) => s.state === 'done').map((s) => s.name);
  const error = new CutoverError<UpgradeReport>('UPGRADE_FAILED', `upgrade stopped at step "${failed.name}": ${failed.summary}${done.length ? ` (done: ${done.join(', ')})` : ' (nothing done)'}`, {
    hint: report.next,
    details: { step: failed.name, steps: report.steps, ...(report.rollback ? { rollback: report.rollback } : {}) },
  });
  error.report = report;
  return error;
}

function tail(output: string): string {
  const lines = output.trim().split('\n').slice(-5).join('\n  ');
  return lines ? `\n  ${lines}` : '';
}

async function preflight(options: UpgradeOptions, ports: UpgradePorts) {
  const status = await ports.status();
  if (status.errors.length) throw new StepFailure(`history problems: ${status.errors.join('; ')}`, { errors: status.errors });
  if (status.failed.length) throw new StepFailure(`failed migrations in the ledger: ${status.failed.join(', ')}; resolve them first (cutover status)`, { failed: status.failed });
  const parts = [`${status.pendingPre.length} pre and ${status.pendingPost.length} post migration(s) pending`];
  const facts: Record<string, unknown> = { pendingPre: status.pendingPre, pendingPost: status.pendingPost };
  if (status.postLeftPending?.length) {
    facts.postLeftPending = status.postLeftPending;
    parts.push(`warning: ${status.postLeftPending.join('; ')}`);
  }
  if (ports.lint) {
    const lint = await ports.lint();
    facts.lint = lint;
    if (lint.errors > 0) throw new StepFailure(`lint: ${lint.errors} error(s) in the pending migrations (cutover lint)`, facts);
    const locks = [...new Set(lint.locks)];
    parts.push(`lint: ${lint.warnings} warning(s)`, locks.length ? `locks: ${locks.join(', ')}` : 'takes no table locks');
  }
  if (options.backup && ports.freeDiskBytes) {
    const [free, needed] = await Promise.all([ports.freeDiskBytes(), ports.backupSizeBytes?.() ?? 0]);
    Object.assign(facts, { freeDiskBytes: free, backupSizeBytes: needed });
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
    if (free < Math.max(1, needed)) throw new StepFailure(`not enough disk space for the backup: ${gib(free)} free, up to ${gib(needed)} needed (the schema's size)`, facts);
    parts.push(`${gib(free)} free for the backup (schema ${gib(needed)})`);
  }
  return { summary: parts.join('; '), facts };
}

async function waitForVersion(options: UpgradeOptions, ports: UpgradePorts) {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = ports.now();
  let lagging: string[] = [];
  for (;;) {
    lagging = [];
    for (const url of options.healthUrls) {
      const health = await ports.fetchHealth(url).catch((error: Error) => ({ statusCode: 0, body: { error: error.message } }));
      const appVersion = versionFromHealth(health.body, options.versionField);
      if (health.statusCode !== 200) lagging.push(`${url} answers ${health.statusCode || 'nothing'}`);
      else if (options.appVersion && appVersion === undefined) lagging.push(`${url} shows no version at ${options.versionField ?? DEFAULT_VERSION_FIELDS.join(', ')} (--version-field names where it is)`);
      else if (options.appVersion && appVersion !== options.appVersion) lagging.push(`${url} shows version ${appVersion}`);
    }
    const instances = await ports.instances();
    for (const i of instances) {
      if (options.appVersion && i.appVersion !== options.appVersion) lagging.push(`instance ${i.id} (${i.host}) runs ${i.appVersion}`);
      else if (options.knownVersion && compareVersions(i.knownVersion, options.knownVersion, options.versionOrder) < 0) lagging.push(`instance ${i.id} (${i.host}) knows only ${i.knownVersion}`);
    }
    if (lagging.length === 0) {
      return { summary: `${options.healthUrls.length} health URL(s) and ${instances.length} instance(s) on the new version after ${formatDuration(ports.now() - started)}`, facts: { instances: instances.length } };
    }
    const waited = ports.now() - started;
    if (waited >= timeoutMs) throw new StepFailure(`after ${formatDuration(waited)}: ${lagging.join('; ')}`, { lagging });
    await ports.sleep(Math.max(1, Math.min(options.pollMs ?? 1000, timeoutMs - waited)));
  }
}

async function verify(options: UpgradeOptions, ports: UpgradePorts) {
  const status = await ports.status();
  const left = [...status.pendingPre, ...status.pendingPost];
  if (left.length || status.failed.length || status.errors.length) {
    throw new StepFailure(`schema not complete: ${left.length ? `pending ${left.join(', ')}` : ''}${status.failed.length ? ` failed ${status.failed.join(', ')}` : ''}${status.errors.length ? ` ${status.errors.join('; ')}` : ''}`.trim(), { ...status });
  }
  for (const url of options.healthUrls) {
    const health = await ports.fetchHealth(url).catch((error: Error) => ({ statusCode: 0, body: { error: error.message } }));
    if (health.statusCode !== 200) throw new StepFailure(`${url} answers ${health.statusCode || 'nothing'} after the upgrade`, { url, body: health.body });
  }
  return { summary: `schema complete; ${options.healthUrls.length} health URL(s) ready` };
}
