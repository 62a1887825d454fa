/**
 * `cutover exec [--migrate | --wait] --app-version V -- <command…>`: the
 * container entrypoint for an app in any language (src/deploy/exec.ts): the
 * schema made ready, the instance registered and kept alive while the child
 * runs, signals passed on, the child's exit code returned.
 */
import { spawn } from 'node:child_process';
import { constants, hostname } from 'node:os';
import type { Command } from 'commander';
import { migrate } from '../../library/index.js';
import { CutoverError } from '../../errors.js';
import { registerInstance, waitForSchema } from '../../deploy/library.js';
import { INSTANCE_DEFAULTS } from '../../deploy/instance.js';
import { FORWARDED_SIGNALS, runExec, startError, type ChildHandle, type ExecPorts, type ForwardedSignal } from '../../deploy/exec.js';
import { durationFlag } from '../duration-flag.js';
import { runSettings, type Context } from '../context.js';
import { reportError, type Runner } from '../program.js';
import { renderMigrateReport } from '../render.js';

interface ExecFlags {
  migrate?: boolean;
  wait?: boolean;
  appVersion?: string;
  knownVersion?: string;
  id?: string;
  heartbeat?: string;
  ttl?: string;
  timeout?: string;
}

/** A version a person reads on a dashboard: printable, no spaces, at most 100 characters, with a letter or digit. */
const READABLE_VERSION = /^(?=.*[\p{L}\p{N}])[^\s\p{C}]{1,100}$/u;

/** Check the flags and the command before anything is touched. */
function checkInput(flags: ExecFlags, argv: readonly string[], command: string[]): void {
  const dashes = argv.indexOf('--');
  if (dashes < 0 || command.length === 0 || command[0] === '') {
    throw new CutoverError('NO_COMMAND', dashes < 0 ? '`cutover exec` needs `--` before the command to run' : '`cutover exec` has no command after `--`', {
      hint: 'For example: cutover exec --migrate --app-version 2.4.0 -- ./server --port 8080 (everything after -- is the app\'s own command line).',
    });
  }
  if (flags.migrate && flags.wait) {
    throw new CutoverError('USAGE', '--migrate and --wait exclude each other', { hint: 'One instance (or a Job) migrates; the others wait: give each replica one of them.' });
  }
  const version = flags.appVersion;
  if (version === undefined || !READABLE_VERSION.test(version)) {
    throw new CutoverError('BAD_APP_VERSION', version === undefined ? '`cutover exec` needs --app-version' : `--app-version ${JSON.stringify(version)} is not a version a person can read`, {
      hint: 'Give the release as your health endpoint and deploy scripts show it: --app-version 2.4.0, or a git short hash (printable, no spaces, at most 100 characters).',
      details: { setting: '--app-version' },
    });
  }
}

function needsUrl(context: Context): string {
  const url = context.settings.url;
  if (!url) {
    throw new CutoverError('CONFIG', '`cutover exec` needs a database: --url or DATABASE_URL', {
      hint: 'It registers the app\'s instance in the schema the app uses; the embedded dev database is not used here.', details: { setting: 'url' },
    });
  }
  return url;
}

function startChild(context: Context, command: string[], instanceId: string): Promise<ChildHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: context.io.cwd, env: { ...context.io.env, CUTOVER_INSTANCE_ID: instanceId }, stdio: 'inherit' });
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    child.once('error', (error) => reject(startError(command[0]!, error)));
    child.once('spawn', () => resolve({ pid: child.pid!, kill: (signal) => child.kill(signal), exited }));
  });
}

/** The exit code of a child that ended: its own, or 128 + the signal's number, as a shell reports it. */
function exitCodeOf(ended: { code: number | null; signal: string | null }): number {
  if (ended.code !== null) return ended.code;
  return 128 + (constants.signals[ended.signal as keyof typeof constants.signals] ?? 0);
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('exec')
    .description('run the app as a child: migrate or wait, register the instance, heartbeat while it runs, forward signals, exit with its code')
    .argument('[command...]', 'the app\'s command line, after --')
    .option('--migrate', 'apply the pending pre migrations first (post ones wait for the rollout: `cutover migrate --phase post`)')
    .option('--wait', 'wait for the schema this code needs instead (another process migrates)')
    .option('--app-version <version>', 'this release, as health and `cutover instances` show it (required)')
    .option('--known-version <version>', 'the highest migration version this build knows (default: the highest in --dir)')
    .option('--id <id>', 'the instance id, unique per running process (default <hostname>-<pid>; the pod name in Kubernetes)')
    .option('--heartbeat <duration>', 'heartbeat this often', `${INSTANCE_DEFAULTS.heartbeatMs / 1000}s`)
    .option('--ttl <duration>', 'the instance counts as gone this long after its last heartbeat', `${INSTANCE_DEFAULTS.ttlMs / 1000}s`)
    .option('--timeout <duration>', 'with --wait: give up after this long', '60s')
    .action(runner.action<ExecFlags>(async (context, flags, command) => {
      checkInput(flags, (program as unknown as { rawArgs: string[] }).rawArgs, command); // commander drops `--`; its raw arguments keep it
      const heartbeatMs = durationFlag('--heartbeat', flags.heartbeat)!;
      const ttlMs = durationFlag('--ttl', flags.ttl)!;
      const timeoutMs = durationFlag('--timeout', flags.timeout)!;
      const url = needsUrl(context);
      const target = { url, schema: context.settings.schema, ...context.source };
      const id = flags.id ?? `${hostname()}-${process.pid}`;
      let failing = false;
      const ports: ExecPorts = {
        prepare: async () => {
          if (flags.migrate) context.say(renderMigrateReport(await migrate({ url, ...runSettings(context), phase: 'pre' })));
          if (flags.wait) await waitForSchema({ ...target, timeoutMs });
        },
        register: () => registerInstance({
          ...target, id, appVersion: flags.appVersion!, heartbeatMs, ttlMs,
          ...(flags.knownVersion ? { knownVersion: flags.knownVersion } : {}),
          onError: (error) => {
            if (failing) return;
            failing = true;
            context.say(`cutover exec: warning: heartbeat failed (${(error as Error).message}); the app keeps running, and this instance leaves the registry ${flags.ttl} after its last heartbeat unless one gets through`);
          },
          onBeat: () => {
            if (!failing) return;
            failing = false;
            context.say('cutover exec: heartbeat restored');
          },
        }),
        start: () => startChild(context, command, id),
        onSignal: (listener) => context.io.onSignal?.(FORWARDED_SIGNALS, (signal) => listener(signal as ForwardedSignal)) ?? (() => {}),
        deregisterTimeoutMs: 5000,
        warn: (text) => context.say(text),
      };
      try {
        return exitCodeOf(await runExec(ports));
      } catch (error) {
        if (!(error instanceof CutoverError) || !error.code.startsWith('COMMAND_NOT_')) throw error;
        reportError(context.io, error, context.flags.json === true);
        return error.code === 'COMMAND_NOT_FOUND' ? 127 : 126;
      }
    }));
}
