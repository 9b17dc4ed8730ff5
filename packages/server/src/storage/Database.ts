// The storage handle every store is built on: one Kysely instance over
// better-sqlite3 (default) or pg. Engine differences live in ./dialect.ts and the
// migrations; stores are written once against Kysely (ARCHITECTURE.md "Storage").
import type { Kysely, Transaction } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * The untyped shared handle. Each store narrows it to the tables it owns with
 * `db.withTables<AreaTables>()` (or a cast), so areas can add tables without
 * editing a central schema type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqlDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqlTx = Transaction<any>;

export interface Database {
  readonly engine: Engine;
  readonly db: SqlDb;
  /**
   * Runs `fn` in one transaction. On SQLite all queries share one connection, so
   * transactions are serialised; on PostgreSQL they run at READ COMMITTED.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /**
   * SQLite only: the better-sqlite3 connection under `db`, for hot paths that
   * run prepared statements synchronously (the event persister). Use it only
   * inside `db.connection().execute(...)`, which holds Kysely's connection lock.
   */
  readonly sqliteConnection?: unknown;
  close(): Promise<void>;
}
