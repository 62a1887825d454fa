// A TCP proxy that delays every byte by a fixed time in each direction: a
// network with a round-trip time of 2 × delayMs between the tools and the
// PostgreSQL server, on one machine (issue 19, item 3).
//
// Each chunk read from either side is written to the other at (its arrival
// time + delayMs), in order; chunks are not queued behind each other's delay,
// so throughput is not limited by it (a pipe with latency d, not a queue of d
// per chunk). A half-close (FIN) travels the same way, after the bytes before
// it. When the receiving side's buffer is full, the sending side is not read
// until it drains.
//
//   import { startDelayProxy } from './lib/delay-proxy.js';
//   const proxy = await startDelayProxy({ target: 'postgres://u@127.0.0.1:5432/db', delayMs: 1 });
//   proxy.url;         // the same URL through the proxy (host and port replaced)
//   await proxy.close();
//
// The clock: Node's setTimeout counts whole milliseconds (setTimeout(1) fires
// 1.1–1.3 ms later here), too coarse for a 1 ms delay, and spinning on
// setImmediate burns a core of a 2-core machine. So a worker thread sleeps in
// Atomics.wait (futex, sub-millisecond timeout, no CPU while it waits) until
// the earliest due time and posts a tick; the proxy writes what is due. Since
// every chunk waits the same delay, due times follow arrival order: one FIFO
// for all connections is already sorted.
import { createServer, connect } from 'node:net';
import { Worker } from 'node:worker_threads';

/** Milliseconds on the monotonic clock, the same in every thread. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** A chunk may leave this much before its due time (the tick's own jitter). */
const EARLY_MS = 0.05;

// The worker: sleeps until target[0] (ms, monotonic) or until the main thread
// changes the target (ctl[0], a sequence number, is bumped and notified); posts
// a tick when the target is reached. ctl[1] = 1 stops it.
const CLOCK_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData, 0, 2);
const target = new Float64Array(workerData, 8, 1);
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  const seq = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 1)) break;
  const rest = target[0] - now();
  if (rest === Infinity || rest !== rest) Atomics.wait(ctl, 0, seq);
  else if (rest > 0) Atomics.wait(ctl, 0, seq, rest);
  else {
    target[0] = Infinity;
    parentPort.postMessage(0);
  }
}`;

/**
 * A scheduler of "at (now + delayMs), run this", in arrival order, woken by a
 * worker thread's precise sleep. close() stops the worker.
 * @param {number} delayMs
 */
export function delayClock(delayMs) {
  const sab = new SharedArrayBuffer(16);
  const ctl = new Int32Array(sab, 0, 2);
  const target = new Float64Array(sab, 8, 1);
  target[0] = Infinity;
  /** @type {{ due: number, run: () => void }[]} */
  const queue = [];
  let head = 0;
  // How late a tick reaches this thread after the worker's target (its wake-up
  // plus the message): learnt, and the worker aimed that much earlier, so that a
  // chunk leaves on average at its due time, never more than EARLY_MS before.
  let lag = 0.1;
  let aimed = Infinity;
  const aim = () => {
    aimed = head < queue.length ? queue[head].due - lag : Infinity;
    target[0] = aimed;
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
  };
  const tick = () => {
    const t = now();
    if (t >= aimed) lag = Math.min(0.5, 0.9 * lag + 0.1 * (t - aimed));
    while (head < queue.length && queue[head].due <= t + EARLY_MS) queue[head++].run();
    if (head > 1024 && head * 2 > queue.length) queue.splice(0, head), (head = 0);
    aim(); // always re-aim: the worker may have cleared a target set meanwhile
  };
  const worker = new Worker(CLOCK_WORKER, { eval: true, workerData: sab });
  worker.on('message', tick);
  worker.unref();
  return {
    /** Run `run` delayMs from now, after everything scheduled before it. */
    later(run) {
      queue.push({ due: now() + delayMs, run });
      if (queue.length - head === 1) aim();
    },
    /** Change the delay for what is scheduled from now on (set it while idle: the FIFO assumes one delay). */
    setDelay(ms) {
      delayMs = ms;
    },
    /** Stop the worker; whatever is still queued is dropped. */
    close() {
      Atomics.store(ctl, 1, 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      return worker.terminate();
    },
  };
}

/**
 * One direction of one connection: what `from` sends reaches `to` delayMs later.
 * @param {import('node:net').Socket} from
 * @param {import('node:net').Socket} to
 * @param {{ later: (run: () => void) => void }} clock
 */
export function delayLine(from, to, clock) {
  from.on('data', (chunk) =>
    clock.later(() => {
      if (to.destroyed) return;
      if (!to.write(chunk) && !from.isPaused()) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }),
  );
  from.on('end', () => clock.later(() => to.end()));
}

/**
 * Start a delay proxy on 127.0.0.1 in front of `target` (a postgres URL or
 * `{ host, port }`). Resolves { url, port, connections(), roundTrips(), close() }; `url` is
 * `target` (when a URL) with host and port pointing at the proxy.
 * @param {{ target: string | { host: string, port: number }, delayMs: number }} options
 */
export async function startDelayProxy({ target, delayMs }) {
  const to = typeof target === 'string' ? new URL(target) : null;
  const host = to ? to.hostname : target.host;
  const port = to ? Number(to.port || 5432) : target.port;
  const clock = delayClock(delayMs);
  const sockets = new Set();
  let opened = 0;
  let roundTrips = 0;
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    opened++;
    const upstream = connect({ host, port, allowHalfOpen: true, noDelay: true });
    // A round trip starts when the client sends after it last heard from the
    // server (or first): messages sent together, pipelined, count once.
    let clientTurn = false;
    client.on('data', () => clientTurn || ((clientTurn = true), roundTrips++));
    upstream.on('data', () => (clientTurn = false));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    // A reset reaches the peer after the delay too (a clean close travels as 'end' above).
    const closeBoth = () => clock.later(() => (client.destroy(), upstream.destroy()));
    for (const s of [client, upstream]) s.on('error', closeBoth).on('close', (hadError) => hadError && closeBoth());
    delayLine(client, upstream, clock);
    delayLine(upstream, client, clock);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const listening = server.address().port;
  let url;
  if (to) {
    const u = new URL(to);
    u.hostname = '127.0.0.1';
    u.port = String(listening);
    url = u.toString();
  }
  return {
    url,
    port: listening,
    /** Change the delay each way (while no traffic is in flight), e.g. to calibrate the measured RTT. */
    setDelay: (ms) => clock.setDelay(ms),
    /** Connections accepted so far. */
    connections: () => opened,
    /** Client turns so far, over all connections (see above): the round trips the tools waited for. */
    roundTrips: () => roundTrips,
    close: async () => {
      await new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      await clock.close();
    },
  };
}
