// Deterministic generator for the benchmark workloads.
//
// generateMigrations(n) returns the same n migrations every time: a cycle of
// create table / add column / create index / 100-row insert / create view /
// create function, all valid PostgreSQL run in order on an empty database.
// writeLayouts() writes that same SQL in each tool's own directory layout.
//
//   node bench/generate.js [--count 200] [--out bench/.work/gen-200]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const MARKER = '.bench-generated';
const KINDS = ['table', 'column', 'index', 'insert', 'view', 'function'];

const pad = (n, w) => String(n).padStart(w, '0');
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** @returns {{ index: number, kind: string, name: string, sql: string }[]} */
export function generateMigrations(count) {
  const out = [];
  let table = 0; // current table number
  const columns = new Map(); // table -> extra column names
  for (let i = 1; i <= count; i++) {
    const kind = KINDS[(i - 1) % KINDS.length];
    if (kind === 'table') table++;
    const t = `t${pad(table, 4)}`;
    const cols = columns.get(table) ?? [];
    columns.set(table, cols);
    let name;
    let body;
    switch (kind) {
      case 'table': {
        name = `create_table_${t}`;
        body = [
          `CREATE TABLE ${t} (`,
          `  id bigint PRIMARY KEY,`,
          `  name text NOT NULL,`,
          `  amount numeric(12, 2) NOT NULL DEFAULT 0,`,
          `  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed')),`,
          table > 1 ? `  parent_id bigint REFERENCES t${pad(table - 1, 4)} (id),` : `  parent_id bigint,`,
          `  created_at timestamptz NOT NULL DEFAULT now()`,
          `);`,
          `COMMENT ON TABLE ${t} IS ${lit(`bench table ${table}`)};`,
        ].join('\n');
        break;
      }
      case 'column': {
        const c = `note_${pad(i, 4)}`;
        cols.push(c);
        name = `add_columns_${t}`;
        body = [
          `ALTER TABLE ${t} ADD COLUMN ${c} text;`,
          `ALTER TABLE ${t} ADD COLUMN flag_${pad(i, 4)} boolean NOT NULL DEFAULT false;`,
        ].join('\n');
        break;
      }
      case 'index': {
        name = `create_indexes_${t}`;
        body = [
          `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
          `CREATE INDEX ${t}_status_created_idx ON ${t} (status, created_at DESC);`,
          `CREATE UNIQUE INDEX ${t}_name_lower_idx ON ${t} (lower(name), id);`,
        ].join('\n');
        break;
      }
      case 'insert': {
        name = `seed_${t}`;
        const c = cols[0];
        const rows = [];
        for (let r = 1; r <= 100; r++) {
          const amount = ((table * 7919 + r * 104729) % 100000) / 100;
          const status = ['new', 'active', 'closed'][(table + r) % 3];
          const parent = table > 1 ? String(r) : 'NULL';
          rows.push(`  (${r}, ${lit(`item ${table}-${r}; it's #${r}`)}, ${amount.toFixed(2)}, ${lit(status)}, ${parent}, ${lit(`note ${r} -- not a comment`)})`);
        }
        body = `INSERT INTO ${t} (id, name, amount, status, parent_id, ${c}) VALUES\n${rows.join(',\n')};`;
        break;
      }
      case 'view': {
        name = `create_view_v${pad(table, 4)}`;
        const parentJoin = table > 1
          ? `LEFT JOIN t${pad(table - 1, 4)} p ON p.id = c.parent_id`
          : `LEFT JOIN ${t} p ON p.id = c.parent_id`;
        body = [
          `CREATE VIEW v${pad(table, 4)} AS`,
          `  SELECT c.id, c.name, c.amount, c.status, p.name AS parent_name`,
          `  FROM ${t} c`,
          `  ${parentJoin}`,
          `  WHERE c.status <> 'closed';`,
        ].join('\n');
        break;
      }
      case 'function': {
        name = `create_function_f${pad(table, 4)}`;
        body = [
          `CREATE FUNCTION f${pad(table, 4)}(p_min numeric) RETURNS bigint`,
          `LANGUAGE plpgsql STABLE AS $fn$`,
          `DECLARE`,
          `  n bigint; -- a semicolon inside the body`,
          `BEGIN`,
          `  SELECT count(*) INTO n FROM ${t} WHERE amount >= p_min AND name <> ';';`,
          `  RETURN n;`,
          `END;`,
          `$fn$;`,
        ].join('\n');
        break;
      }
    }
    const sql = `-- bench migration ${i}: ${kind} (generated, deterministic)\n${body}\n`;
    out.push({ index: i, kind, name, sql });
  }
  return out;
}

/** What a database holds after all of generateMigrations(count) ran. */
export function expectedObjects(count) {
  const ms = generateMigrations(count);
  const n = (k) => ms.filter((m) => m.kind === k).length;
  return { tables: n('table'), views: n('view'), functions: n('function'), rows: n('insert') * 100 };
}

// graphile-migrate's committed-migration hash (dist/hash.js): sha1 over
// previous hash + "\n" + trimmed body. The tool re-checks it on every run, so a
// wrong value here fails loudly instead of skewing numbers.
function graphileHash(body, previousHash) {
  return 'sha1:' + createHash('sha1').update(((previousHash || '') + '\n' + body.trim()).trim() + '\n').digest('hex');
}

/**
 * Writes the migrations in every layout under root:
 *   cutover/            0001_<name>.sql                (also read by the floor)
 *   node-pg-migrate/    0001_<name>.sql                (its SQL-file loader)
 *   postgres-migrations/1_<name>.sql
 *   graphile-migrate/   .gmrc + migrations/committed/000001-<name>.sql (with Previous/Hash headers)
 *   dbmate/             db/migrations/<version>_<name>.sql (-- migrate:up / -- migrate:down)
 *   knex/               0001_<name>.cjs                (knex.raw() of the SQL; not in the default list)
 * @returns {Record<string,string>} layout name -> directory the tool is pointed at
 */
export function writeLayouts(root, migrations, layouts = ['cutover', 'node-pg-migrate', 'postgres-migrations', 'graphile-migrate', 'dbmate']) {
  // Only ever delete a directory this generator made (it leaves a marker file).
  if (existsSync(root) && readdirSync(root).length && !existsSync(join(root, MARKER))) {
    throw new Error(`${root} exists and was not written by bench/generate.js; refusing to replace it`);
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, MARKER), 'written by bench/generate.js; safe to delete\n');
  const width = Math.max(4, String(migrations.length).length);
  const dirs = {};
  for (const layout of layouts) {
    switch (layout) {
      case 'cutover':
      case 'node-pg-migrate': {
        const dir = join(root, layout);
        mkdirSync(dir, { recursive: true });
        for (const m of migrations) writeFileSync(join(dir, `${pad(m.index, width)}_${m.name}.sql`), m.sql);
        dirs[layout] = dir;
        break;
      }
      case 'postgres-migrations': {
        const dir = join(root, layout);
        mkdirSync(dir, { recursive: true });
        for (const m of migrations) writeFileSync(join(dir, `${m.index}_${m.name}.sql`), m.sql);
        dirs[layout] = dir;
        break;
      }
      case 'graphile-migrate': {
        const base = join(root, layout);
        const dir = join(base, 'migrations', 'committed');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(base, '.gmrc'), JSON.stringify({ migrationsFolder: './migrations' }, null, 2) + '\n');
        writeFileSync(join(base, 'migrations', 'current.sql'), '-- Enter migration here\n');
        let previous = null;
        for (const m of migrations) {
          const body = m.sql.trim() + '\n';
          const hash = graphileHash(body, previous);
          const text = `--! Previous: ${previous ?? '-'}\n--! Hash: ${hash}\n--! Message: ${m.name}\n\n${body}`;
          writeFileSync(join(dir, `${pad(m.index, 6)}-${m.name}.sql`), text);
          previous = hash;
        }
        dirs[layout] = base; // graphile-migrate runs with cwd = base (reads .gmrc)
        break;
      }
      case 'dbmate': {
        const dir = join(root, layout, 'db', 'migrations');
        mkdirSync(dir, { recursive: true });
        for (const m of migrations) {
          writeFileSync(join(dir, `${pad(m.index, width)}_${m.name}.sql`), `-- migrate:up\n${m.sql}\n-- migrate:down\n`);
        }
        dirs[layout] = dir;
        break;
      }
      case 'knex': {
        const dir = join(root, layout);
        mkdirSync(dir, { recursive: true });
        for (const m of migrations) {
          writeFileSync(join(dir, `${pad(m.index, width)}_${m.name}.cjs`), `const sql = ${JSON.stringify(m.sql)};\nexports.up = (knex) => knex.raw(sql);\nexports.down = () => {};\n`);
        }
        dirs[layout] = dir;
        break;
      }
      default:
        throw new Error(`unknown layout ${layout}`);
    }
  }
  return dirs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, out: { type: 'string' } } });
  const count = Number(values.count);
  const out = values.out ?? join(fileURLToPath(new URL('.', import.meta.url)), '.work', `gen-${count}`);
  const dirs = writeLayouts(out, generateMigrations(count));
  for (const [k, v] of Object.entries(dirs)) console.log(`${k.padEnd(20)} ${v}`);
}
