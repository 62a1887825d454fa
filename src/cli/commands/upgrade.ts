/**
 * `cutover upgrade`: the documented upgrade flow end to end (src/deploy/upgrade.ts),
 * with its ports wired here: the database through the library, `--deploy` /
 * `--rollback` / `--backup-command` through `sh -c`, health URLs through fetch.
 */
import { spawn } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import type { Command } from 'commander';
import { migrate, status } from '../../library/index.js';
import { readMigrations } from '../../target/index.js';
import { CutoverError, EXIT } from '../../errors.js';
import { listInstances } from '../../deploy/library.js';
import { runUpgrade, upgradeError, type UpgradePorts } from '../../deploy/upgrade.js';
import { parseVersionField } from '../../deploy/health-version.js';
import { postLeftPending } from '../../deploy/post-pending.js';
import { highestVersion, orderOf } from '../../deploy/versions.js';
import { lintScripts } from '../../lint/index.js';
import { backup } from '../../backup/api.js';
import { pgConnector } from '../../db/pg.js';
import { backupDir, toolOptions } from './backup.js';
import { durationFlag } from '../duration-flag.js';
import { runSettings, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { renderUpgrade } from '../render-deploy.js';
import { gateSettings, lintSettings } from './lint.js';
import { settingOption } from '../setting-options.js';
import { systemClock } from '../../clock.js';

interface UpgradeFlags {
  deploy?: string;
  rollback?: string;
  healthUrl: string[];
  appVersion?: string;
  versionField?: string;
  timeout: string;
  postWait?: string;
  backupCommand?: string;
  backup?: boolean;
  backupDir?: string;
  pgBin?: string;
  lint: boolean;
  dryRun?: boolean;
}

function shell(context: Context, command: string): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: context.io.cwd, env: context.io.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk;
      if (!context.flags.quiet) context.io.stderr.write(chunk.toString()); // the command's own output, as it comes
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => resolve({ exitCode: 127, output: `${output}${error.message}` }));
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), output }));
  });
}

