// bench/lib/delay-proxy.js: the bench's network (issue 19.3). What it must
// keep whatever the machine's load: every byte, in order, both ways, the
// half-close after the bytes before it, and no byte earlier than its delay.
// (How close to the delay it stays is the bench's own self-check: it measures
// a SELECT 1 round trip through the proxy and prints it in RESULTS.md.)
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { delayClock, startDelayProxy, type DelayProxy } from '../../bench/lib/delay-proxy.js';
import { database, session } from '../support/fixtures.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

/** An echo server that half-closes when its client does. */
async function echoServer(): Promise<number> {
  const server: Server = createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return (server.address() as { port: number }).port;
}

async function proxyTo(port: number, delayMs: number): Promise<DelayProxy> {
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port }, delayMs });
  open.push(proxy);
  return proxy;
}

/** Everything the socket receives until the other side ends. */
async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

describe('delay proxy', () => {
  it('carries every byte in order both ways, then the half-close', async () => {
    const proxy = await proxyTo(await echoServer(), 2);
    const client = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
    await once(client, 'connect');
    const sent = randomBytes(4 * 1024 * 1024);
    const received = readAll(client);
    for (let at = 0; at < sent.length; at += 65_536) client.write(sent.subarray(at, at + 65_536));
    client.end();
    expect((await received).equals(sent)).toBe(true);
    client.destroy();
  });

  it('keeps connections apart', async () => {
    const proxy = await proxyTo(await echoServer(), 1);
    const talk = async (text: string) => {
      const c = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
      await once(c, 'connect');
      const got = readAll(c);
      for (const ch of text) c.write(ch);
      c.end();
      return (await got).toString();
    };
    expect(await Promise.all([talk('abcdef'), talk('123456'), talk('xyz')])).toEqual(['abcdef', '123456', 'xyz']);
    expect(proxy.connections()).toBe(3);
  });

  it('counts round trips: the client turns, pipelined messages once', async () => {
    const url = await database();
    const proxy = await startDelayProxy({ target: url, delayMs: 1 });
    open.push(proxy);
    const client = await session(proxy.url!);
    const before = proxy.roundTrips();
    await client.query('SELECT 1');
    await client.query('SELECT 2; SELECT 3');
    await Promise.all([client.query('SELECT 4'), client.query('SELECT 5')]); // pg sends the second when the first is answered
    expect(proxy.roundTrips() - before).toBe(4);
  });

  it('never delivers a chunk before its delay', async () => {
    const delayMs = 30;
    const proxy = await proxyTo(await echoServer(), delayMs);
    const client = connect({ port: proxy.port, host: '127.0.0.1' });
    await once(client, 'connect');
    for (let i = 0; i < 5; i++) {
      const sentAt = performance.now();
      client.write(`ping ${i}`);
      await once(client, 'data');
      // There and back: two delays (the clock may release a chunk 0.05 ms early).
      expect(performance.now() - sentAt).toBeGreaterThanOrEqual(2 * delayMs - 0.2);
    }
    client.destroy();
  });

  it('runs scheduled work in the order it was scheduled', async () => {
    const clock = delayClock(1);
    open.push(clock);
    const ran: number[] = [];
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 100; i++) clock.later(() => (ran.push(i), i === 99 && resolve()));
    });
    expect(ran).toEqual([...Array(100).keys()]);
  });

  it('carries a PostgreSQL session: connect, queries, errors, end', async () => {
    const url = await database();
    const proxy = await startDelayProxy({ target: url, delayMs: 1 });
    open.push(proxy);
    const client = await session(proxy.url!);
    expect((await client.query('SELECT 1 + 1 AS n')).rows).toEqual([{ n: 2 }]);
    await expect(client.query('SELECT nope')).rejects.toMatchObject({ code: '42703' });
    expect((await client.query("SELECT repeat('x', 200000) AS s")).rows[0].s).toHaveLength(200_000);
  });
});
