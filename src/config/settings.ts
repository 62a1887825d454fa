/**
 * Settings, resolved once from flags > environment > config file > defaults
 * by one schema that validates every value, collects every problem, rejects
 * unknown keys with "did you mean", and remembers where each value came
 * from (`cutover config --print`). Only this module reads the environment,
 * and it gets it as a parameter.
 */
import { CutoverError, throwAll } from '../errors.js';
import { durationHint, parseDurationSetting } from '../duration.js';
import { describeUrl, redact } from '../db/url.js';
import { LONG_NAME_HINT, longNameProblem } from '../db/sql.js';
import { didYouMean } from '../suggest.js';
import { connectionCandidates, fillFromEnvFile } from './connection-sources.js';
import type { TargetSpec } from '../fleet/types.js';
import { targetsProblem, toTargetSpecs } from './targets.js';
import { splitSchemaList } from './schema-list.js';
import { FORMATS, type FormatOption } from '../migrations/formats/types.js';
import { LEDGER_KINDS, type LedgerKind } from '../db/ledger.js';

type Kind = 'string' | 'schema' | 'schemaList' | 'duration' | 'integer' | 'boolean' | 'url' | 'targets' | 'rules' | 'format' | 'ledger';

/** One setting: everything flags, validation, the environment, `config --print`, `--help` and the docs know of it. */
export interface Setting {
  kind: Kind;
  /** The flag, absent for a file-only setting; its commander name is the setting's key. */
  flag?: string;
  /** The flag's value in `--help` (`<duration>`); absent for a boolean switch. */
  value?: string;
  env?: string;
  /** The default, in the unit of the resolved value (durations in ms). */
  default?: unknown;
  /** The default in words, for the docs, where a value would not say it (`the server's`). */
  defaultText?: string;
  /** The commands whose flag it is: `all` (a global flag), or their names. The file and the environment reach every command. */
  commands: 'all' | readonly string[];
  /** One line, for `--help` and the JSON Schema. */
  summary: string;
  /** The docs' "Value" column (docs/configuration.md is generated from it). */
  doc: string;
}

/**
 * The settings table: every setting once, with its flag, environment variable, default, the
 * commands that take its flag, and its docs. Flags (src/cli), validation, `config --print`,
 * docs/configuration.md and docs/config.schema.json are derived from it.
 */
