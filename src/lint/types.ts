/**
 * The linter's data: findings (what a rule reports), rules, and the context
 * a rule reads. A rule reads nothing else and prints nothing.
 */
import type { MigrationScript } from '../migrations/types.js';
import type { Statement } from '../sql/statements.js';
import type { Catalog } from './catalog.js';
import type { StatementFacts } from './facts/index.js';

/** How bad a finding is; `off` disables a rule in the config. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found at one statement. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** What is wrong: the lock, for how long, and why that hurts. */
  message: string;
  /** The safe way. */
  help: string;
  /** Safe SQL to use instead, where one can be written mechanically. */
  fix?: string;
  /** The strongest lock the statement takes, e.g. `ACCESS EXCLUSIVE on "users"`. */
  lock?: string;
  /** The statement's first line. */
  statement: string;
  /** The file's line at `line`, for the caret. */
  source: string;
  docs: string;
}

/** What a rule may report. */
export interface Report {
  message: string;
  help: string;
  fix?: string;
  /** Override the rule's default severity for this finding (before the config applies). */
  severity?: Severity;
}

/** Everything a rule can see about one statement. */
export interface RuleContext {
  statement: Statement;
  facts: StatementFacts;
  /** The file's statements and their facts, for rules that look back. */
  statements: readonly Statement[];
  allFacts: readonly StatementFacts[];
  /**
   * What the file's statements before this one did, kept as the engine goes,
   * so rules that look back stay linear in the file's size (issue 16.9).
   */
  before: {
    /** Relations taken ACCESS EXCLUSIVE so far. */
    accessExclusive: ReadonlySet<string>;
    /** Enum values added with ALTER TYPE … ADD VALUE so far. */
    enumValuesAdded: readonly string[];
  };
  script: Pick<MigrationScript, 'file' | 'sql' | 'phase' | 'transaction'>;
  catalog: Catalog;
  /** Target major: --pg-version, the config, or the connected server. */
  pgVersion?: number;
  /** The relation is new (created in this file) or, with a live catalog, smaller than the threshold. */
  isSmall(relation: string): boolean;
  report(report: Report): void;
}

/** A lint rule: `src/lint/rules/<id>.ts`. */
export interface Rule {
  id: string;
  summary: string;
  severity: Severity;
  check(context: RuleContext): void;
}
