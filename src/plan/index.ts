/** The pure planner and its history checks. */
export { plan, planRollback, statusEntries } from './plan.js';
export { checkEdited, checkMissing, checkFailed, checkOutOfOrder, checkPhaseOrder } from './checks.js';
export type { LedgerRow, Plan, PlanOptions, PhaseOption, Problem, ProblemCode, Step, StatusEntry, EntryState } from './types.js';
