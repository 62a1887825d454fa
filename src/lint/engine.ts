/**
 * The lint engine: parse each file, compute each statement's facts against
 * a schema model (offline, or over the live catalog), run every rule, apply
 * the config's severities and the `-- cutover:lint-ignore` suppressions
 * (file-level in the header, statement-level just above a statement; a
 * reason is always required), and return one report — plain data that the
 * renderers in render/ turn into text, JSON, GitHub annotations or SARIF.
 */
import { CutoverError, throwAll } from '../errors.js';
import { SETTINGS } from '../config/settings.js';
import type { MigrationScript } from '../migrations/types.js';
import type { Statement } from '../sql/statements.js';
import type { Parser } from '../sql/parse-host.js';
import { splitWithVerdicts, type VerdictStore } from '../verdicts/index.js';
import { SchemaModel, type Catalog } from './catalog.js';
import { sqlName, statementFacts, track, type RelationLock, type StatementFacts } from './facts/index.js';
import { checkRuleId, ruleDocsUrl, RULES, type RuleId } from './registry.js';
import { tokenAt } from './token.js';
import type { Finding, Report, RuleContext, Severity } from './types.js';

/** Options of a lint run. */
export interface LintOptions {
  /** Per-rule severity or `off` (config `lintRules`). */
  rules?: Record<string, Severity | 'off'>;
  /** Target PostgreSQL major (default: the connected server's, else the newest). */
  pgVersion?: number;
  /** The live catalog (`--url`); offline without it. */
  catalog?: Catalog;
  /** Tables with fewer estimated rows than this are "small": lock warnings are dropped (live catalog only). */
  smallTableRows?: number;
  /** An open parser ({@link openParser}) to use, e.g. one started before the files were read. */
  parser?: Parser;
  /** Verdicts to use and fill (src/verdicts): a file with one (parse trees kept) is linted unparsed. */
  verdicts?: VerdictStore | undefined;
  /**
   * The scripts are the pending migrations of one run, in order, onto the live catalog (the
   * `migrate` gate, `plan`): a relation created by an earlier script of the run, or absent from
   * the catalog, is new and empty when its statement runs, so it draws no lock finding.
   */
  pending?: boolean;
  /**
   * Which files get findings (`lint.since`, `lint --changed`); the others only teach the
   * model the tables they create. Default: every file.
   */
  lintFile?: (file: string) => boolean;
}

/** One statement as lint saw it. */
export interface LintedStatement {
  line: number;
  column: number;
  kind: string;
  locks: RelationLock[];
  rewrites: string[];
  scans: string[];
}

/** A finding a `-- cutover:lint-ignore` line let through, with its reason. */
export interface SuppressedFinding extends Pick<Finding, 'rule' | 'severity' | 'file' | 'line' | 'column' | 'message'> {
  reason: string;
}

/** The result of linting some files. */
export interface LintReport {
  files: { file: string; phase: string; transaction: boolean; statements: LintedStatement[] }[];
  findings: Finding[];
  /** Findings that `-- cutover:lint-ignore` suppressed: recorded, not counted. */
  suppressed: SuppressedFinding[];
  counts: Record<Severity, number>;
  /** The major the facts were taken for, and whether a live catalog was used. */
  pgVersion?: number;
  live: boolean;
}

/** The script fields lint needs. */
export type LintScript = Pick<MigrationScript, 'file' | 'sql' | 'phase' | 'transaction' | 'lintIgnore'>;

/** Sequential read/write throughput assumed for estimates: a conservative figure for cloud disks. */
const MB_PER_SECOND = 200;

/** ` ("users": ~1.2M rows, 830 MB; reading or rewriting it takes ~4 s)` from the live catalog's relpages. */
function estimate(catalog: Catalog, relations: string[]): string {
  const parts = [...new Set(relations)].flatMap((name) => {
    const info = catalog.relation(name);
    if (!info?.pages || info.pages <= 0) return [];
    const mb = (info.pages * 8192) / 1e6;
    const rows = info.rows !== undefined && info.rows >= 0 ? `~${info.rows >= 1e6 ? `${(info.rows / 1e6).toFixed(1)}M` : Math.round(info.rows)} rows, ` : '';
    return [`"${name}": ${rows}${mb < 1 ? '<1' : Math.round(mb)} MB; reading or rewriting it takes ~${Math.max(1, Math.round(mb / MB_PER_SECOND))} s at ${MB_PER_SECOND} MB/s, plus index builds`];
  });
  return parts.length ? ` (${parts.join('; ')})` : '';
}

