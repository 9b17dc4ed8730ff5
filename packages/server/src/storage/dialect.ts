// The one place that knows which engine is underneath (DESIGN principle 5):
// opening connections, pragmas, and the few DDL spellings that differ.
import { Kysely, PostgresDialect, SqliteDialect, sql, type ColumnDefinitionBuilder } from 'kysely';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Database, Engine, SqlDb, SqlTx } from './Database.js';
import { SqliteCheckpointer } from './sqliteCheckpointer.js';

export type DatabaseOptions =
  | { engine: 'sqlite'; path: string }
  | {
      engine: 'postgres';
      connectionString?: string;
      host?: string;
      port?: number;
      user?: string;
      password?: string;
      database?: string;
      maxConnections?: number;
      /** Told about errors on idle pooled connections (they are replaced automatically). */
      onIdleError?: (err: Error) => void;
    };

/** Opens the database. better-sqlite3 and pg are loaded lazily so start-up stays fast. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.engine === 'sqlite') {
    const { db, conn } = await openSqlite(opts.path);
    return { ...wrap('sqlite', db), sqliteConnection: conn };
  }
  return wrap(opts.engine, await openPostgres(opts));
}

function wrap(engine: Engine, db: SqlDb): Database {
  return {
    engine,
    db,
    transaction: <T>(fn: (tx: SqlTx) => Promise<T>) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}

type BetterSqlite3Database = import('better-sqlite3').Database;

async function openSqlite(path: string): Promise<{ db: SqlDb; conn: unknown }> {
  const BetterSqlite3 = await sqliteDriver();
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const conn = BetterSqlite3(path);
  // WAL + synchronous=NORMAL: a commit is durable against a process crash
  // (kill -9) because it is in the WAL file before the write returns; only an
  // OS crash/power loss can lose the last transactions. busy_timeout lets a
  // second process (e.g. `weft register` while the server runs) wait for the lock.
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('foreign_keys = ON');
  // A WAL that grew under a burst is cut back to this size once it restarts.
  conn.pragma('journal_size_limit = 67108864');
  const checkpointer = path === ':memory:' ? undefined : new SqliteCheckpointer(path);
  if (checkpointer) {
    checkpointers.set(conn, checkpointer);
    // The worker keeps the WAL backfilled; the inline checkpoint (with its fsyncs on
    // the main thread) becomes a rare fallback.
    conn.pragma('wal_autocheckpoint = 10000');
  }
  return { db: new Kysely({ dialect: new SqliteDialect({ database: cachingStatements(conn, checkpointer) }) }), conn };
}

const checkpointers = new WeakMap<object, SqliteCheckpointer>();

/**
 * better-sqlite3, opened with its compiled addon given by path (build/Release, where npm
 * ci's compile and prebuilt downloads put it): that skips the `bindings` package's search
 * through a dozen candidate paths relative to its own files — a search that cannot work
 * from inside the start-up bundle (scripts/bundle.mjs), which includes better-sqlite3's
 * JavaScript. Without a Release build, the installed package is loaded from node_modules
 * at run time and searches for its addon itself.
 */
async function sqliteDriver(): Promise<(path: string) => BetterSqlite3Database> {
  const require = createRequire(import.meta.url);
  let addon: string | undefined;
  try {
    addon = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    addon = undefined;
  }
  if (addon !== undefined && existsSync(addon)) {
    const { default: Database } = await import('better-sqlite3');
    return (path) => new Database(path, { nativeBinding: addon });
  }
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  return (path) => new Database(path);
}

/** The SQLite hot-path writers report each write transaction here (see sqliteCheckpointer.ts). */
export function noteSqliteCommit(conn: object): void {
  checkpointers.get(conn)?.noteCommit();
}

/** Distinct SQL texts kept prepared (Kysely's `in (?, ?, …)` lists make some texts vary with arity). */
const STATEMENT_CACHE_MAX = 512;

/**
 * Kysely's SQLite driver prepares every query it runs; preparing (parsing and
 * planning in SQLite) was the largest single cost of a /sync in profiles. The
 * same SQL text gets the same better-sqlite3 statement back. Safe because the
 * driver runs one query at a time per connection and never leaves a statement
 * mid-iteration across queries (Weft does not stream results).
 */
function cachingStatements(conn: BetterSqlite3Database, checkpointer: SqliteCheckpointer | undefined): { close(): void; prepare: BetterSqlite3Database['prepare'] } {
  const cache = new Map<string, ReturnType<BetterSqlite3Database['prepare']>>();
  return {
    close: () => {
      void checkpointer?.close();
      conn.close();
    },
    prepare: ((sqlText: string) => {
      let stmt = cache.get(sqlText);
      if (stmt === undefined) {
        stmt = conn.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        cache.set(sqlText, stmt);
      }
      return stmt;
    }) as BetterSqlite3Database['prepare'],
  };
}

async function openPostgres(opts: Extract<DatabaseOptions, { engine: 'postgres' }>): Promise<SqlDb> {
  const { default: pg } = await import('pg');
  // int8 (bigint, e.g. timestamps and stream positions) as JS numbers: every
  // value we store fits in 2^53.
  const int8 = 20;
  const types = {
    getTypeParser: (oid: number, format?: unknown) =>
      oid === int8 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: unknown) => unknown)(oid, format),
  };
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    host: opts.host,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    database: opts.database,
    max: opts.maxConnections ?? 10,
    types: types as never,
  });
  // An idle connection can be cut by the server (restart, failover, admin
  // terminate). pg-pool drops that client and the next query opens a new one;
  // without a listener the 'error' event would crash the process.
  pool.on('error', (err) =>
    opts.onIdleError ? opts.onIdleError(err) : process.emitWarning(`PostgreSQL idle connection lost (it will be replaced): ${err.message}`),
  );
  // Fail fast with a clear message when the server is unreachable.
  const client = await pool.connect();
  client.release();
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}

/** DDL helpers for migrations: the spellings that differ between engines. */
export interface DdlHelpers {
  engine: Engine;
  /** An auto-incrementing 64-bit integer primary key column type + modifier. */
  autoId: { type: 'integer' | 'bigserial'; modify: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder };
  /** Type for 64-bit integers (timestamps in ms, stream positions). */
  bigint: 'integer' | 'bigint';
  /** Binary column type. */
  blob: 'blob' | 'bytea';
}

export function ddlHelpers(engine: Engine): DdlHelpers {
  return engine === 'sqlite'
    ? { engine, autoId: { type: 'integer', modify: (c) => c.primaryKey().autoIncrement() }, bigint: 'integer', blob: 'blob' }
    : { engine, autoId: { type: 'bigserial', modify: (c) => c.primaryKey() }, bigint: 'bigint', blob: 'bytea' };
}

/** True when `err` is a unique-constraint violation on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}

export { sql };
