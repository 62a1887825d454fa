/**
 * Connections for the fleet: one per concurrent target, reused from target
 * to target. Each target still gets its own session state: `search_path`
 * is pinned to its schema (sent with its first query, no extra round trip),
 * its advisory lock is taken and released by `runMigrations`, and after a
 * failure the connection is thrown away, never handed to the next tenant.
 */
import { ident } from '../db/sql.js';
import { withSettings, type Connection, type Connector } from '../db/session.js';

/** Opens plain connections to one database (no search_path pinned). */
export interface DatabaseConnector {
  readonly describe: string;
  connect(): Promise<Connection>;
}

/**
 * Targets a connection serves before it is replaced. A backend keeps a
 * catalog cache entry for every relation it touched and processes every
 * other backend's DDL invalidations against them: one session over
 * thousands of schemas slows down (the serial floor in bench/fleet.js runs
 * at about half the per-tenant speed of dbmate's process per schema). A new
 * backend costs ~30 ms here (its start and cold caches), as much as a whole
 * tenant's one-migration upgrade: measured on 1,000 tenants with one
 * pending migration each, replacing every 10 targets took 5.1–5.5 s,
 * every 50 took 3.5–3.7 s, never replacing it 3.5–3.6 s.
 */
export const TARGETS_PER_CONNECTION = 50;

/** One worker's connection, reused across its targets while they succeed. */
export class ConnectionSlot {
  private connection: Connection | undefined;
  private database: string | undefined;
  private broken = false;
  private served = 0;

  /**
   * A connector for one target: the slot's connection with `search_path`
   * pinned to `schema`. Closing it keeps the connection for the next target.
   */
  connectorFor(database: DatabaseConnector, schema: string): Connector {
    return {
      describe: database.describe,
      connect: async () => {
        if (this.connection && this.database !== database.describe) await this.discard();
        if (!this.connection) {
          this.connection = await database.connect();
          this.database = database.describe;
        }
        return pinned(this.connection, schema, (broken) => {
          if (broken) this.broken = true;
        });
      },
    };
  }

  /** After a target: keep the connection if it ended cleanly, else close it. */
  async settle(failed: boolean): Promise<void> {
    if (failed || this.broken || ++this.served >= TARGETS_PER_CONNECTION) await this.discard();
  }

  /** Close the connection (the end of the run, or a failure). */
  async discard(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.database = undefined;
    this.broken = false;
    this.served = 0;
    await connection?.close(true).catch(() => {});
  }
}

function pinned(connection: Connection, schema: string, onClose: (broken: boolean) => void): Connection {
  return {
    ...withSettings(connection, `SET search_path TO ${ident(schema)}`, 1),
    close: async (broken) => onClose(broken === true),
  };
}
