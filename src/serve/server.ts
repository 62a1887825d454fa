/**
 * `cutover serve`'s and `cutover dashboard`'s server: GET/HEAD /health (and
 * /) answered by the health handler, the dashboard's pages when it is on,
 * 404 for anything else. Listening is the only I/O here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthHandler } from './handler.js';
import type { DashboardHandler } from './dashboard/app.js';

/** A listening server. */
export interface HealthServer {
  /** The health endpoint's URL (`…/health`). */
  url: string;
  /** `http://host:port`, without a path. */
  base: string;
  /** The address actually bound (`127.0.0.1` by default in `cutover serve`). */
  host: string;
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Whether an address only this machine can reach (anything else needs a token).
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Listen on `host:port` (port 0: any free port) with the health handler, the dashboard, or both.
 *
 * @example
 * const server = await listenHealth(handler, { port: 8080, host: '127.0.0.1' });
 */
export async function listenHealth(handler: HealthHandler | undefined, options: { port: number; host: string; dashboard?: DashboardHandler }): Promise<HealthServer> {
  const health: Route | undefined = handler;
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const read = request.method === 'GET' || request.method === 'HEAD';
    const route = health && read && (path === '/health' || (path === '/' && !options.dashboard)) ? health : options.dashboard;
    if (route) {
      route(request, response).catch(() => { response.statusCode = 500; response.end(); });
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify({ error: `no route for ${request.method} ${path}; try GET /health` })}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const shown = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const base = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  return {
    url: `${base}/health`,
    base,
    host: address,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
