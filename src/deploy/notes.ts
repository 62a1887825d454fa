/**
 * Release notes for the schema, pure: from the migration sets at two points
 * (two git refs, two directories) and the linter's view of the added files
 * to what a release page says — the migrations added, their phases, whether
 * the post step is needed, what each locks and for how long the linter
 * expects — and a Markdown "Migration required" section. A migration edited
 * or removed between the two is an error: a database that applied the old
 * one would refuse the new release.
 */
import { CutoverError } from '../errors.js';
import type { LintReport } from '../lint/index.js';
import type { Migration } from '../migrations/types.js';
import { orderOf } from './versions.js';

/** One added migration. */
export interface NotesMigration {
  version: string;
  name: string;
  file: string;
  phase: 'pre' | 'post';
  transaction: boolean;
  /** `ACCESS EXCLUSIVE on "users"`, strongest first. */
  locks: string[];
  /** How long the locks are held, as the linter expects it. */
  duration: 'brief' | 'scan' | 'rewrite';
  /** Lint findings (warnings and errors): what and why. */
  findings: { rule: string; severity: string; message: string }[];
}

/** What `notes` reports. */
export interface NotesReport {
  from: string;
  to: string;
  added: NotesMigration[];
  /** The post phase must run after the rollout. */
  postStepNeeded: boolean;
  /** Files in both whose contents differ (an error). */
  edited: { version: string; file: string }[];
  /** Files in `from` and not in `to` (an error). */
  removed: { version: string; file: string }[];
}

const DURATION_WORDS: Record<NotesMigration['duration'], string> = {
  brief: 'brief (catalog only)',
  scan: 'a full scan of the table',
  rewrite: 'a full rewrite of the table',
};

function lockName(mode: string): string {
  return mode.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/**
 * Compare the two sets; `lint` is the linter's report on the added files.
 *
 * @example
 * const report = releaseNotes('v1.4.0', 'v1.5.0', before, after, await lintScripts(added));
 */
export function releaseNotes(from: string, to: string, before: readonly Migration[], after: readonly Migration[], lint: LintReport, fileOf: (m: Migration) => string = (m) => m.file): NotesReport {
  const old = new Map(before.map((m) => [m.version, m]));
  const now = new Map(after.map((m) => [m.version, m]));
  const order = orderOf([...after, ...before]);
  const added = after.filter((m) => !old.has(m.version)).sort((a, b) => order.compare(a.version, b.version)).map((m): NotesMigration => {
    const file = lint.files.find((f) => f.file === m.file);
    const statements = file?.statements ?? [];
    const locks = [...new Set(statements.flatMap((s) => s.locks.map((l) => `${lockName(l.mode)} on "${l.relation}"`)))];
    const duration = statements.some((s) => s.rewrites.length) ? 'rewrite' : statements.some((s) => s.scans.length) ? 'scan' : 'brief';
    const findings = lint.findings.filter((f) => f.file === m.file && f.severity !== 'info').map((f) => ({ rule: f.rule, severity: f.severity, message: f.message }));
    return { version: m.version, name: m.name, file: fileOf(m), phase: m.phase, transaction: m.transaction, locks, duration, findings };
  });
  return {
    from, to, added,
    postStepNeeded: added.some((m) => m.phase === 'post'),
    edited: after.filter((m) => old.has(m.version) && !m.repeatable && old.get(m.version)!.checksum !== m.checksum).map((m) => ({ version: m.version, file: fileOf(m) })),
    removed: before.filter((m) => !now.has(m.version)).map((m) => ({ version: m.version, file: fileOf(m) })),
  };
}

/** MIGRATION_EDITED_IN_RANGE / MIGRATION_REMOVED_IN_RANGE for a report with either, else undefined. */
export function notesError(report: NotesReport): CutoverError<NotesReport> | undefined {
  const [edited] = report.edited;
  const [removed] = report.removed;
  if (!edited && !removed) return undefined;
  const names = (list: { file: string }[]) => list.map((x) => x.file).join(', ');
  const error = edited
    ? new CutoverError<NotesReport>('MIGRATION_EDITED_IN_RANGE', `${report.from}..${report.to} edits ${report.edited.length === 1 ? 'a migration' : `${report.edited.length} migrations`} that ${report.from} already had: ${names(report.edited)}`, {
      hint: 'A database that applied the old file refuses the new release (CHECKSUM_MISMATCH). Restore the file as it was in the older ref and put the change in a new migration.',
      details: { edited: report.edited, removed: report.removed },
    })
    : new CutoverError<NotesReport>('MIGRATION_REMOVED_IN_RANGE', `${report.from}..${report.to} removes ${report.removed.length === 1 ? 'a migration' : `${report.removed.length} migrations`}: ${names(report.removed)}`, {
      hint: 'Databases that applied it still list it (MISSING_ON_DISK). Restore the file; undo its effect with a new migration instead.',
      details: { removed: report.removed },
    });
  error.report = report;
  return error;
}

/**
 * The Markdown section for a CHANGELOG or a GitHub release.
 *
 * @example
 * renderNotesMarkdown(report); // '## Migration required\n…'
 */
export function renderNotesMarkdown(report: NotesReport): string {
  if (report.added.length === 0) return `## Migration required\n\nNone: ${report.from}..${report.to} adds no migration.\n`;
  const pre = report.added.filter((m) => m.phase === 'pre');
  const post = report.added.filter((m) => m.phase === 'post');
  const lines = [
    '## Migration required',
    '',
    `${report.to} adds ${report.added.length} migration${report.added.length === 1 ? '' : 's'} (since ${report.from}).`,
    '',
    '| Version | Migration | Phase | Locks | Held for | Lint |',
    '|---|---|---|---|---|---|',
    ...report.added.map((m) => `| ${m.version} | ${m.name.replace(/\|/g, '\\|')} | ${m.phase}${m.transaction ? '' : ', no transaction'} | ${m.locks.join(', ') || 'none on existing tables'} | ${DURATION_WORDS[m.duration]} | ${m.findings.map((f) => `${f.severity} ${f.rule}`).join(', ') || 'clean'} |`),
    '',
    '**Upgrade steps**',
    '',
    `1. Before deploying: \`cutover migrate --phase pre\`${pre.length ? ` (${pre.map((m) => m.version).join(', ')})` : ' (nothing new: a no-op)'}.`,
    '2. Deploy the new version and wait until every instance runs it.',
    post.length
      ? `3. **Post step needed:** \`cutover migrate --phase post\` (${post.map((m) => m.version).join(', ')}); the guard holds it back while an older instance is live. Do not leave it pending for days: rehearse it first (\`cutover rehearse\`).`
      : '3. No post step in this release.',
  ];
  const findings = report.added.flatMap((m) => m.findings.map((f) => `- ${m.file}: ${f.message}`));
  if (findings.length) lines.push('', '**What the linter expects**', '', ...findings);
  return `${lines.join('\n')}\n`;
}