export const SETTINGS = {
  url: {
    kind: 'url', flag: '--url', env: 'DATABASE_URL', summary: 'database URL or libpq keyword string (else DATABASE_URL, PG*, .env; the embedded dev database only at a terminal outside CI)',
    value: '<url>',
    defaultText: `none: at a terminal outside CI the [embedded dev database](embedded.md), else \`NO_DATABASE\``,
    commands: 'all',
    doc: `anything libpq takes: a \`postgres://\` or \`postgresql://\` URL (\`postgres://u:p@/db?host=/cloudsql/…\` for a socket), or a keyword string (\`host=db port=5432 dbname=app user=app password='a b'\`); \`sslmode\` as libpq means it (\`prefer\` falls back to no SSL). Without it: \`PG*\`, then \`.env\` ([the database](#the-database))`,
  },
  schema: {
    kind: 'schema', flag: '--schema', env: 'DB_SCHEMA', default: 'public', summary: 'target schema (ledger and search_path)',
    value: '<name>',
    commands: 'all',
    doc: `any name: it is always quoted, so \`tenant 7\` or \`a"b\` work; not empty, no control characters, not \`pg_…\``,
  },
  dir: {
    kind: 'string', flag: '--dir', env: 'CUTOVER_DIR', default: 'migrations', summary: 'migrations directory',
    value: '<path>',
    commands: 'all',
    doc: `path, relative to the working directory`,
  },
  format: {
    kind: 'format', flag: '--format', env: 'CUTOVER_FORMAT', default: 'auto', summary: `layout of the migrations directory: auto, ${FORMATS.join(', ')} (docs/formats.md)`,
    value: '<layout>',
    commands: 'all',
    doc: `the directory's layout: \`auto\` or a tool's ([formats](formats.md))`,
  },
  ledger: {
    kind: 'ledger', flag: '--ledger', env: 'CUTOVER_LEDGER', default: 'cutover', summary: 'history table: cutover (cutover_migrations) or sqlx (_sqlx_migrations, shared with sqlx::migrate!; docs/sqlx-ledger.md)',
    value: '<kind>',
    commands: 'all',
    doc: `the history table: \`cutover\` (\`cutover_migrations\`, [ledger.md](ledger.md)) or \`sqlx\` (\`_sqlx_migrations\`, read and written as sqlx does, shared with a service running \`sqlx::migrate!\`; only for the \`cutover\`, \`sqlx\` and \`golang-migrate\` layouts: [sqlx-ledger.md](sqlx-ledger.md))`,
  },
  lockTimeout: {
    kind: 'duration', flag: '--lock-timeout', env: 'CUTOVER_LOCK_TIMEOUT', default: 500, summary: 'lock_timeout of each migration transaction once the retry schedule has ramped up from 100ms (docs/locking.md)',
    value: '<duration>',
    commands: 'all',
    doc: `duration, the ceiling of the retry schedule (the first attempts wait 100–400 ms: [locking.md](locking.md)); \`0\` = no limit`,
  },
  statementTimeout: {
    kind: 'duration', flag: '--statement-timeout', env: 'CUTOVER_STATEMENT_TIMEOUT', summary: "statement_timeout of migrations (default: the server's)",
    value: '<duration>',
    defaultText: `the server's`,
    commands: 'all',
    doc: `duration; \`0\` = no limit`,
  },
  lockRetries: {
    kind: 'integer', flag: '--lock-retries', env: 'CUTOVER_LOCK_RETRIES', default: 40, summary: 'retries of a migration after a lock timeout, on a growing schedule (docs/locking.md)',
    value: '<n>',
    commands: 'all',
    doc: `whole number ≥ 0 (about 6 minutes of retries)`,
  },
  lockWait: {
    kind: 'duration', flag: '--lock-wait', env: 'CUTOVER_LOCK_WAIT', summary: "how long to wait for another run's migration lock (default: no limit)",
    value: '<duration>',
    defaultText: `no limit`,
    commands: 'all',
    doc: `duration`,
  },
  strict: {
    kind: 'boolean', flag: '--strict', env: 'CUTOVER_STRICT', default: false, summary: 'the database ahead of the directory is an error',
    commands: 'all',
    doc: `boolean`,
  },
  allowOutOfOrder: {
    kind: 'boolean', flag: '--allow-out-of-order', env: 'CUTOVER_ALLOW_OUT_OF_ORDER', default: false, summary: 'allow pending migrations older than applied ones',
    commands: 'all',
    doc: `boolean`,
  },
  lintRules: {
    kind: 'rules', flag: '--lint-rules', env: 'CUTOVER_LINT_RULES', summary: 'lint rule severities: { "prefer-text": "off" } in the file, prefer-text=off,lock-accumulation=error as a flag',
    value: '<list>',
    defaultText: `every rule at its own severity`,
    commands: ['lint', 'migrate', 'plan'],
    doc: `\`{ "prefer-text": "off", "lock-accumulation": "error" }\` in the file; \`prefer-text=off,lock-accumulation=error\` as flag or variable; unknown rule ids are \`UNKNOWN_RULE\` ([lint.md](lint.md))`,
  },
  pgVersion: {
    kind: 'integer', flag: '--pg-version', env: 'CUTOVER_PG_VERSION', summary: "PostgreSQL major the linter targets (default: the connected server's, else the newest)",
    value: '<major>',
    defaultText: `the connected server's, else the newest`,
    commands: ['lint', 'migrate', 'plan'],
    doc: `PostgreSQL major (12–18) the linter's facts are taken for`,
  },
  lintSmallTable: {
    kind: 'integer', flag: '--lint-small-table', env: 'CUTOVER_LINT_SMALL_TABLE', default: 10000, summary: 'with a live catalog, tables with fewer estimated rows get no lock warnings',
    value: '<rows>',
    commands: ['lint', 'migrate', 'plan'],
    doc: `with \`lint --url\` and in the \`migrate\` gate, tables with fewer estimated rows get no lock findings ([lint.md](lint.md#the-gate))`,
  },
  lintSince: {
    kind: 'string', flag: '--lint-since', env: 'CUTOVER_LINT_SINCE', summary: 'lint baseline: files of this version or older are not judged (strong_migrations\' start_after)',
    value: '<version>',
    defaultText: `none: every file is judged`,
    commands: ['lint', 'migrate', 'plan'],
    doc: `a migration version: files of this version or older are read (the tables they create are known) but not judged by \`lint\` and the \`migrate\` gate ([lint.md](lint.md#adopting-lint-in-an-existing-repository))`,
  },
  postPendingWarn: {
    kind: 'duration', flag: '--post-pending-warn', env: 'CUTOVER_POST_PENDING_WARN', default: 86_400_000, summary: 'status, serve and upgrade warn about a post migration pending longer than this (suggesting rehearse)',
    value: '<duration>',
    commands: ['status', 'serve', 'upgrade'],
    doc: `duration; \`status\`, \`serve\` (the health body) and \`upgrade\` warn about a post migration pending longer than this, counted from the newest migration applied below it ([zero-downtime.md](zero-downtime.md#post-left-pending))`,
  },
  cache: {
    kind: 'boolean', flag: '--no-cache', env: 'CUTOVER_CACHE', default: true, summary: "the verdict cache: each file's parse and lint facts, kept by its bytes, used and filled (docs/performance.md); --no-cache: parse every file",
    commands: ['lint', 'migrate', 'plan', 'bundle'],
    doc: `boolean; \`false\` (\`--no-cache\`): no verdict is read or written, a bundle's embedded verdicts are not used either, every file is parsed ([performance.md](performance.md#verdicts))`,
  },
  cacheDir: {
    kind: 'string', flag: '--cache-dir', env: 'CUTOVER_CACHE_DIR', summary: 'where verdicts are kept (default: node_modules/.cache/cutover of the nearest package, else the user cache directory)',
    value: '<path>',
    defaultText: `\`node_modules/.cache/cutover\` of the package holding the migrations, else \`$XDG_CACHE_HOME/cutover\` (\`~/.cache/cutover\`; macOS \`~/Library/Caches/cutover\`, Windows \`%LOCALAPPDATA%\\cutover\\Cache\`)`,
    commands: ['lint', 'migrate', 'plan', 'bundle'],
    doc: `path, relative to the working directory; a directory that cannot be written just means no cache ([performance.md](performance.md#verdicts))`,
  },
  schemas: {
    kind: 'schemaList', flag: '--schemas', summary: 'schemas by name or glob, comma-separated (tenant_*,audit): a fleet run for migrate, status and dashboard; what backup and copy take (docs/commands.md#schema-lists)',
    value: '<list>',
    defaultText: 'none: `--schema` (`backup`), every schema (`copy`), one schema (`migrate`, `status`, `dashboard`)',
    commands: ['migrate', 'status', 'dashboard', 'backup', 'copy'],
    doc: `names and globs separated by commas, the same on every command: \`*\` any run of characters, \`?\` one, a backslash makes the next character itself (\`a\\,b\`), spaces around an entry are dropped; a name that does not exist is \`SCHEMA_NOT_FOUND\` ([schema lists](commands.md#schema-lists))`,
  },
  targets: {
    kind: 'targets', summary: 'fleet: databases and their schemas, [{ url, schemas | schemasQuery | allSchemas }] (docs/fleet.md)',
    commands: ['migrate', 'status'],
    doc: `fleet: \`[{ "url": "postgres://…", "schemas": "tenant_*" \\| ["a", "b"], "schemasQuery": "SELECT …", "allSchemas": true }]\`; \`migrate\` and \`status\` then run over every target ([fleet.md](fleet.md))`,
  },
} as const satisfies Record<string, Setting>;

