/**
 * `cutover serve [--port 8080] [--host] [--app-version]`: the health endpoint
 * standalone (a sidecar, or a readiness probe target), until Ctrl-C / SIGTERM.
 */
import type { Command } from 'commander';
import { CutoverError, EXIT } from '../../errors.js';
import { redact } from '../../db/url.js';
import { healthHandler } from '../../serve/library.js';
import { listenHealth } from '../../serve/server.js';
import type { Runner } from '../program.js';
import type { Context } from '../context.js';
import { listenOptions } from './dashboard.js';
import { settingOption } from '../setting-options.js';

interface ServeFlags {
  port: string;
  host: string;
  appVersion?: string;
  atLeast?: string;
  dashboard?: boolean;
  token?: string;
}

/** The dashboard of the one schema `serve` watches, with the token rules of `cutover dashboard`. */
async function dashboardFor(context: Context, flags: ServeFlags, url: string) {
  const { token } = await listenOptions(context, flags);
  const { dashboardSource, dashboardHandler, liveHub } = await import('../../serve/dashboard/index.js');
  const source = dashboardSource({ targets: [{ url, schemas: [context.settings.schema] }], ...context.source });
  await source.model();
  const live = await liveHub(source);
  return { token, live, handler: dashboardHandler({ source, live, token }) };
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('serve')
    .description('serve the health endpoint (GET /health: 200 when the schema has what this code needs, else 503)')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    // Loopback by default: the endpoint has no authentication (issue 16.14); a sidecar or probe opts in with --host 0.0.0.0.
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--app-version <version>', 'the app version to report (what deploy scripts wait for)')
    .option('--at-least <version>', 'needed: pre migrations up to this version (default: every pre migration in --dir)')
    .addOption(settingOption('postPendingWarn'))
    .option('--dashboard', 'also serve the dashboard of the schema on / (docs/dashboard.md); health stays on /health')
    .option('--token <token>', 'with --dashboard: required on its API requests (env CUTOVER_DASHBOARD_TOKEN); needed when --host is not loopback')
    .action(runner.action<ServeFlags>(async (context, flags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new CutoverError('USAGE', `--port ${flags.port} is not a port number`, { hint: 'Use a number from 0 to 65535.' });
      }
      if (!context.settings.url) {
        throw new CutoverError('CONFIG', '`cutover serve` needs a database: --url or DATABASE_URL', { hint: 'It reports on a schema that exists elsewhere.', details: { setting: 'url' } });
      }
      const handler = healthHandler({
        url: context.settings.url, schema: context.settings.schema, ...context.source, appVersion: flags.appVersion ?? null,
        ...(flags.atLeast ? { atLeast: flags.atLeast } : {}), postPendingWarnMs: context.settings.postPendingWarnMs,
        onError: (error) => context.say(`health check failed: ${redact((error as Error).message ?? String(error))}`),
      });
      const dashboard = flags.dashboard ? await dashboardFor(context, flags, context.settings.url) : undefined;
      try {
        const server = await listenHealth(handler, { port, host: flags.host, ...(dashboard ? { dashboard: dashboard.handler } : {}) });
        if (dashboard) context.say(`dashboard on ${server.base}/${dashboard.token ? '?token=…' : ''}`);
        context.say(`serving health for schema "${context.settings.schema}" on ${server.url} (Ctrl-C to stop)`);
        const first = await handler.check();
        const interrupted = context.io.waitForInterrupt(); // before the output a supervisor may signal on
        context.result({ ok: true, url: server.url, host: server.host, health: first.body }, `${server.url}: ${first.body.status}${first.body.reason ? ` (${first.body.reason})` : ''}`);
        await interrupted;
        await server.close();
      } finally {
        await Promise.all([handler.close(), dashboard?.live.close()]);
      }
      return EXIT.ok;
    }));
}
