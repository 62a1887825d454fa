/**
 * Choosing a TCP port for the embedded server: the one it had last time when
 * that is still free (so a URL in a developer's `.env` keeps working), else
 * one the operating system hands out.
 */
import { createServer } from 'node:net';

/** The only address the embedded server listens on. */
export const HOST = '127.0.0.1';

/**
 * Whether `port` can be bound on {@link HOST} right now.
 *
 * @example
 * if (await isPortFree(5432)) console.log('5432 is free');
 */
export function isPortFree(port: number): Promise<boolean> {
  return listenOnce(port).then(
    () => true,
    () => false,
  );
}

/**
 * A port the OS reports free on {@link HOST}. Another process may take it
 * before Postgres binds it, so callers retry on "address in use".
 *
 * @example
 * const port = await freePort(); // e.g. 41873
 */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
