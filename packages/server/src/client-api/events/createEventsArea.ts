// Builds the events-read area for the composition root: the read store over
// the rooms tables, history visibility (also handed to the sync area), and
// the reader behind the endpoints.
import type { SqlDb } from '../../storage/Database.js';
import type { RoomStore } from '../../storage/ports/rooms.js';
import { KyselyRoomReadsStore } from '../../storage/kysely/KyselyRoomReadsStore.js';
import type { RoomReadStore } from '../../storage/ports/roomReads.js';
import { HistoryVisibilityService } from '../../visibility/HistoryVisibilityService.js';
import { RoomEventsReader, type EventSerializer } from './RoomEventsReader.js';

export interface EventsArea {
  reads: RoomReadStore;
  visibility: HistoryVisibilityService;
  reader: RoomEventsReader;
}

export function createEventsArea(deps: { db: SqlDb; rooms: RoomStore; serializer: EventSerializer; currentPos: () => number }): EventsArea {
  const reads = new KyselyRoomReadsStore(deps.db);
  const visibility = new HistoryVisibilityService({ rooms: deps.rooms, reads });
  const reader = new RoomEventsReader({ rooms: deps.rooms, reads, visibility, serializer: deps.serializer, currentPos: deps.currentPos });
  return { reads, visibility, reader };
}