const IGNORE = /^\s*--\s*cutover:lint-ignore(?:\s+(\S+))?(?:\s+(\S.*))?$/;

/** Statement-level ignores (rule id → reason): `-- cutover:lint-ignore` lines between the previous statement and this one. */
function statementIgnores(script: LintScript, statements: readonly Pick<Statement, 'start' | 'end'>[], index: number, problems: CutoverError[]): Map<string, string> {
  const rules = new Map<string, string>();
  const from = index === 0 ? 0 : statements[index - 1]!.end;
  const gap = script.sql.slice(from, statements[index]!.start);
  if (!gap.includes('cutover:lint-ignore')) return rules; // the usual case: nothing to read
  const lines = gap.split('\n');
  const firstLine = script.sql.slice(0, from).split('\n').length;
  lines.forEach((text, i) => {
    const match = IGNORE.exec(text);
    if (!match || index === 0) return; // the header's ignores are file-wide (parsed as directives)
    const line = firstLine + i;
    if (!match[1] || !match[2]) {
      problems.push(new CutoverError('BAD_DIRECTIVE', `${script.file}:${line}: cutover:lint-ignore needs rule ids and a reason`, {
        hint: 'Write `-- cutover:lint-ignore <rule>[,<rule>] <why this is safe>` just above the statement.', details: { file: script.file, line, directive: 'lint-ignore' },
      }));
      return;
    }
    for (const id of match[1].split(',')) {
      const unknown = checkRuleId(id, `${script.file}:${line}`);
      if (unknown) problems.push(unknown);
      rules.set(id, match[2]);
    }
  });
  return rules;
}

/** Whether a statement touches relations, and only new or small ones (created earlier in the run, absent, few rows). */
function touchesOnlyNew(facts: StatementFacts, isSmall: (relation: string) => boolean): boolean {
  const relations = [...facts.locks.map((l) => l.relation), ...facts.actions.flatMap((a) => [a.relation, ...(a.others ?? []).map((o) => o.relation)])]
    .filter((r): r is string => r !== undefined && r !== '?');
  return relations.length > 0 && relations.every(isSmall);
}

/** A lint run fed one parsed file at a time, in version order (`migrate` lints while it parses). */
export interface Linter {
  /** Lint one file: its statements as {@link splitStatements} gives them, parse trees included. */
  file(script: LintScript, statements: Statement[]): void;
  /** Parse (with trees) and lint each script, in order, then {@link Linter.finish}. */
  run(scripts: readonly LintScript[], parser?: Parser): Promise<LintReport>;
  /** The report; throws UNKNOWN_RULE / BAD_DIRECTIVE found on the way (exit 2). */
  finish(): LintReport;
}

/** File-level ignores: their rule ids must exist. */
function fileIgnoreProblems(script: LintScript, problems: CutoverError[]): void {
  for (const [line, id] of script.lintIgnore.flatMap((i) => i.rules.map((r) => [i.line, r] as const))) {
    const unknown = checkRuleId(id, `${script.file}:${line}`);
    if (unknown) problems.push(unknown);
  }
}

/**
 * Start a lint run (throws UNKNOWN_RULE for a bad `rules` key at once).
 *
 * @example
 * const linter = createLinter({ rules: { 'prefer-text': 'off' } });
 * linter.file(script, await splitStatements(script));
 * const report = linter.finish();
 */
