/**
 * The dashboard's HTTP side: a plain node:http handler built from its data
 * source, so tests call it in-process and `cutover dashboard` only listens.
 * Read-only (GET and HEAD, nothing it runs writes), every response with a
 * strict CSP, data only as JSON (the page writes it with textContent, never
 * as HTML), and a token when one is set, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact } from '../../db/url.js';
import { pageTargets, STATES, type TargetQuery, type TargetState } from './model.js';
import type { DashboardSource } from './source.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';

/** Headers on every response. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const ASSETS: Record<string, [string, string]> = {
  '/': ['text/html; charset=utf-8', PAGE_HTML],
  '/dashboard.js': ['text/javascript; charset=utf-8', PAGE_JS],
  '/dashboard.css': ['text/css; charset=utf-8', PAGE_CSS],
};

/** Live updates: the server-sent-events side. */
export interface LiveFeed {
  /** Add a client; returns its removal. */
  subscribe(send: (event: string, data: unknown) => void): () => void;
}

/** What the handler is built from. */
export interface DashboardDeps {
  source: DashboardSource;
  /** Required on every request when set (`Authorization: Bearer …` or `?token=`). */
  token?: string | undefined;
  live?: LiveFeed;
}

/** A node:http handler. */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether `given` is the token, in time independent of where they differ.
 *
 * @example
 * tokenMatches('s3cret', 's3cret'); // true
 */
export function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

function send(response: ServerResponse, status: number, type: string, body: string, head = false): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  response.end(head ? undefined : body);
}

function json(response: ServerResponse, status: number, data: unknown, head = false): void {
  send(response, status, 'application/json; charset=utf-8', `${JSON.stringify(data)}\n`, head);
}

function targetQuery(params: URLSearchParams): TargetQuery {
  const number = (name: string) => (params.has(name) && /^\d+$/.test(params.get(name)!) ? Number(params.get(name)) : undefined);
  const state = params.get('state');
  const sort = params.get('sort');
  const query: TargetQuery = { desc: params.get('desc') === '1' };
  if (params.get('q')) query.q = params.get('q')!;
  if (state && (STATES as readonly string[]).includes(state)) query.state = state as TargetState;
  if (sort === 'schema' || sort === 'database' || sort === 'state' || sort === 'version' || sort === 'lastApplied') query.sort = sort;
  const page = number('page');
  const size = number('size');
  if (page !== undefined) query.page = page;
  if (size !== undefined) query.size = size;
  return query;
}

/**
 * Build the handler.
 *
 * @example
 * const handler = dashboardHandler({ source: dashboardSource({ targets, dir }) });
 * http.createServer(handler).listen(4000, '127.0.0.1');
 */
export function dashboardHandler(deps: DashboardDeps): DashboardHandler {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://dashboard');
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      response.setHeader('allow', 'GET, HEAD');
      return json(response, 405, { error: 'the dashboard is read-only: GET and HEAD only' });
    }
    // The page itself holds no data: it loads without the token and sends it with every API call.
    const asset = ASSETS[url.pathname];
    if (asset) return send(response, 200, asset[0], asset[1], head);
    if (deps.token !== undefined) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!tokenMatches(bearer ?? url.searchParams.get('token') ?? undefined, deps.token)) {
        return json(response, 401, { error: 'a token is required: open the address printed by `cutover dashboard` (…/?token=…)' }, head);
      }
    }
    try {
      switch (url.pathname) {
        case '/api/overview':
          return json(response, 200, (await deps.source.model()).overview, head);
        case '/api/targets': {
          const model = await deps.source.model();
          const rank = new Map(model.overview.versions.map((v, i) => [v.version, i]));
          return json(response, 200, pageTargets(model.rows, targetQuery(url.searchParams), (v) => rank.get(v) ?? -1), head);
        }
        case '/api/target': {
          const detail = await deps.source.target(url.searchParams.get('database') ?? '', url.searchParams.get('schema') ?? '');
          return detail ? json(response, 200, detail, head) : json(response, 404, { error: 'no such target in this dashboard' }, head);
        }
        case '/api/events':
          return events(response, deps.live);
        default:
          return json(response, 404, { error: `no page at ${url.pathname}` }, head);
      }
    } catch (error) {
      // Say what failed without the connection details (user, host, port) an error may carry.
      const message = redact((error as Error).message ?? String(error)).replace(/postgres(ql)?:\/\/\S+/g, 'the database');
      return json(response, 503, { error: `cannot read the fleet: ${message}`, code: (error as { code?: string }).code ?? 'INTERNAL' }, head);
    }
  };
}

/** Server-sent events: `progress` when a run announces one; a comment every 15 s keeps proxies from closing it. */
function events(response: ServerResponse, live: LiveFeed | undefined): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  response.write(`event: hello\ndata: ${JSON.stringify({ live: live !== undefined })}\n\n`);
  const unsubscribe = live?.subscribe((event, data) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  response.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe?.();
  });
}
