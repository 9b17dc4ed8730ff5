// Every table with a `stream_pos` column (WAVE2 contract "Stream positions").
// On start the one StreamIdGenerator begins after the highest position in any
// of them. Areas APPEND their table names here.
import type { SqlDb } from './Database.js';

export const streamTables: string[] = [
  'events',
  'account_data', 'receipts', 'presence',
  'device_list_changes', 'to_device_inbox',
];

/** The highest stream_pos over `tables` (0 when all are empty). */
export async function maxStreamPosition(db: SqlDb, tables: readonly string[] = streamTables): Promise<number> {
  let max = 0;
  for (const table of tables) {
    const r = await db
      .selectFrom(table)
      .select((eb) => eb.fn.max('stream_pos').as('m'))
      .executeTakeFirst();
    const m = r?.m === null || r?.m === undefined ? 0 : Number(r.m);
    if (m > max) max = m;
  }
  return max;
}
