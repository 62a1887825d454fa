/** What users see from the deploy commands, snapshot-tested (pure renderers, fixed clock). */
import { describe, expect, it } from 'vitest';
import { renderInstances, renderUpgrade, renderWait } from '../../src/cli/render-deploy.js';
import { renderError, renderEvent } from '../../src/cli/render.js';
import { checkPostGuard, type InstanceRecord } from '../../src/deploy/guard.js';
import { guardError } from '../../src/deploy/guarded-run.js';
import { runUpgrade, type UpgradePorts } from '../../src/deploy/upgrade.js';

const now = new Date('2026-11-22T12:00:00Z');
const instance = (id: string, appVersion: string, knownVersion: string, secondsAgo: number): InstanceRecord => ({
  id, host: `node-${id.slice(-1)}`, appVersion, knownVersion, pid: 7, applicationName: `cutover:${id}`,
  startedAt: now, lastSeen: new Date(now.getTime() - secondsAgo * 1000), ttlMs: 30_000, sessions: 3,
});
const fleet = [instance('web-a', '1.0.0', '20260126090000', 3.1), instance('web-b', '2.0.0', '20260209090000', 0.4)];

describe('deploy renderers', () => {
  it('cutover instances', () => {
    expect(renderInstances({ schema: 'public', now, instances: fleet.map((i) => ({ ...i, live: true })) })).toMatchSnapshot();
    expect(renderInstances({ schema: 'public', now, instances: [] })).toMatchSnapshot();
  });

  it('the guard refusing, and waiting', () => {
    const verdict = checkPostGuard(fleet, [{ version: '20260209090000' }], now);
    expect(renderError(guardError('public', verdict, 0))).toMatchSnapshot();
    expect(renderEvent({ type: 'instances-waiting', schema: 'public', waitedMs: 4000, problems: verdict.problems })).toMatchSnapshot();
  });

  it('cutover wait', () => {
    expect(renderWait({ schema: 'public', waitedMs: 2300, state: { version: '2', pendingPre: [], pendingPost: ['3'], ahead: [], failed: [], missing: [], ready: true } })).toMatchSnapshot();
  });

  it('cutover upgrade, stopped at the deploy', async () => {
    let clock = 0;
    const ports: UpgradePorts = {
      status: async () => ({ pendingPre: ['2'], pendingPost: ['3'], failed: [], errors: [] }),
      migrate: async () => ({ applied: ['2'] }),
      run: async (command) => (command === 'deploy' ? { exitCode: 1, output: 'image not found' } : { exitCode: 0, output: '' }),
      fetchHealth: async () => ({ statusCode: 200, body: {} }),
      instances: async () => [],
      sleep: async () => {},
      now: () => (clock += 100),
    };
    expect(renderUpgrade(await runUpgrade({ healthUrls: ['http://app/health'], appVersion: '2.0.0', deploy: 'deploy', rollback: 'undo' }, ports))).toMatchSnapshot();
    expect(renderUpgrade(await runUpgrade({ healthUrls: [], dryRun: true }, ports))).toMatchSnapshot();
  });
});
