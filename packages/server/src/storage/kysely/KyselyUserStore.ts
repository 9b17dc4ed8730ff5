import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import { isUniqueViolation } from '../dialect.js';
import type { NewUser, UserRecord, UserStore } from '../ports/accounts.js';

interface UsersTable {
  id: number;
  user_id: string;
  password_hash: string | null;
  is_admin: number;
  is_guest: number;
  user_type: string | null;
  deactivated: number;
  created_ts: number;
  displayname: string | null;
  avatar_url: string | null;
}
export interface UserTables { users: UsersTable }

export class KyselyUserStore implements UserStore {
  private readonly db: Kysely<UserTables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<UserTables>;
  }

  async createUser(u: NewUser): Promise<boolean> {
    try {
      await this.db
        .insertInto('users')
        .values({
          user_id: u.userId,
          password_hash: u.passwordHash,
          is_admin: u.admin ? 1 : 0,
          is_guest: u.isGuest ? 1 : 0,
          user_type: u.userType ?? null,
          deactivated: 0,
          created_ts: u.createdTs,
          displayname: u.displayname ?? null,
          avatar_url: null,
        } as never)
        .execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async getUser(userId: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!r) return undefined;
    return {
      nid: Number(r.id),
      userId: r.user_id,
      passwordHash: r.password_hash,
      admin: !!r.is_admin,
      isGuest: !!r.is_guest,
      userType: r.user_type,
      deactivated: !!r.deactivated,
      createdTs: Number(r.created_ts),
      displayname: r.displayname,
      avatarUrl: r.avatar_url,
    };
  }

  async userIdTakenIgnoringCase(userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('users')
      .select('id')
      .where(sql<string>`lower(user_id)`, '=', userId.toLowerCase())
      .executeTakeFirst();
    return r !== undefined;
  }

  async setPasswordHash(userId: string, hash: string | null): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash }).where('user_id', '=', userId).execute();
  }

  async setDeactivated(userId: string, deactivated: boolean): Promise<void> {
    await this.db.updateTable('users').set({ deactivated: deactivated ? 1 : 0 }).where('user_id', '=', userId).execute();
  }

  async setAdmin(userId: string, admin: boolean): Promise<void> {
    await this.db.updateTable('users').set({ is_admin: admin ? 1 : 0 }).where('user_id', '=', userId).execute();
  }

  async setProfileField(userId: string, field: 'displayname' | 'avatar_url', value: string | null): Promise<void> {
    await this.db.updateTable('users').set({ [field]: value }).where('user_id', '=', userId).execute();
  }
}
