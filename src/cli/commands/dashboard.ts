/**
 * `cutover dashboard [--port 4000] [--host 127.0.0.1] [--token …]`: the fleet
 * at a glance in a browser, over the same targets as `status` (one schema,
 * `--schemas` globs, or the config file's databases), live while a fleet run
 * in another process announces its progress. Read-only; until Ctrl-C.
 */
import type { Command } from 'commander';
import { CutoverError, EXIT } from '../../errors.js';
import { withDatabase, type Context } from '../context.js';
import type { Runner } from '../program.js';
import type { TargetSpec } from '../../fleet/types.js';
import { addFleetOptions, isFleet, type FleetFlags } from './fleet-flags.js';
import { settingOption } from '../setting-options.js';

/** The dashboard's flags (serve --dashboard shares port, host and token). */
export interface DashboardFlags extends FleetFlags {
  port: string;
  host: string;
  token?: string;
}

/** The port, and a token wherever the address is not loopback-only. */
export async function listenOptions(context: Context, flags: Pick<DashboardFlags, 'port' | 'host' | 'token'>): Promise<{ port: number; host: string; token: string | undefined }> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) {
    throw new CutoverError('USAGE', `--port ${flags.port} is not a port number`, { hint: 'Use a number from 0 to 65535.', details: { flag: '--port' } });
  }
  const token = flags.token ?? context.io.env.CUTOVER_DASHBOARD_TOKEN;
  const { isLoopback } = await import('../../serve/server.js');
  if (!isLoopback(flags.host) && !token) {
    throw new CutoverError('USAGE', `--host ${flags.host} can be reached from other machines, and no token is set`, {
      hint: 'Set a token (--token or CUTOVER_DASHBOARD_TOKEN, e.g. from `openssl rand -hex 16`) or keep the default --host 127.0.0.1.', details: { flag: '--host' },
    });
  }
  return { port, host: flags.host, token: token || undefined };
}

/** Run `work` with the target specs the flags or config select. */
export async function dashboardTargets<T>(context: Context, flags: FleetFlags, work: (specs: TargetSpec[]) => Promise<T>): Promise<T> {
  if (isFleet(context, flags)) return (await import('./fleet-run.js')).withTargets(context, flags, work);
  return withDatabase(context, (url) => work([{ url, schemas: [context.settings.schema] }]));
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  addFleetOptions(program.command('dashboard'), false)
    .addOption(settingOption('schemas'))
    .description('serve a read-only web page of the fleet: versions, failures, instances, the post step, live progress')
    .option('--port <port>', 'port to listen on (0: any free port)', '4000')
    .option('--host <address>', 'address to listen on (not loopback: a token is required)', '127.0.0.1')
    .option('--token <token>', 'required on every request (env CUTOVER_DASHBOARD_TOKEN)')
    .action(runner.action<DashboardFlags>(async (context, flags) => {
      const listen = await listenOptions(context, flags);
      const { dashboardSource, dashboardHandler, liveHub } = await import('../../serve/dashboard/index.js');
      const { listenHealth } = await import('../../serve/server.js');
      return dashboardTargets(context, flags, async (targets) => {
        const source = dashboardSource({ targets, ...context.source });
        const first = await source.model(); // bad input and connection problems now, not in the page
        const live = await liveHub(source);
        try {
          const server = await listenHealth(undefined, { port: listen.port, host: listen.host, dashboard: dashboardHandler({ source, live, token: listen.token }) });
          const address = listen.token ? `${server.base}/?token=…` : `${server.base}/`;
          context.say(`dashboard of ${first.overview.total} target${first.overview.total === 1 ? '' : 's'} on ${address} (Ctrl-C to stop)`);
          const interrupted = context.io.waitForInterrupt(); // before the output a supervisor may signal on
          context.result({ ok: true, url: `${server.base}/`, targets: first.overview.total, live: live.listening() }, `${server.base}/`);
          await interrupted;
          await server.close();
        } finally {
          await live.close();
        }
        return EXIT.ok;
      });
    }));
}
