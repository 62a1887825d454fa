/**
 * Lint report renderers, pure functions of the report: `pretty` (file:line:col,
 * the line with a caret, the lock and why, the safe way), `json`, `github`
 * (workflow commands that become annotations) and `sarif` (2.1.0, for code
 * scanning).
 */
import { sqlName } from '../facts/lock-modes.js';
import type { LintReport } from '../engine.js';
import { RULES, ruleDocsUrl } from '../registry.js';
import type { Finding } from '../types.js';

/** The output formats of `cutover lint`. */
export const LINT_FORMATS = ['pretty', 'json', 'github', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

function pretty(report: LintReport, verbose: boolean): string {
  const out: string[] = [];
  for (const f of report.findings) {
    const gutter = String(f.line);
    out.push(`${f.severity}[${f.rule}]: ${f.message}`);
    out.push(`  --> ${f.file}:${f.line}:${f.column}`);
    out.push(`  ${gutter} | ${f.source}`);
    out.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, f.column - 1))}^${f.lock ? ` takes ${f.lock}` : ''}`);
    out.push(`  help: ${f.help}`);
    if (f.fix) out.push(`  fix:\n${f.fix.split('\n').map((l) => `      ${l}`).join('\n')}`);
    out.push(`  docs: ${f.docs}`, '');
  }
  if (verbose) {
    for (const file of report.files) {
      out.push(`${file.file} (${file.phase}${file.transaction ? '' : ', no transaction'}):`);
      for (const s of file.statements) {
        const locks = s.locks.map((l) => `${sqlName(l.mode)} on "${l.relation}"`).join(', ') || 'no table lock';
        out.push(`  ${String(s.line).padStart(4)}: ${s.kind}: ${locks}${s.rewrites.length ? `; rewrites ${s.rewrites.join(', ')}` : ''}${s.scans.length ? `; scans ${s.scans.join(', ')}` : ''}`);
      }
    }
  }
  const files = report.files.length;
  out.push(`${files} file${files === 1 ? '' : 's'} linted${report.live ? ' against the live catalog' : ' offline'}${report.pgVersion ? ` for PostgreSQL ${report.pgVersion}` : ''}: ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.info} info`);
  return out.join('\n');
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function github(report: LintReport, base: string): string {
  const level = (f: Finding) => ({ error: 'error', warning: 'warning', info: 'notice' })[f.severity];
  return report.findings
    .map((f) => `::${level(f)} file=${escapeProperty(`${base}${f.file}`)},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}::${escapeData(`${f.message}\n${f.help}`)}`)
    .join('\n');
}

function sarif(report: LintReport, base: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: {
        name: 'cutover', informationUri: 'https://github.com/cutover/cutover',
        rules: RULES.map((r) => ({ id: r.id, shortDescription: { text: r.summary }, helpUri: ruleDocsUrl(r.id), defaultConfiguration: { level: r.severity } })),
      } },
      results: report.findings.map((f) => ({
        ruleId: f.rule,
        level: f.severity === 'info' ? 'note' : f.severity,
        message: { text: `${f.message}. ${f.help}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `${base}${f.file}` }, region: { startLine: f.line, startColumn: f.column } } }],
      })),
    }],
  };
}

/**
 * Render a lint report. `base` prefixes file names (the migrations
 * directory, relative to the repository, for annotations).
 *
 * @example
 * renderLint(report, 'github', { base: 'migrations/' });
 */
export function renderLint(report: LintReport, format: LintFormat, options: { base?: string; verbose?: boolean } = {}): string {
  const base = options.base ?? '';
  switch (format) {
    case 'pretty': return pretty(report, options.verbose ?? false);
    case 'json': return JSON.stringify(report, null, 2);
    case 'github': return github(report, base);
    case 'sarif': return JSON.stringify(sarif(report, base), null, 2);
  }
}
