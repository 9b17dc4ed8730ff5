import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import { isUniqueViolation } from '../dialect.js';
import type { RegistrationTokenRecord, RegistrationTokenStore } from '../ports/accounts.js';

interface Row { token: string; uses_allowed: number | null; pending: number; completed: number; expiry_time: number | null }
interface Tables { registration_tokens: Row }

export class KyselyRegistrationTokenStore implements RegistrationTokenStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async create(t: { token: string; usesAllowed: number | null; expiryTime: number | null }): Promise<boolean> {
    try {
      await this.db.insertInto('registration_tokens').values({ token: t.token, uses_allowed: t.usesAllowed, pending: 0, completed: 0, expiry_time: t.expiryTime }).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async get(token: string): Promise<RegistrationTokenRecord | undefined> {
    const r = await this.db.selectFrom('registration_tokens').selectAll().where('token', '=', token).executeTakeFirst();
    return r && toRecord(r);
  }

  async list(): Promise<RegistrationTokenRecord[]> {
    return (await this.db.selectFrom('registration_tokens').selectAll().orderBy('token').execute()).map(toRecord);
  }

  async delete(token: string): Promise<boolean> {
    const r = await this.db.deleteFrom('registration_tokens').where('token', '=', token).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async reserve(token: string, nowTs: number): Promise<boolean> {
    // One conditional UPDATE, so two concurrent registrations cannot both take the last use.
    const r = await this.db
      .updateTable('registration_tokens')
      .set({ pending: sql<number>`pending + 1` })
      .where('token', '=', token)
      .where((eb) => eb.or([eb('expiry_time', 'is', null), eb('expiry_time', '>', nowTs)]))
      .where((eb) => eb.or([eb('uses_allowed', 'is', null), eb(sql<number>`pending + completed`, '<', eb.ref('uses_allowed'))]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async release(token: string): Promise<void> {
    await this.db.updateTable('registration_tokens').set({ pending: sql<number>`pending - 1` }).where('token', '=', token).where('pending', '>', 0).execute();
  }

  async complete(token: string): Promise<void> {
    await this.db
      .updateTable('registration_tokens')
      .set({ pending: sql<number>`case when pending > 0 then pending - 1 else 0 end`, completed: sql<number>`completed + 1` })
      .where('token', '=', token)
      .execute();
  }
}

function toRecord(r: Row): RegistrationTokenRecord {
  return {
    token: r.token,
    usesAllowed: r.uses_allowed === null ? null : Number(r.uses_allowed),
    pending: Number(r.pending),
    completed: Number(r.completed),
    expiryTime: r.expiry_time === null ? null : Number(r.expiry_time),
  };
}