/** A setting's name. */
export type SettingKey = keyof typeof SETTINGS;

/**
 * Defaults of the library's own options, which have no flag, variable or config key: the
 * lock-retry schedule's first sleep and its cap (docs/locking.md). Applied, like the table's,
 * only in src/target.
 */
export const LIBRARY_DEFAULTS = {
  retryDelayMs: 50,
  retryDelayMaxMs: 10_000,
} as const;

/** Where a value came from. */
export type Origin = 'flag' | 'env' | 'env-file' | 'file' | 'default';

/** Resolved settings: values and where each came from. */
export interface Settings {
  url?: string;
  schema: string;
  dir: string;
  /** The directory's layout, or `auto`. */
  format: FormatOption;
  /** The history table: cutover's own, or sqlx's. */
  ledger: LedgerKind;
  lockTimeoutMs: number;
  statementTimeoutMs?: number;
  lockRetries: number;
  lockWaitMs?: number;
  strict: boolean;
  allowOutOfOrder: boolean;
  /** Lint rule severities (`off` disables). */
  lintRules?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
  pgVersion?: number;
  /** Lint baseline: files of this version or older are not judged. */
  lintSince?: string;
  lintSmallTable: number;
  /** Warn about a post migration left pending longer than this. */
  postPendingWarnMs: number;
  /** `--schemas`: names and globs, comma-separated (src/config/schema-list.ts). */
  schemas?: string;
  /** Fleet targets from the config file (docs/fleet.md). */
  targets?: TargetSpec[];
  /** Use and fill the verdict cache (docs/performance.md). */
  cache: boolean;
  /** Where verdicts are kept (default: see src/config/cache-dir.ts). */
  cacheDir?: string;
  /** For each setting: where its value came from, and the value as shown (URL redacted). */
  origins: Record<SettingKey, { origin: Origin; source?: string; shown: string | undefined }>;
}