export function createLinter(options: LintOptions = {}): Linter {
  const problems: CutoverError[] = [];
  for (const id of Object.keys(options.rules ?? {})) {
    const unknown = checkRuleId(id, 'lintRules');
    if (unknown) problems.push(unknown);
  }
  throwAll(problems);
  const model = new SchemaModel(options.catalog);
  const pgVersion = options.pgVersion ?? model.serverMajor;
  const small = options.smallTableRows ?? SETTINGS.lintSmallTable.default;
  const report: LintReport = { files: [], findings: [], suppressed: [], counts: { error: 0, warning: 0, info: 0 }, live: model.live, ...(pgVersion ? { pgVersion } : {}) };
  const isSmall = (relation: string) => {
    const info = model.relation(relation);
    if (info?.created) return true;
    // The gate: a relation the live catalog lacks does not exist yet (it is made by this run, or the statement fails).
    if (options.pending && model.isAbsent(relation)) return true;
    return model.live && info !== undefined && info.rows !== undefined && info.rows >= 0 && info.rows < small;
  };
  const file = (script: LintScript, statements: Statement[]) => {
    // In a run, a relation created by an earlier pending file is still new; otherwise it exists now.
    if (!options.pending) model.nextFile();
    const fileIgnores = new Map(script.lintIgnore.flatMap((i) => i.rules.map((rule) => [rule, i.reason] as const)));
    fileIgnoreProblems(script, problems);
    const judged = options.lintFile?.(script.file) ?? true;
    const allFacts: StatementFacts[] = [];
    const before = { accessExclusive: new Set<string>(), enumValuesAdded: [] as string[] };
    let lines: string[] | undefined;
    const linted: LintedStatement[] = [];
    for (const [index, statement] of statements.entries()) {
      const facts = statementFacts(statement.kind, statement.node, model, pgVersion);
      allFacts.push(facts);
      linted.push({ line: statement.line, column: statement.column, kind: statement.kind, locks: facts.locks, rewrites: facts.rewrites, scans: facts.scans.map((s) => s.relation) });
      const local = index === 0 ? undefined : statementIgnores(script, statements, index, problems);
      const ignored = local?.size ? new Map([...fileIgnores, ...local]) : fileIgnores;
      // One context per statement; `report` attributes findings to the rule being run.
      let rule: (typeof RULES)[number] = RULES[0];
      let configured: Severity | 'off' | undefined;
      let onlyNew: boolean | undefined;
      const context: RuleContext = {
        statement, facts, statements, allFacts, before, script, catalog: model, isSmall,
        ...(pgVersion ? { pgVersion } : {}),
        report: (found: Report) => {
          const severity = (configured as Severity | undefined) ?? found.severity ?? rule.severity;
          // The gate stops only what would hurt the database as it is now: not a statement on new or small tables alone.
          if (options.pending && severity === 'error' && (onlyNew ??= touchesOnlyNew(facts, isSmall))) return;
          lines ??= script.sql.split('\n');
          const at = tokenAt(statement, found.message, facts.actions);
          const reason = ignored.get(rule.id);
          if (reason !== undefined) {
            report.suppressed.push({ rule: rule.id, severity, file: script.file, ...at, message: found.message, reason });
            return;
          }
          const heavy = facts.locks[0];
          report.findings.push({
            rule: rule.id as RuleId, severity, file: script.file, ...at,
            message: found.message + (model.live ? estimate(model, [...facts.rewrites, ...facts.scans.map((x) => x.relation)]) : ''), help: found.help, ...(found.fix ? { fix: found.fix } : {}),
            ...(heavy ? { lock: `${sqlName(heavy.mode)} on "${heavy.relation}"` } : {}),
            statement: statement.text.split('\n')[0]!, source: lines[at.line - 1] ?? '', docs: ruleDocsUrl(rule.id),
          });
          report.counts[severity]++;
        },
      };
      for (const current of judged ? RULES : []) {
        configured = options.rules?.[current.id];
        if (configured === 'off') continue;
        rule = current;
        current.check(context);
      }
      track(model, statement.kind, statement.node);
      for (const lock of facts.locks) if (lock.mode === 'AccessExclusive') before.accessExclusive.add(lock.relation);
      if (statement.kind === 'AlterEnumStmt' && statement.node.newVal) before.enumValuesAdded.push(String(statement.node.newVal));
    }
    report.files.push({ file: script.file, phase: script.phase, transaction: script.transaction, statements: linted });
  };
  const finish = () => {
    throwAll(problems);
    return report;
  };
  return {
    file,
    async run(scripts, parser) {
      // From verdicts where kept; else parsed a chunk at a time: one parser call per chunk is fast,
      // and no more parse trees are alive at once than a chunk or two hold (a thousand files' trees
      // would double peak memory). A file that does not parse stops the run at its line and column.
      for await (const one of splitWithVerdicts(scripts, { tree: true, parser, verdicts: options.verdicts })) {
        if ('error' in one) throw one.error;
        file(one.script, one.statements);
      }
      return finish();
    },
    finish,
  };
}

/**
 * Lint files (in version order: a table created in an earlier file is known
 * to later ones). Throws UNKNOWN_RULE / BAD_DIRECTIVE / SYNTAX_ERROR (exit 2).
 *
 * @example
 * const report = await lintScripts(migrations, { rules: { 'prefer-text': 'off' } });
 */
export async function lintScripts(scripts: readonly LintScript[], options: LintOptions = {}): Promise<LintReport> {
  return createLinter(options).run(scripts, options.parser);
}
