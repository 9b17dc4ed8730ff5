// Shared set-up of the relations suites: two users on a fresh server and the
// relation contents they send.
import { startTestServer, type Engine, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction } from '../events/helpers.js';

export const annotation = (eventId: string, key: string) => ({ 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } });
export const threadReply = (rootId: string, body: string) => ({ msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: rootId } });

/** A server with alice and bob registered. */
export async function serverWithAliceAndBob(engine: Engine): Promise<{ hs: TestServer; alice: TestUser; bob: TestUser }> {
  const hs = await startTestServer({ engine });
  return { hs, alice: await hs.register('alice'), bob: await hs.register('bob') };
}

/** A public room created by `creator` that `joiner` has joined. */
export async function publicRoomWith(hs: TestServer, creator: TestUser, joiner: TestUser): Promise<string> {
  const roomId = await createRoom(hs, creator, { preset: 'public_chat' });
  await membershipAction(hs, joiner, roomId, 'join');
  return roomId;
}