/** The inputs to resolution. */
export interface SettingsInput {
  flags: Partial<Record<SettingKey, unknown>>;
  env: Record<string, string | undefined>;
  /** Variables from a `.env` file (`--env-file`), below the environment's own, and the file's path for messages. */
  envFile?: { path: string; values: Record<string, string | undefined> };
  /** The parsed config file, if any, and its path for messages. */
  file?: { path: string; values: Record<string, unknown> };
}

/** What is wrong with a schema name Postgres would refuse or misread, before any connection. */
function schemaProblem(name: string): string | undefined {
  if (name === '') return 'empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it holds a control character';
  if (/^pg_/i.test(name)) return 'pg_ prefix is reserved';
  return longNameProblem(name);
}

function convert(key: SettingKey, raw: unknown, where: string): { value?: unknown; problem?: CutoverError } {
  const setting: Setting = SETTINGS[key];
  const bad = (expected: string, hint: string) => ({
    problem: new CutoverError('CONFIG', `${where}: ${key} = ${setting.kind === 'targets' ? '[…]' : JSON.stringify(setting.kind === 'url' ? redact(String(raw)) : raw)} is not ${expected}`, { hint, details: { setting: key, where } }),
  });
  switch (setting.kind) {
    case 'string':
      return typeof raw === 'string' && raw !== '' ? { value: raw } : bad('a non-empty string', `Give ${key} a value.`);
    case 'url':
      if (typeof raw !== 'string' || raw === '') return bad('a URL', 'Use postgres://user:password@host:5432/database.');
      try {
        describeUrl(raw);
        return { value: raw };
      } catch (error) {
        // Name where the bad URL came from (--url, DATABASE_URL or the config file).
        const e = error as CutoverError;
        return { problem: new CutoverError(e.code, `${where}: ${e.message}`, { hint: e.hint, cause: e.cause, details: { ...e.details, setting: key, where } }) };
      }
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === '1') return { value: true };
      if (raw === 'false' || raw === '0') return { value: false };
      return bad('true or false', `Set ${key} to true or false.`);
    case 'integer': {
      const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
      return Number.isInteger(n) && n >= 0 ? { value: n } : bad('a whole number ≥ 0', `Set ${key} to a number such as 5.`);
    }
    case 'duration': {
      const parsed = parseDurationSetting(String(raw));
      return 'ms' in parsed ? { value: parsed.ms } : bad(parsed.problem === 'not a duration' ? 'a duration' : `a duration (${parsed.problem})`, durationHint(parsed.problem, String(raw)));
    }
    case 'schema': {
      const problem = typeof raw === 'string' ? schemaProblem(raw) : 'not a string';
      return problem === undefined ? { value: raw } : bad(`a usable schema name (${problem})`, problem === 'empty'
        ? 'Give the schema a name, or leave the setting out for the default (public).'
        : problem.startsWith('pg_') ? 'Names starting with pg_ are reserved for Postgres\'s own schemas; pick another name.'
        : longNameProblem(raw as string) ? LONG_NAME_HINT
        : 'Schema names are data: check the variable for a stray newline or control character (an .env file with CRLF line ends, a quoted heredoc).');
    }
    case 'schemaList': {
      // eslint-disable-next-line no-control-regex
      const usable = typeof raw === 'string' && splitSchemaList(raw).length > 0 && !/[\u0000-\u001f\u007f]/.test(raw);
      return usable ? { value: raw } : bad('a list of schema names or globs', 'For example --schemas \'tenant_*,audit\' (commas between entries; a backslash escapes a comma in a name).');
    }
    case 'rules': {
      // An object in the file; `id=severity,id=severity` as a flag or in the environment.
      const entries = typeof raw === 'string' ? raw.split(',').filter(Boolean).map((pair) => pair.split('=').map((x) => x.trim())) : raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : undefined;
      const valid = entries?.every(([id, level]) => typeof id === 'string' && id !== '' && ['error', 'warning', 'info', 'off'].includes(String(level)));
      return valid ? { value: Object.fromEntries(entries!) } : bad('a map of rule ids to error, warning, info or off', 'For example "lintRules": { "prefer-text": "off", "lock-accumulation": "error" }, or --lint-rules prefer-text=off.');
    }
    case 'format': {
      const choices = ['auto', ...FORMATS];
      return typeof raw === 'string' && choices.includes(raw) ? { value: raw } : bad(`a layout (${choices.join(', ')})`, `Pick one of ${choices.join(', ')}.${typeof raw === 'string' ? didYouMean(raw, choices) : ''}`);
    }
    case 'ledger': {
      const choices: readonly string[] = LEDGER_KINDS;
      return typeof raw === 'string' && choices.includes(raw) ? { value: raw } : bad(`a ledger (${choices.join(', ')})`, `Pick one of ${choices.join(', ')}: cutover keeps its own history table; sqlx shares _sqlx_migrations with sqlx::migrate! (docs/sqlx-ledger.md).${typeof raw === 'string' ? didYouMean(raw, choices) : ''}`);
    }
    case 'targets': {
      const problem = targetsProblem(raw);
      return problem === undefined ? { value: toTargetSpecs(raw as never) } : bad(`a list of targets (${problem})`, 'For example "targets": [{ "url": "postgres://…/app", "schemas": "tenant_*" }] (docs/fleet.md).');
    }
  }
}

