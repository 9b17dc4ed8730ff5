// What the rooms endpoints need (built in main.ts).
import type { RoomService } from '../../rooms/RoomService.js';
import type { MembershipService } from '../../rooms/MembershipService.js';
import type { RoomDirectory } from '../../rooms/RoomDirectory.js';
import type { RoomUpgrader } from '../../rooms/RoomUpgrader.js';

export interface RoomsApiDeps {
  rooms: RoomService;
  membership: MembershipService;
  directory: RoomDirectory;
  upgrader: RoomUpgrader;
}
