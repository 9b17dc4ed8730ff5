// Applies schema migrations on start. Each area contributes modules with a
// unique id (./migrations/index.ts lists them in order); applied ids are
// recorded in `weft_migrations`. Each migration runs in its own transaction
// (both engines have transactional DDL).
import { sql } from 'kysely';
import type { Database, SqlTx } from './Database.js';
import { ddlHelpers, type DdlHelpers } from './dialect.js';

export interface Migration {
  /** Unique and stable forever, e.g. 'accounts-001'. */
  id: string;
  up(db: SqlTx, ddl: DdlHelpers): Promise<void>;
}

export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  const { db } = database;
  await db.schema
    .createTable('weft_migrations')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('applied_ts', ddlHelpers(database.engine).bigint, (c) => c.notNull())
    .execute();
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    seen.add(m.id);
  }
  const rows = await db.selectFrom('weft_migrations').select('id').execute();
  const applied = new Set(rows.map((r: { id: string }) => r.id));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    await database.transaction(async (tx) => {
      if (database.engine === 'postgres') {
        // Serialise concurrent starters (several processes, parallel tests on one DB).
        await sql`select pg_advisory_xact_lock(7361626)`.execute(tx);
        const again = await tx.selectFrom('weft_migrations').select('id').where('id', '=', m.id).executeTakeFirst();
        if (again) return;
      }
      await m.up(tx, ddlHelpers(database.engine));
      await tx.insertInto('weft_migrations').values({ id: m.id, applied_ts: Date.now() }).execute();
    });
    ran.push(m.id);
  }
  return ran;
}
