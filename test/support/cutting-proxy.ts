/**
 * A TCP proxy in front of the test server that cuts every connection (both
 * sockets destroyed, as when the server restarts or the network breaks)
 * once a client sends bytes containing `marker`. Closed when the test ends.
 *
 * @example
 * const url = await cuttingProxy(await database(), 'pg_sleep');
 */
import { createServer, connect, type Socket } from 'node:net';
import { cleanup } from './fixtures.js';

/** Start the proxy; returns `url` rewritten to go through it. */
export async function cuttingProxy(url: string, marker: string): Promise<string> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes(marker)) {
        client.destroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return proxied.toString();
}