function ports(context: Context, url: string, flags: UpgradeFlags): UpgradePorts {
  const target = { url, schema: context.settings.schema, ...context.source };
  const statusNow = async () => {
    const report = await status({ ...target, strict: context.settings.strict });
    const versions = (state: string, phase?: string) => report.entries.filter((e) => e.state === state && (!phase || e.phase === phase)).map((e) => e.version);
    return {
      pendingPre: versions('pending', 'pre'), pendingPost: versions('pending', 'post'), failed: versions('failed'),
      errors: [...report.errors.map((p) => p.message), ...versions('edited').map((v) => `${v} was edited after it was applied`)],
      postLeftPending: postLeftPending(report.entries, context.io.now(), context.settings.postPendingWarnMs).map((p) => p.message),
    };
  };
  return {
    status: statusNow,
    ...(flags.lint ? {
      lint: async () => {
        const [migrations, now] = await Promise.all([readMigrations(target), statusNow()]);
        const pending = new Set([...now.pendingPre, ...now.pendingPost]);
        const report = await lintScripts(migrations.filter((m) => pending.has(m.version)), lintSettings(context)); // lintRules and the rest, as `lint` honours them
        const locks = report.files.flatMap((f) => f.statements.flatMap((s) => s.locks.map((l) => `${l.mode.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()} on "${l.relation}"`)));
        return { errors: report.counts.error ?? 0, warnings: report.counts.warning ?? 0, locks };
      },
    } : {}),
    freeDiskBytes: async () => {
      const fs = await statfs(context.io.cwd);
      return Number(fs.bavail) * Number(fs.bsize);
    },
    backupSizeBytes: async () => {
      const connection = await pgConnector({ url, applicationName: 'cutover upgrade' }).connect();
      try {
        const { rows } = await connection.query<{ bytes: string | null }>(
          "SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'p')",
          [context.settings.schema],
        );
        return Number(rows[0]?.bytes ?? 0);
      } finally {
        await connection.close();
      }
    },
    ...(flags.backupCommand ? {
      backup: async () => {
        const { exitCode, output } = await shell(context, flags.backupCommand!);
        if (exitCode !== 0) throw new Error(`backup command exited with ${exitCode}: ${output.trim().split('\n').slice(-3).join(' / ')}`);
        return `ran: ${flags.backupCommand}`;
      },
    } : flags.backup ? {
      // cutover's own backup (pg_dump of the schema, with a manifest): the pluggable step filled.
      backup: async () => {
        const report = await backup({ url, schema: context.settings.schema, out: backupDir(context, flags.backupDir), ...toolOptions(context, flags.pgBin) });
        return `wrote ${report.backups.map((b) => b.dumpPath).join(', ')}`;
      },
    } : {}),
    migrate: async (phase, options) => {
      const report = await migrate({ url, ...runSettings(context), ...gateSettings(context), phase, waitForInstancesMs: options.waitForInstancesMs });
      return { applied: report.applied.map((s) => s.migration.version) };
    },
    run: (command) => shell(context, command),
    fetchHealth: async (healthUrl) => {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5000) });
      const text = await response.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON: keep the text */ }
      return { statusCode: response.status, body };
    },
    instances: async () => (await listInstances(target)).instances,
    sleep: systemClock.sleep,
    now: () => context.io.now().getTime(),
  };
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('upgrade')
    .description('run the upgrade flow: preflight, backup, pre phase, deploy, wait for the new version, post phase, verify')
    .option('--deploy <command>', 'the deploy command, run with sh -c (e.g. "docker compose up -d")')
    .option('--rollback <command>', 'run this if a step fails after the deploy command started')
    .option('--health-url <url>', 'a health URL that must show the new version (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--app-version <version>', 'the new version: health URLs and every registered instance must show it')
    .option('--version-field <path>', 'where the health body holds the version, a JSON path (default: appVersion, then version, then app.version)')
    .option('--timeout <duration>', 'how long to wait for the new version', '60s')
    .addOption(settingOption('postPendingWarn'))
    .option('--post-wait <duration>', 'how long the post phase waits for old instances (default: --timeout)')
    .option('--backup', 'back up the schema first (`cutover backup`: pg_dump with a manifest); disk space is checked')
    .option('--backup-dir <dir>', 'where --backup writes (default .cutover/backups)')
    .option('--pg-bin <dir>', 'directory of pg_dump for --backup (env PG_BIN; default: PATH)')
    .option('--backup-command <command>', 'back up with this command instead (sh -c)')
    .option('--no-lint', 'skip linting the pending migrations in the preflight')
    .option('--dry-run', 'print the steps; do nothing')
    .action(runner.action<UpgradeFlags>(async (context, flags) => {
      if (flags.versionField !== undefined) parseVersionField(flags.versionField); // a bad path is bad input, before anything runs
      const timeoutMs = durationFlag('--timeout', flags.timeout) ?? 60_000;
      const postWaitMs = durationFlag('--post-wait', flags.postWait);
      const url = context.settings.url;
      if (!url && !flags.dryRun) {
        throw new CutoverError('CONFIG', '`cutover upgrade` needs the database to upgrade: --url or DATABASE_URL', { hint: 'The embedded dev database is not a deploy target.', details: { setting: 'url' } });
      }
      const migrations = await readMigrations(context.source);
      const knownVersion = highestVersion(migrations.filter((m) => !m.repeatable).map((m) => m.version), orderOf(migrations));
      const report = await runUpgrade({
        healthUrls: flags.healthUrl, timeoutMs, dryRun: flags.dryRun ?? false, backup: flags.backup === true || flags.backupCommand !== undefined,
        ...(postWaitMs === undefined ? {} : { postWaitMs }),
        ...(flags.deploy ? { deploy: flags.deploy } : {}),
        ...(flags.rollback ? { rollback: flags.rollback } : {}),
        ...(flags.appVersion ? { appVersion: flags.appVersion } : {}),
        ...(flags.versionField ? { versionField: flags.versionField } : {}),
        ...(knownVersion ? { knownVersion, versionOrder: orderOf(migrations) } : {}),
        onStep: (step) => context.say(`upgrade: ${step.name} ${step.state}${step.durationMs === undefined ? '' : ` (${step.durationMs}ms)`}${step.summary ? `: ${step.summary}` : ''}`),
      }, ports(context, url ?? '', flags));
      if (!report.ok) {
        if (!context.flags.json) context.io.stderr.write(`${renderUpgrade(report)}\n`);
        throw upgradeError(report);
      }
      context.result({ ...report }, renderUpgrade(report));
      return EXIT.ok;
    }));
}