function show(key: SettingKey, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (key === 'url') return describeUrl(String(value));
  if (key === 'lintRules') return Object.entries(value as Record<string, string>).map(([id, level]) => `${id}=${level}`).join(',');
  if (key === 'targets') return (value as TargetSpec[]).map((t) => describeUrl(t.url)).join(', ');
  if (SETTINGS[key].kind === 'duration') return `${value}ms`;
  return String(value);
}

const FIELD: Record<SettingKey, keyof Settings> = {
  url: 'url', schema: 'schema', dir: 'dir', format: 'format', ledger: 'ledger', lockTimeout: 'lockTimeoutMs', statementTimeout: 'statementTimeoutMs',
  lockRetries: 'lockRetries', lockWait: 'lockWaitMs', strict: 'strict', allowOutOfOrder: 'allowOutOfOrder', schemas: 'schemas', targets: 'targets',
  lintRules: 'lintRules', pgVersion: 'pgVersion', lintSince: 'lintSince', lintSmallTable: 'lintSmallTable', postPendingWarn: 'postPendingWarnMs',
  cache: 'cache', cacheDir: 'cacheDir',
};

/**
 * Resolve settings. Throws every problem at once (exit 2).
 *
 * @example
 * resolveSettings({ flags: { schema: 'tenant_1' }, env: { DATABASE_URL: 'postgres://localhost/app' } });
 */
