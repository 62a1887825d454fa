/** The upgrade flow's orchestration with fake ports: order, stopping, rollback rules, timing. */
import { describe, expect, it } from 'vitest';
import { runUpgrade, upgradeError, type UpgradePorts } from '../../src/deploy/upgrade.js';
import { renderUpgrade } from '../../src/cli/render-deploy.js';

type Status = Awaited<ReturnType<UpgradePorts['status']>>;
function fakePorts(overrides: Partial<UpgradePorts> = {}, status: Status = { pendingPre: ['2'], pendingPost: ['3'], failed: [], errors: [] }) {
  const calls: string[] = [];
  let clock = 0;
  const ports: UpgradePorts = {
    status: async () => { calls.push('status'); return status; },
    migrate: async (phase) => { calls.push(`migrate ${phase}`); return { applied: [phase === 'pre' ? '2' : '3'] }; },
    run: async (command) => { calls.push(`run ${command}`); return { exitCode: 0, output: '' }; },
    fetchHealth: async () => ({ statusCode: 200, body: { appVersion: '2.0.0' } }),
    instances: async () => [{ id: 'a', host: 'h', appVersion: '2.0.0', knownVersion: '3' }],
    sleep: async (ms) => { clock += ms; },
    now: () => (clock += 5),
    ...overrides,
  };
  return { ports, calls };
}
const base = { healthUrls: ['http://app/health'], appVersion: '2.0.0', knownVersion: '3', deploy: 'deploy-it', rollback: 'undo-it' };

describe('runUpgrade', () => {
  it('runs the steps in order and times each', async () => {
    const { ports, calls } = fakePorts({}, { pendingPre: [], pendingPost: [], failed: [], errors: [] });
    const report = await runUpgrade(base, ports);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.name, s.state])).toEqual([
      ['preflight', 'done'], ['backup', 'skipped'], ['pre', 'done'], ['deploy', 'done'], ['wait', 'done'], ['post', 'done'], ['verify', 'done'],
    ]);
    expect(calls).toEqual(['status', 'migrate pre', 'run deploy-it', 'migrate post', 'status']);
    expect(report.steps.every((s) => typeof s.durationMs === 'number')).toBe(true);
  });

  it('a preflight failure changes nothing and runs no rollback', async () => {
    const { ports, calls } = fakePorts({}, { pendingPre: [], pendingPost: [], failed: ['7'], errors: [] });
    const report = await runUpgrade(base, ports);
    expect(report).toMatchObject({ ok: false, failedStep: 'preflight' });
    expect(report.rollback).toBeUndefined();
    expect(calls).toEqual(['status']);
    expect(upgradeError(report)).toMatchObject({ code: 'UPGRADE_FAILED', details: { step: 'preflight' } });
    expect(renderUpgrade(report)).toContain('upgrade stopped at step "preflight"');
  });

  it('lint errors stop the preflight; locks are summarised', async () => {
    const { ports } = fakePorts({ lint: async () => ({ errors: 1, warnings: 0, locks: [] }) });
    expect((await runUpgrade(base, ports)).failedStep).toBe('preflight');
    const ok = fakePorts({ lint: async () => ({ errors: 0, warnings: 2, locks: ['ACCESS EXCLUSIVE on "users"', 'ACCESS EXCLUSIVE on "users"'] }) });
    const report = await runUpgrade({ ...base, dryRun: false }, ok.ports);
    expect(report.steps[0]!.summary).toContain('locks: ACCESS EXCLUSIVE on "users"');
    expect(report.steps[0]!.summary).not.toContain('users", ACCESS');
  });

  it('a backup without a backup step fails before anything is migrated; low disk fails the preflight', async () => {
    const noStep = fakePorts();
    expect((await runUpgrade({ ...base, backup: true }, noStep.ports)).failedStep).toBe('backup');
    expect(noStep.calls).not.toContain('migrate pre');
    const disk = fakePorts({ freeDiskBytes: async () => 10, backupSizeBytes: async () => 1000, backup: async () => 'ok' });
    expect((await runUpgrade({ ...base, backup: true }, disk.ports)).failedStep).toBe('preflight');
  });

  it('waits for registry instances still on the old version, then times out without running post; rollback runs', async () => {
    const { ports, calls } = fakePorts({ instances: async () => [{ id: 'old', host: 'h1', appVersion: '1.0.0', knownVersion: '2' }] });
    const report = await runUpgrade({ ...base, timeoutMs: 3000, pollMs: 1000 }, ports);
    expect(report.failedStep).toBe('wait');
    expect(report.steps.find((s) => s.name === 'wait')!.summary).toContain('instance old (h1) runs 1.0.0');
    expect(calls).not.toContain('migrate post');
    expect(calls.at(-1)).toBe('run undo-it');
    expect(report.rollback).toMatchObject({ ok: true, command: 'undo-it' });
  });

  it('--dry-run does nothing and lists the steps', async () => {
    const { ports, calls } = fakePorts();
    const report = await runUpgrade({ ...base, dryRun: true }, ports);
    expect(calls).toEqual([]);
    expect(report.steps.map((s) => s.state)).toEqual(Array(7).fill('planned'));
    expect(renderUpgrade(report)).toContain('dry run');
  });
});
