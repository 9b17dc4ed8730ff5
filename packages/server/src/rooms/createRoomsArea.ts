// Builds the rooms area for the composition root: the event pipeline over the
// RoomStore, the services the endpoints call, and the account hooks (profile
// changes → member events; deactivation → leave every room).
import { RoomUpgrader } from './RoomUpgrader.js';
import { signingKeyFromSeed } from '@weft/core';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { UserStore } from '../storage/ports/accounts.js';
import { CoreEventFactory } from './CoreEventFactory.js';
import { EventSigner } from './EventSigner.js';
import { RoomPipeline } from './RoomPipeline.js';
import { RoomService } from './RoomService.js';
import { MembershipService, type ProfileSource } from './MembershipService.js';
import { RoomDirectory } from './RoomDirectory.js';
import { ClientEventSerializer } from './ClientEventSerializer.js';

export interface RoomsArea {
  pipeline: RoomPipeline;
  rooms: RoomService;
  membership: MembershipService;
  directory: RoomDirectory;
  upgrader: RoomUpgrader;
  serializer: ClientEventSerializer;
}

export async function createRoomsArea(deps: {
  serverName: string;
  defaultRoomVersion: string;
  signingKey: { keyId: string; seed: Uint8Array };
  store: RoomStore;
  users: UserStore;
  generator: StreamIdGenerator;
  notifier: Notifier;
}): Promise<RoomsArea> {
  const key = signingKeyFromSeed(deps.signingKey.seed, deps.signingKey.keyId);
  // SQLite: an event built while the writer is idle is signed after its commit (EventSigner.ts).
  const deferSigning = deps.store.deferredSigning;
  const factory = new CoreEventFactory(deps.serverName, key);
  const pipeline = new RoomPipeline({
    store: deps.store, generator: deps.generator, notifier: deps.notifier, factory, serverName: deps.serverName,
    ...(deferSigning ? { signer: new EventSigner(deps.serverName, key) } : {}),
  });
  await pipeline.start();
  const profiles: ProfileSource = {
    async profile(userId) {
      const u = await deps.users.getUser(userId);
      return u ? { displayname: u.displayname, avatar_url: u.avatarUrl } : undefined;
    },
  };
  const isAdmin = async (userId: string) => (await deps.users.getUser(userId))?.admin ?? false;
  const rooms = new RoomService({ pipeline, store: deps.store, profiles, serverName: deps.serverName, defaultRoomVersion: deps.defaultRoomVersion });
  return {
    pipeline,
    rooms,
    upgrader: new RoomUpgrader({ pipeline, store: deps.store, rooms, serverName: deps.serverName }),
    membership: new MembershipService({ pipeline, store: deps.store, profiles, serverName: deps.serverName }),
    directory: new RoomDirectory({ store: deps.store, pipeline, serverName: deps.serverName, isAdmin }),
    serializer: new ClientEventSerializer(deps.store),
  };
}
