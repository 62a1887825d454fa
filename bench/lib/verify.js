// Checks that a migrated database holds what the generated workload makes
// (bench/generate.js's expectedObjects): tables, views, functions and seeded
// rows in `public`. Used by run.js and net.js after every W1/W3 run.

/**
 * null when `url`'s database holds `expected`, else what is wrong.
 * @param {typeof import('pg')} pg
 * @param {string} url
 * @param {{ tables: number, views: number, functions: number, rows: number }} expected
 */
export async function verifyObjects(pg, url, expected) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]{4}$') AS tables,
      (SELECT count(*)::int FROM pg_views WHERE schemaname = 'public' AND viewname ~ '^v[0-9]{4}$') AS views,
      (SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname ~ '^f[0-9]{4}$') AS functions`);
    const got = rows[0];
    for (const k of ['tables', 'views', 'functions']) {
      if (got[k] !== expected[k]) return `expected ${expected[k]} ${k}, found ${got[k]}`;
    }
    let seeded = 0;
    for (let t = 1; t <= expected.tables; t++) {
      const name = `t${String(t).padStart(4, '0')}`;
      seeded += (await c.query(`SELECT count(*)::int AS n FROM ${name}`)).rows[0].n;
    }
    if (seeded !== expected.rows) return `expected ${expected.rows} seeded rows, found ${seeded}`;
    return null;
  } finally {
    await c.end();
  }
}
