#!/usr/bin/env node
// A stand-in for a Rust/Go-style app in the deploy examples and guides: an HTTP
// server answering GET /health with {"version": …}, which registers itself with
// the instance protocol's SQL taken from docs/instance-protocol.md (the Go
// snippet), unless it runs under `cutover exec` (which registers it).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Client } = require(path.join(__dirname, '../../node_modules/pg'));

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const version = process.env.APP_VERSION || '0.9.1';
const go = /```go\n([\s\S]*?)\n```/.exec(fs.readFileSync(path.join(__dirname, '../../docs/instance-protocol.md'), 'utf8'))[1];
const [create, heartbeat, deregister] = [...go.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
const id = `fake-${process.pid}`;
let client;

async function register() {
  if (process.env.CUTOVER_INSTANCE_ID) return;
  client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`SET search_path TO ${client.escapeIdentifier(process.env.DB_SCHEMA || 'public')}`);
  const dir = process.env.CUTOVER_DIR || 'migrations';
  const known = fs.readdirSync(dir).map((f) => /^(\d+)_/.exec(f)?.[1]).filter(Boolean).map((v) => v.replace(/^0+(?=\d)/, '')).sort((a, b) => a.length - b.length || a.localeCompare(b)).pop();
  await client.query(create);
  const beat = () => client.query(heartbeat, [id, 'fake-host', version, known, process.pid, 30000]);
  await beat();
  setInterval(() => beat().catch(() => {}), 1000).unref();
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', version }));
});
process.on('SIGTERM', async () => {
  server.close();
  if (client) await client.query(deregister, [id]).then(() => client.end(), () => {});
  process.exit(0);
});
register().then(() => server.listen(port, '127.0.0.1'), (error) => {
  console.error(`fake app: ${error.message}`);
  process.exit(1);
});
