// Builds the events-read area for the composition root: the read store over
// the rooms tables, history visibility (also handed to the sync area), and
// the reader behind the endpoints.
import { MatrixError } from '@weft/core';
import type { SqlDb } from '../../storage/Database.js';
import type { RoomStore } from '../../storage/ports/rooms.js';
import { KyselyRoomReadsStore } from '../../storage/kysely/KyselyRoomReadsStore.js';
import type { RoomReadStore } from '../../storage/ports/roomReads.js';
import { HistoryVisibilityService } from '../../visibility/HistoryVisibilityService.js';
import { RoomEventsReader, type EventSerializer } from './RoomEventsReader.js';
import { parseIgnoredUsers } from '../../visibility/ignoredUsers.js';

export interface EventsArea {
  reads: RoomReadStore;
  visibility: HistoryVisibilityService;
  reader: RoomEventsReader;
  /** The user's m.ignored_user_list (empty without account data). */
  ignoredUsers: (userId: string) => Promise<ReadonlySet<string>>;
}

export function createEventsArea(deps: {
  db: SqlDb;
  rooms: RoomStore;
  serializer: EventSerializer;
  currentPos: () => number;
  /**
   * The sync area's AccountDataService (get throws 404 M_NOT_FOUND when unset), for
   * m.ignored_user_list. Resolved lazily: the sync area is built after this one.
   */
  accountData?: () => { get(userId: string, roomId: string, type: string): Promise<Record<string, unknown>> };
}): EventsArea {
  const reads = new KyselyRoomReadsStore(deps.db);
  const visibility = new HistoryVisibilityService({ rooms: deps.rooms, reads });
  const accountData = deps.accountData;
  const ignoredUsers = async (userId: string) => {
    try {
      return parseIgnoredUsers(await accountData!().get(userId, '', 'm.ignored_user_list'));
    } catch (err) {
      if (err instanceof MatrixError && err.errcode === 'M_NOT_FOUND') return new Set<string>();
      throw err;
    }
  };
  const reader = new RoomEventsReader({
    rooms: deps.rooms, reads, visibility, serializer: deps.serializer, currentPos: deps.currentPos,
    ...(accountData ? { ignoredUsers } : {}),
  });
  return { reads, visibility, reader, ignoredUsers: accountData ? ignoredUsers : async () => new Set<string>() };
}
