// Builds the relations area for the composition root: the read store over
// event_relations and the service behind /relations and /threads.
import type { SqlDb } from '../storage/Database.js';
import type { RoomStore } from '../storage/ports/rooms.js';
import { KyselyRelationsStore } from '../storage/kysely/KyselyRelationsStore.js';
import type { HistoryVisibilityService } from '../visibility/HistoryVisibilityService.js';
import type { MembershipService } from '../rooms/MembershipService.js';
import { RelationsService, type EventSerializer } from './RelationsService.js';
import { SpaceHierarchy } from './SpaceHierarchy.js';
import type { RoomState } from '../rooms/RoomState.js';
import type { RelationsApiDeps } from '../client-api/relations/registerRelationsApi.js';

export function createRelationsArea(deps: {
  db: SqlDb;
  rooms: RoomStore;
  visibility: HistoryVisibilityService;
  serializer: EventSerializer;
  membership: Pick<MembershipService, 'knock'>;
  /** The rooms area's pipeline: current state of local rooms for /hierarchy. */
  pipeline: { roomState(roomId: string): Promise<RoomState | undefined> };
}): RelationsApiDeps {
  const relations = new RelationsService({
    rooms: deps.rooms, relations: new KyselyRelationsStore(deps.db), visibility: deps.visibility, serializer: deps.serializer,
  });
  return { relations, membership: deps.membership, hierarchy: new SpaceHierarchy({ roomState: (id) => deps.pipeline.roomState(id) }) };
}
