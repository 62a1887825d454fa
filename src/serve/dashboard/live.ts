/**
 * Live progress for open pages: LISTEN cutover_progress on each of the
 * fleet's databases; each announcement has its schema read again, and the
 * pages hear one `progress` event per quarter second however many tenants
 * moved in it (they fetch the overview again). A database that cannot be
 * listened to leaves its pages polling.
 */
import { listen, PROGRESS_CHANNEL, type Listener } from '../../db/notify.js';
import type { LiveFeed } from './app.js';
import type { DashboardSource } from './source.js';

const COALESCE_MS = 250;
/** After a lost LISTEN connection, try again this often. */
const RELISTEN_MS = 5_000;

/** A running feed; `close` stops listening. */
export interface LiveHub extends LiveFeed {
  close(): Promise<void>;
  /** Databases being listened to. */
  listening(): number;
}

/**
 * Listen on every database of the source.
 *
 * @example
 * const live = await liveHub(source); dashboardHandler({ source, live });
 */
export async function liveHub(source: DashboardSource): Promise<LiveHub> {
  const clients = new Set<(event: string, data: unknown) => void>();
  const listeners = new Map<string, Listener>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let moved: { count: number; last: unknown } | undefined;
  const heard = (database: string, payload: string) => {
    let data: unknown = payload;
    try { data = JSON.parse(payload); } catch { /* not a run's: still a reason to look again */ }
    const schema = (data as { schema?: unknown } | null)?.schema;
    source.invalidate(typeof schema === 'string' ? { database, schema } : undefined);
    if (moved) { moved.count++; moved.last = data; return; }
    moved = { count: 1, last: data };
    const timer = setTimeout(() => {
      timers.delete(timer);
      const batch = moved;
      moved = undefined;
      for (const client of clients) client('progress', batch);
    }, COALESCE_MS);
    timers.add(timer);
  };
  const start = async (database: string, url: string): Promise<void> => {
    if (closed) return;
    try {
      listeners.set(database, await listen(url, PROGRESS_CHANNEL, (payload) => heard(database, payload), () => {
        listeners.delete(database);
        const timer = setTimeout(() => { timers.delete(timer); void start(database, url); }, RELISTEN_MS);
        timers.add(timer);
      }));
    } catch {
      const timer = setTimeout(() => { timers.delete(timer); void start(database, url); }, RELISTEN_MS);
      timers.add(timer);
    }
  };
  await Promise.all((await source.databases()).map(({ database, url }) => start(database, url)));
  return {
    subscribe(send) {
      clients.add(send);
      return () => clients.delete(send);
    },
    listening: () => listeners.size,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([...listeners.values()].map((l) => l.close()));
    },
  };
}
