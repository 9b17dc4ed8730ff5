// Builds the sync area's stores and services for the composition root.
import type { SqlDb } from '../storage/Database.js';
import {
  KyselyAccountDataStore, KyselyFilterStore, KyselyPresenceStore, KyselyReceiptStore,
} from '../storage/kysely/KyselySyncDataStores.js';
import { KyselySyncReadStore } from '../storage/kysely/KyselySyncReadStore.js';
import { SqliteSyncReadStore } from '../storage/kysely/syncSqliteReads.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { SyncReadStore, UserMembership } from '../storage/ports/sync.js';
import type { Notifier } from '../streams/Notifier.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { SyncApiDeps } from '../client-api/sync/SyncApiDeps.js';
import { AccountDataService } from './AccountDataService.js';
import { FilterService } from './FilterService.js';
import { PresenceService } from './PresenceService.js';
import { ReceiptService } from './ReceiptService.js';
import { SyncService } from './SyncService.js';
import type { SyncExtension } from './SyncExtension.js';
import { TypingService } from './TypingService.js';
import { StreamHighWater } from './streamWrite.js';
import { showAllEvents, type ClientEventFormatter, type UnreadCounter, type VisibilityFilter } from './ports.js';
import { defaultUnreadCounter } from './defaultUnreadCounter.js';

export interface SyncAreaOptions {
  db: SqlDb;
  /** SQLite only (Database.sqliteConnection): enables the prepared-statement read path. */
  sqliteConnection?: unknown;
  generator: StreamIdGenerator;
  notifier: Notifier;
  /** The registry other areas push to; read on every /sync. */
  extensions: SyncExtension[];
  /** rooms/clientEvent.ts toClientEvent, adapted. */
  format: ClientEventFormatter;
  /** visibility/ module; defaults to showing everything (INTEGRATION POINT). */
  visibility?: VisibilityFilter;
  /**
   * Stream position of the newest m.room.member event (rooms area): while it
   * stays the same, a user's memberships read earlier are still current, so
   * /sync (asked on every response) reuses them.
   */
  lastMembershipChange?: () => number;
  /** unread_notifications; defaults to the NOTSPEC approximation in defaultUnreadCounter.ts. */
  unreadCounter?: UnreadCounter;
}

export type SyncArea = SyncApiDeps;

export function createSyncArea(opts: SyncAreaOptions): SyncArea {
  const highWater = new StreamHighWater(opts.generator.current);
  const streams = { generator: opts.generator, notifier: opts.notifier, highWater };
  const reads = opts.sqliteConnection
    ? new SqliteSyncReadStore(opts.db, opts.sqliteConnection as BetterSqlite3.Database)
    : new KyselySyncReadStore(opts.db);
  if (opts.lastMembershipChange) cacheMemberships(reads, opts.lastMembershipChange, () => opts.generator.current);
  const accountDataStore = new KyselyAccountDataStore(opts.db);
  const receiptStore = new KyselyReceiptStore(opts.db);
  const presenceStore = new KyselyPresenceStore(opts.db);
  const accountData = new AccountDataService(accountDataStore, streams);
  const typing = new TypingService(opts.notifier);
  const presence = new PresenceService(presenceStore, streams, async (userId) =>
    (await reads.membershipsOf(userId)).filter((m) => m.membership === 'join').map((m) => m.roomId),
  );
  presence.start();
  const receipts = new ReceiptService(receiptStore, reads, accountData, streams);
  const filters = new FilterService(new KyselyFilterStore(opts.db));
  const sync = new SyncService({
    generator: opts.generator,
    notifier: opts.notifier,
    highWater,
    reads,
    accountData: accountDataStore,
    receipts: receiptStore,
    presenceStore,
    presence,
    typing,
    extensions: opts.extensions,
    format: opts.format,
    visibility: opts.visibility ?? showAllEvents,
    unreadCounter: opts.unreadCounter ?? defaultUnreadCounter(reads),
  });
  return { sync, filters, typing, receipts, accountData, presence, reads };
}

/** Tables of this area whose rows carry stream_pos (for storage/streamTables.ts). */
export const syncStreamTables = ['account_data', 'receipts', 'presence'] as const;

/**
 * Caches membershipsOf per user, tagged with the newest membership event's
 * position; a hit needs that position unchanged. Only a read taken when every
 * membership event up to the tag was visible is cached (one allocated but not
 * yet committed could be missing from it).
 */
function cacheMemberships(reads: SyncReadStore, version: () => number, visible: () => number): void {
  const read = reads.membershipsOf.bind(reads);
  const cache = new Map<string, { version: number; rows: UserMembership[] }>();
  reads.membershipsOf = async (userId: string): Promise<UserMembership[]> => {
    const v = version();
    const hit = cache.get(userId);
    if (hit && hit.version === v) return hit.rows.slice();
    const rows = await read(userId);
    if (v <= visible() && version() === v) {
      if (cache.size >= 50_000) cache.clear();
      cache.set(userId, { version: v, rows: rows.slice() });
    }
    return rows;
  };
}
