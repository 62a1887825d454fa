/**
 * A TCP proxy in front of the test server, for a database that goes away:
 * `close()` cuts every connection and refuses new ones (the server gone), and
 * with `cutOn` every connection is cut (both sockets destroyed, as when the
 * server restarts or the network breaks) once a client sends bytes containing
 * that marker. Closed when the test ends.
 *
 * @example
 * const url = await cuttingProxy(await database(), 'pg_sleep');
 * const proxy = await tcpProxy(url); … await proxy.close();
 */
import { createServer, connect, type Socket } from 'node:net';
import { cleanup } from './fixtures.js';

/** A running proxy: `url` rewritten to go through it, and the database going away. */
export interface TcpProxy {
  url: string;
  close(): Promise<void>;
}

/** Start a proxy in front of `url`'s server; with `cutOn`, a client's bytes holding it cut that connection. */
export async function tcpProxy(url: string, options: { cutOn?: string } = {}): Promise<TcpProxy> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    const { cutOn } = options;
    client.on('data', (chunk: Buffer) => {
      if (cutOn !== undefined && chunk.includes(cutOn)) {
        client.destroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
  cleanup(close);
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return { url: proxied.toString(), close };
}

/** Start a proxy that cuts a connection once a client sends `marker`; returns `url` rewritten to go through it. */
export async function cuttingProxy(url: string, marker: string): Promise<string> {
  return (await tcpProxy(url, { cutOn: marker })).url;
}
