/**
 * What the settings table (./settings.ts) derives besides resolution: the table in
 * docs/configuration.md and the JSON Schema of the config file (docs/config.schema.json).
 * Both are checked in and a test fails when either is stale; regenerate them with
 * `npx tsx scripts/settings-docs.ts --write`.
 */
import { formatDuration } from '../duration.js';
import { SETTINGS, type Setting, type SettingKey } from './settings.js';
import { FORMATS } from '../migrations/formats/types.js';
import { LEDGER_KINDS } from '../db/ledger.js';

const code = (text: string) => `\`${text}\``;

/** A setting's default as people write it (`500ms`, `public`), or undefined when it has none. */
export function defaultShown(setting: Setting): string | undefined {
  if (setting.default === undefined) return undefined;
  return setting.kind === 'duration' ? formatDuration(setting.default as number) : String(setting.default);
}

/**
 * The settings table of docs/configuration.md, one row per setting.
 *
 * @example
 * settingsMarkdown().split('\n')[0]; // '| Key | Flag | Environment | Commands | Default | Value |'
 */
export function settingsMarkdown(): string {
  const rows = (Object.entries(SETTINGS) as [SettingKey, Setting][]).map(([key, s]) => {
    const shown = defaultShown(s);
    const commands = s.commands === 'all' ? 'all' : s.commands.map(code).join(', ');
    return `| ${code(key)} | ${s.flag ? code(s.flag) : '(config file only)'} | ${s.env ? code(s.env) : ''} | ${commands} | ${s.defaultText ?? (shown === undefined ? 'none' : code(shown))} | ${s.doc} |`;
  });
  return ['| Key | Flag | Environment | Commands | Default | Value |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function valueSchema(setting: Setting): Record<string, unknown> {
  switch (setting.kind) {
    case 'duration': return { type: 'string', pattern: '^\\s*(0|\\d+(\\.\\d+)?\\s*(ms|s|min|m|h|d))\\s*$' };
    case 'integer': return { type: 'integer', minimum: 0 };
    case 'boolean': return { type: 'boolean' };
    case 'format': return { enum: ['auto', ...FORMATS] };
    case 'ledger': return { enum: [...LEDGER_KINDS] };
    case 'schema': return { type: 'string', minLength: 1, not: { pattern: '^[pP][gG]_' } };
    case 'rules': return { type: 'object', additionalProperties: { enum: ['error', 'warning', 'info', 'off'] } };
    case 'targets': return {
      type: 'array',
      items: {
        type: 'object', required: ['url'], additionalProperties: false,
        properties: {
          url: { type: 'string' },
          schemas: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          schemasQuery: { type: 'string' },
          allSchemas: { type: 'boolean' },
        },
      },
    };
    default: return { type: 'string', minLength: 1 };
  }
}

/**
 * The JSON Schema of cutover.config.json, for editors (`"$schema": "./node_modules/cutover/docs/config.schema.json"`).
 *
 * @example
 * configJsonSchema().properties.schema.default; // 'public'
 */
export function configJsonSchema(): { properties: Record<string, Record<string, unknown>> } & Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = { $schema: { type: 'string', description: 'this schema, for editors' } };
  for (const [key, s] of Object.entries(SETTINGS) as [SettingKey, Setting][]) {
    const shown = defaultShown(s);
    properties[key] = { description: s.summary, ...valueSchema(s), ...(shown === undefined ? {} : { default: s.kind === 'duration' ? shown : s.default }) };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'cutover.config.json',
    description: 'cutover settings (docs/configuration.md). Flags and environment variables override the file.',
    type: 'object', additionalProperties: false, properties,
  };
}

const START = '<!-- settings:start (generated from src/config/settings.ts: npx tsx scripts/settings-docs.ts --write) -->';
const END = '<!-- settings:end -->';

/**
 * Each generated doc, by path, as a function of its current text (the markdown table
 * replaces what stands between its markers; the JSON Schema is the whole file).
 *
 * @example
 * configDocs()['docs/config.schema.json']('') === `${JSON.stringify(configJsonSchema(), null, 2)}\n`; // true
 */
export function configDocs(): Record<string, (text: string) => string> {
  return {
    'docs/configuration.md': (text) => {
      const a = text.indexOf(START);
      const b = text.indexOf(END);
      if (a < 0 || b < a) throw new Error(`docs/configuration.md: the markers ${START} … ${END} are missing`);
      return `${text.slice(0, a)}${START}\n${settingsMarkdown()}\n${text.slice(b)}`;
    },
    'docs/config.schema.json': () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  };
}
