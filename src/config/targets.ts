/**
 * `targets` in the config file: `[{ "url": "postgres://…", "schemas":
 * "tenant_*" | ["a", "b"], "schemasQuery": "SELECT …", "allSchemas": true }]`.
 * A string `schemas` is a glob over existing schemas; a list names schemas
 * exactly (created on first use).
 */
import { describeUrl } from '../db/url.js';
import { didYouMean } from '../suggest.js';
import type { TargetSpec } from '../fleet/types.js';

/** One entry of `targets` as written in the file. */
export interface TargetConfig {
  url: string;
  schemas?: string | string[];
  schemasQuery?: string;
  allSchemas?: boolean;
}

const KEYS = ['url', 'schemas', 'schemasQuery', 'allSchemas'];

/** What is wrong with a `targets` value, or undefined. */
export function targetsProblem(raw: unknown): string | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return 'a non-empty array';
  for (const [i, entry] of raw.entries()) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return `entry ${i + 1} is not an object`;
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !KEYS.includes(k));
    if (unknown) return `entry ${i + 1}: unknown key "${unknown}".${didYouMean(unknown, KEYS)}`;
    if (typeof e.url !== 'string') return `entry ${i + 1} has no "url"`;
    try {
      describeUrl(e.url);
    } catch {
      return `entry ${i + 1}: "url" is not a postgres:// URL`;
    }
    const list = Array.isArray(e.schemas) && e.schemas.length > 0 && e.schemas.every((s) => typeof s === 'string' && s !== '');
    if (e.schemas !== undefined && !list && !(typeof e.schemas === 'string' && e.schemas !== '')) return `entry ${i + 1}: "schemas" must be a glob or a list of names`;
    if (e.schemasQuery !== undefined && (typeof e.schemasQuery !== 'string' || e.schemasQuery === '')) return `entry ${i + 1}: "schemasQuery" must be a query`;
    if (e.allSchemas !== undefined && typeof e.allSchemas !== 'boolean') return `entry ${i + 1}: "allSchemas" must be true or false`;
    if (e.schemas === undefined && e.schemasQuery === undefined && e.allSchemas !== true) return `entry ${i + 1} selects no schemas (schemas, schemasQuery or allSchemas)`;
  }
  return undefined;
}

/**
 * The specs for a valid `targets` value.
 *
 * @example
 * toTargetSpecs([{ url: 'postgres://db/app', schemas: 'tenant_*' }]); // [{ url, pattern: 'tenant_*' }]
 */
export function toTargetSpecs(entries: TargetConfig[]): TargetSpec[] {
  return entries.map((e) => ({
    url: e.url,
    ...(typeof e.schemas === 'string' ? { pattern: e.schemas } : e.schemas ? { schemas: e.schemas } : {}),
    ...(e.schemasQuery ? { query: e.schemasQuery } : {}),
    ...(e.allSchemas ? { allSchemas: true } : {}),
  }));
}
