/**
 * Counting database round trips, deterministically: every `query()` call a
 * node-postgres client makes is one round trip (pg sends one simple or
 * extended-protocol query per call and waits for its ReadyForQuery before the
 * next), so the calls are counted, per connection, never timed. Connecting is
 * not counted: it is paid once per process (a pool) or per run, not per query.
 *
 * @example
 * const sent = countQueries();
 * await migrate({ pool, dir });
 * expect(sent.on(sent.connections()[0]!)).toHaveLength(2);
 */
import pg from 'pg';
import { onTestFinished } from 'vitest';

/** One query sent: on which connection (numbered in the order they first sent) and its text. */
export interface Sent {
  connection: number;
  text: string;
}

/** What {@link countQueries} saw. */
export interface QueryLog {
  sent: Sent[];
  /** Connections that sent anything, in order. */
  connections(): number[];
  /** The texts one connection sent. */
  on(connection: number): string[];
  /** The connections one of whose queries matches `pattern`. */
  sending(pattern: RegExp): number[];
  /** Stop counting (also done when the test ends). */
  stop(): void;
}

/**
 * Count every query any pg client in this process sends from now on, until
 * {@link QueryLog.stop} or the end of the test. Both the pg the test imports and
 * the one cutover loads are this module instance (one `pg.Client` class).
 */
export function countQueries(): QueryLog {
  const sent: Sent[] = [];
  const numbers = new WeakMap<object, number>();
  let next = 0;
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let counting = true;
  prototype.query = function (this: object, ...args: unknown[]) {
    if (counting) {
      if (!numbers.has(this)) numbers.set(this, next++);
      const text = args[0] as string | { text: string };
      sent.push({ connection: numbers.get(this)!, text: typeof text === 'string' ? text : text.text });
    }
    return original.apply(this, args);
  };
  const stop = () => {
    counting = false;
    prototype.query = original;
  };
  onTestFinished(stop);
  const on = (connection: number) => sent.filter((s) => s.connection === connection).map((s) => s.text);
  return {
    sent,
    stop,
    on,
    connections: () => [...new Set(sent.map((s) => s.connection))],
    sending: (pattern) => [...new Set(sent.filter((s) => pattern.test(s.text)).map((s) => s.connection))],
  };
}

/** The queries for a failure message: numbered, each cut to its first lines. */
export function listed(texts: readonly string[]): string {
  return texts.map((text, i) => `${i + 1}. ${text.split('\n').slice(0, 4).join('\n   ')}`).join('\n');
}