export function resolveSettings(input: SettingsInput): Settings {
  const problems: CutoverError[] = [];
  const keys = Object.keys(SETTINGS) as SettingKey[];
  if (input.file) {
    for (const key of Object.keys(input.file.values)) {
      if (!(keys as string[]).includes(key)) {
        problems.push(new CutoverError('CONFIG', `${input.file.path}: unknown key "${key}".${didYouMean(key, keys)}`, {
          hint: `Known keys: ${keys.join(', ')}.`, details: { setting: key, where: input.file.path },
        }));
      }
    }
  }
  const result = { origins: {} } as Settings;
  for (const key of keys) {
    const setting: Setting = SETTINGS[key];
    const fromEnv = (origin: 'env' | 'env-file', vars: Record<string, string | undefined>, prefix: string): [Origin, unknown, string][] => [[origin, setting.env ? vars[setting.env] : undefined, `${prefix}${setting.env ?? ''}`]];
    // The URL: DATABASE_URL, then libpq's PG* variables, the environment's before the .env file's (docs/configuration.md#the-database).
    const environment: [Origin, unknown, string][] = key === 'url'
      ? connectionCandidates(input.env, input.envFile).map(({ origin, conninfo, source }) => [origin, conninfo, source])
      : [...fromEnv('env', input.env, ''), ...(input.envFile ? fromEnv('env-file', input.envFile.values, `${input.envFile.path} `) : [])];
    const candidates: [Origin, unknown, string][] = [
      ['flag', input.flags[key], setting.flag ?? ''],
      ...environment,
      ['file', input.file?.values[key], input.file?.path ?? ''],
    ];
    const found = candidates.find(([origin, raw]) => raw !== undefined && (!origin.startsWith('env') || raw !== ''));
    let value = setting.default;
    let origin: Origin = 'default';
    let source: string | undefined;
    if (found) {
      const converted = convert(key, found[1], found[2]);
      if (converted.problem) problems.push(converted.problem);
      else [value, origin, source] = [converted.value, found[0], found[2]];
      if (key === 'url' && !converted.problem && input.envFile) {
        // What the connection string leaves out, from the .env file's PG* (libpq's defaults).
        const filled = fillFromEnvFile(value as string, input.env, input.envFile.values);
        if (filled.used.length > 0) [value, source] = [filled.conninfo, `${source}, ${filled.used.map((n) => `${input.envFile!.path} ${n}`).join(', ')}`];
      }
    }
    if (value !== undefined) (result as unknown as Record<string, unknown>)[FIELD[key]] = value;
    result.origins[key] = { origin, ...(source ? { source } : {}), shown: show(key, value) };
  }
  throwAll(problems);
  return result;
}

/**
 * Parse a config file's text (JSON), naming the file on error.
 *
 * @example
 * parseConfigFile('cutover.config.json', '{ "schema": "app" }');
 */
export function parseConfigFile(path: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CutoverError('CONFIG', `${path}: not valid JSON: ${(error as Error).message}`, { hint: 'Fix the JSON syntax (no comments, no trailing commas).', details: { where: path } });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CutoverError('CONFIG', `${path}: must hold a JSON object`, { hint: 'For example: { "dir": "migrations", "schema": "public" }', details: { where: path } });
  }
  const { $schema: _ignored, ...rest } = value as Record<string, unknown>;
  return rest;
}
