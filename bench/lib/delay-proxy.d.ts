// Types of delay-proxy.js, for the tests (test/bench/delay-proxy.test.ts).
import type { Socket } from 'node:net';

/** A scheduler of "at now + delayMs, run this", in arrival order. */
export interface DelayClock {
  later(run: () => void): void;
  setDelay(ms: number): void;
  close(): Promise<number>;
}
export function delayClock(delayMs: number): DelayClock;
export function delayLine(from: Socket, to: Socket, clock: Pick<DelayClock, 'later'>): void;

export interface DelayProxy {
  /** The target URL through the proxy (when the target was a URL). */
  url: string | undefined;
  port: number;
  /** Change the delay each way (while no traffic is in flight). */
  setDelay(ms: number): void;
  /** Connections accepted so far. */
  connections(): number;
  /** Round trips so far over all connections: each time a client sends after it last heard from the server. */
  roundTrips(): number;
  close(): Promise<void>;
}
export function startDelayProxy(options: { target: string | { host: string; port: number }; delayMs: number }): Promise<DelayProxy>;
