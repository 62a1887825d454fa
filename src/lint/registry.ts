/**
 * Every lint rule, in one array; `RuleId` is derived from it. Adding a rule:
 * write `rules/<id>.ts`, add it here, add `docs/rules/<id>.md` and fixtures
 * in test/lint/fixtures/<id>/.
 */
import { CutoverError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import addingCheckColumn from './rules/adding-check-column.js';
import addingFieldWithVolatileDefault from './rules/adding-field-with-volatile-default.js';
import addingForeignKeyConstraint from './rules/adding-foreign-key-constraint.js';
import addingNotNullableField from './rules/adding-not-nullable-field.js';
import addingUniqueConstraint from './rules/adding-unique-constraint.js';
import banDropColumn from './rules/ban-drop-column.js';
import banDropDatabase from './rules/ban-drop-database.js';
import banDropTable from './rules/ban-drop-table.js';
import changingColumnType from './rules/changing-column-type.js';
import concurrentlyInTransaction from './rules/concurrently-in-transaction.js';
import constraintMissingNotValid from './rules/constraint-missing-not-valid.js';
import droppingDefault from './rules/dropping-default.js';
import droppingForeignKey from './rules/dropping-foreign-key.js';
import enumValueUsedInTransaction from './rules/enum-value-used-in-transaction.js';
import lockAccumulation from './rules/lock-accumulation.js';
import lockTable from './rules/lock-table.js';
import nonIdempotentNoTransaction from './rules/non-idempotent-no-transaction.js';
import preferBigintIdentity from './rules/prefer-bigint-identity.js';
import preferText from './rules/prefer-text.js';
import preferTimestamptz from './rules/prefer-timestamptz.js';
import refreshWithoutConcurrently from './rules/refresh-without-concurrently.js';
import renamingColumn from './rules/renaming-column.js';
import renamingTable from './rules/renaming-table.js';
import requireConcurrentIndexCreation from './rules/require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './rules/require-concurrent-index-deletion.js';
import requireConcurrentReindex from './rules/require-concurrent-reindex.js';
import setLoggedUnlogged from './rules/set-logged-unlogged.js';
import settingNotNull from './rules/setting-not-null.js';
import timeoutDisabled from './rules/timeout-disabled.js';
import transactionNesting from './rules/transaction-nesting.js';
import unbatchedBackfill from './rules/unbatched-backfill.js';
import unknownLocks from './rules/unknown-locks.js';
import vacuumFullCluster from './rules/vacuum-full-cluster.js';

/** The registry. */
export const RULES = [
  addingCheckColumn,
  addingFieldWithVolatileDefault,
  addingForeignKeyConstraint,
  addingNotNullableField,
  addingUniqueConstraint,
  banDropColumn,
  banDropDatabase,
  banDropTable,
  changingColumnType,
  concurrentlyInTransaction,
  constraintMissingNotValid,
  droppingDefault,
  droppingForeignKey,
  enumValueUsedInTransaction,
  lockAccumulation,
  lockTable,
  nonIdempotentNoTransaction,
  preferBigintIdentity,
  preferText,
  preferTimestamptz,
  refreshWithoutConcurrently,
  renamingColumn,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  setLoggedUnlogged,
  settingNotNull,
  timeoutDisabled,
  transactionNesting,
  unbatchedBackfill,
  unknownLocks,
  vacuumFullCluster,
] as const;

/** Where the docs are published (package.json `homepage`): rule links are full URLs. */
export const DOCS_URL = 'https://github.com/cutover-dev/cutover/blob/main/docs/';

/**
 * The rule's documentation page.
 *
 * @example
 * ruleDocsUrl('prefer-text'); // 'https://github.com/cutover-dev/cutover/blob/main/docs/rules/prefer-text.md'
 */
export function ruleDocsUrl(id: string): string {
  return `${DOCS_URL}rules/${id}.md`;
}

/** A rule's id. */
export type RuleId = (typeof RULES)[number]['id'];

/** Every rule id. */
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

/**
 * An UNKNOWN_RULE error (with "did you mean") when `id` names no rule.
 *
 * @example
 * checkRuleId('prefer-txt', 'cutover.config.json'); // throws: did you mean "prefer-text"?
 */
export function checkRuleId(id: string, where: string): CutoverError | undefined {
  if ((RULE_IDS as readonly string[]).includes(id)) return undefined;
  return new CutoverError('UNKNOWN_RULE', `${where}: unknown lint rule "${id}".${didYouMean(id, RULE_IDS)}`, {
    hint: `See ${DOCS_URL}rules/ for the rule ids, or \`cutover lint --list-rules\`.`, details: { rule: id, where },
  });
}
