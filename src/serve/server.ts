/**
 * `cutover serve`'s server: GET/HEAD /health (and /) answered by the health
 * handler, 404 for anything else. Listening is the only I/O here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthHandler } from './handler.js';

/** A listening health server. */
export interface HealthServer {
  url: string;
  /** The address actually bound (`127.0.0.1` by default in `cutover serve`). */
  host: string;
  close(): Promise<void>;
}

/**
 * Listen on `host:port` (port 0: any free port).
 *
 * @example
 * const server = await listenHealth(handler, { port: 8080, host: '127.0.0.1' });
 */
export async function listenHealth(handler: HealthHandler, options: { port: number; host: string }): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if ((request.method === 'GET' || request.method === 'HEAD') && (path === '/health' || path === '/')) {
      handler(request, response).catch(() => { response.statusCode = 500; response.end(); });
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
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/health`,
    host: address,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
