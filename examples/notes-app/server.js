// notes-app: a tiny HTTP service that migrates its database at start-up
// through the cutover library, then serves its data.
//
//   DATABASE_URL=postgres://… node examples/notes-app/server.js
//
// GET /health, GET /notes, POST /notes {"body": "…", "author": "…"}.
// Plain JavaScript, no build step. Inside this repository `cutover` resolves
// to the package itself (Node's self-reference through package.json
// "exports"); run `npm run build` first so dist/ exists.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { migrate, schemaPool, registerInstance, healthHandler } from 'cutover';

const url = process.env.DATABASE_URL;
const schema = process.env.DB_SCHEMA ?? 'public';
const port = Number(process.env.PORT ?? 3000);
// Release 2 renames notes.body to notes.content (expand/contract: see v2/ and docs/zero-downtime.md).
const appVersion = process.env.APP_VERSION ?? '1.0.0';
const textColumn = appVersion.startsWith('1.') ? 'body' : 'content';
if (!url) {
  console.error('notes-app: set DATABASE_URL (for example the URL `npx cutover dev` prints)');
  process.exit(2);
}

// Migrate at start-up: the three lines. Safe with many replicas booting at once
// (they queue on an advisory lock; each migration runs exactly once).
const dir = process.env.MIGRATIONS_DIR ?? fileURLToPath(new URL('./migrations', import.meta.url));
// Register in the instance registry first (the post-deploy guard and autoContract read it), then migrate.
const instance = await registerInstance({ url, schema, dir, appVersion, ...(process.env.INSTANCE_ID ? { id: process.env.INSTANCE_ID } : {}), heartbeatMs: Number(process.env.HEARTBEAT_MS ?? 10_000) });
// MIGRATE_PHASE=pre|post|all, or by default autoContract: the pre phase, then the post phase once
// every live instance knows it (else it waits for a later start-up or heartbeat).
const phase = process.env.MIGRATE_PHASE;
const report = await migrate({ url, schema, dir, ...(phase ? { phase } : { autoContract: true }) });
const db = schemaPool({ url, schema, application_name: instance.applicationName }); // search_path pinned to `schema`
const health = healthHandler({ pool: db, schema, dir, appVersion }); // 503 until the schema has what this code needs

console.error(`notes-app: schema "${schema}": ${report.applied.length} migration(s) applied at start-up, ${report.deferred.length} left pending`);

async function readJson(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 64 * 1024) throw Object.assign(new Error('body too large'), { status: 413 });
  }
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

async function route(request) {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && pathname === '/health') {
    const { statusCode, body } = await health.check();
    return [statusCode, body];
  }
  if (request.method === 'GET' && pathname === '/notes') {
    const { rows } = await db.query(`SELECT id, ${textColumn} AS body, author, created_at FROM notes ORDER BY created_at DESC, id DESC LIMIT 100`);
    return [200, rows];
  }
  if (request.method === 'POST' && pathname === '/notes') {
    const { body, author } = await readJson(request);
    if (typeof body !== 'string' || body.trim() === '') return [400, { error: '"body" must be a non-empty string' }];
    const { rows } = await db.query(
      `INSERT INTO notes (${textColumn}, author) VALUES ($1, $2) RETURNING id, ${textColumn} AS body, author, created_at`,
      [body, typeof author === 'string' && author !== '' ? author : 'anonymous'],
    );
    return [201, rows[0]];
  }
  return [404, { error: `no route for ${request.method} ${pathname}` }];
}

const server = http.createServer(async (request, response) => {
  let status;
  let body;
  try {
    [status, body] = await route(request);
  } catch (error) {
    status = error.status ?? 500;
    body = { error: status === 500 ? 'internal error' : error.message };
    if (status === 500) console.error(error);
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body) + '\n');
});

server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  console.error(`notes-app: listening on http://127.0.0.1:${bound}`);
  process.send?.({ listening: bound }); // lets scripts/demo.js know the port when PORT=0
});

function shutdown() {
  server.close();
  // Deregister first: the post-deploy guard stops waiting for this instance at once.
  instance.stop().finally(() => db.end().finally(() => process.exit(0)));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
