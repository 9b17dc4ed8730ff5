// The event pipeline (rooms/RoomPipeline + EventPersister) below HTTP: group
// commit batches concurrent sends into one transaction; stream positions follow
// build order and become visible only after commit; a failed batch fails its
// callers and the events built on top of it, and the room recovers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStorage, type Storage } from '../../src/storage/Storage.js';
import { StreamIdGenerator } from '../../src/streams/StreamIdGenerator.js';
import { Notifier } from '../../src/streams/Notifier.js';
import { createRoomsArea, type RoomsArea } from '../../src/rooms/createRoomsArea.js';
import { generateSigningKey } from '../../src/config/signingKey.js';
import type { NewEvent } from '../../src/storage/ports/rooms.js';

describe('RoomPipeline', () => {
  let storage: Storage;
  let area: RoomsArea;
  let generator: StreamIdGenerator;
  let notifier: Notifier;
  const batches: number[] = [];
  let failNext = false;
  const alice = '@alice:pipe.test';

  before(async () => {
    storage = await openStorage({ engine: 'sqlite', path: ':memory:' });
    const persist = storage.rooms.persistEvents.bind(storage.rooms);
    storage.rooms.persistEvents = async (events: readonly NewEvent[]) => {
      batches.push(events.length);
      if (failNext) {
        failNext = false;
        throw new Error('disk on fire');
      }
      return persist(events);
    };
    generator = new StreamIdGenerator(0);
    notifier = new Notifier();
    area = await createRoomsArea({
      serverName: 'pipe.test', defaultRoomVersion: '11', signingKey: generateSigningKey(),
      store: storage.rooms, users: storage.users, generator, notifier,
    });
  });
  after(() => storage.close());

  it('createRoom writes every initial event in one batch', async () => {
    batches.length = 0;
    await area.rooms.createRoom(alice, { name: 'x', topic: 'y' });
    assert.deepEqual(batches, [8]);
  });

  it('concurrent sends are group-committed; positions follow build order; notify after commit', async () => {
    const { room_id: roomId } = await area.rooms.createRoom(alice, {});
    batches.length = 0;
    const before = generator.current;
    const listener = notifier.listen({ userId: '@nobody:pipe.test', roomIds: [roomId], timeoutMs: 5000 });
    const sends = Array.from({ length: 50 }, (_, i) => area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: `m${i}` }, `t${i}`));
    // Nothing is visible before the commit.
    assert.equal(generator.current, before);
    const results = await Promise.all(sends);
    assert.equal(await listener.woken, true);
    assert.ok(batches.length < 50, `expected batching, got ${batches.length} transactions`);
    assert.equal(batches.reduce((a, b) => a + b, 0), 50);
    assert.equal(generator.current, before + 50);
    const rows = await storage.rooms.getEvents(results.map((r) => r.eventId));
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    for (let i = 1; i < results.length; i++) {
      const prev = byId.get(results[i - 1]!.eventId)!;
      const cur = byId.get(results[i]!.eventId)!;
      assert.equal(cur.streamPos, prev.streamPos + 1);
      assert.equal(cur.depth, prev.depth + 1);
      assert.deepEqual(JSON.parse(cur.json).prev_events, [prev.eventId]);
    }
  });

  it('a failed batch fails its callers and later events of the room; the room then recovers', async () => {
    const { room_id: roomId } = await area.rooms.createRoom(alice, {});
    const last = await storage.rooms.lastEvent((await storage.rooms.getRoom(roomId))!.roomNid);
    failNext = true;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: `f${i}` }, `f${i}`)),
    );
    assert.ok(results.every((r) => r.status === 'rejected'));
    // Positions of the failed events are released: readers are not stuck.
    await area.pipeline.flushed();
    const ok = await area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: 'after' }, 'after');
    const row = await storage.rooms.getEvent(ok.eventId);
    assert.deepEqual(JSON.parse(row!.json).prev_events, [last!.eventId]);
    assert.equal(generator.current, row!.streamPos);
    // The failed transaction IDs were not recorded: a retry sends anew.
    const retry = await area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: 'f0' }, 'f0');
    assert.ok(await storage.rooms.getEvent(retry.eventId));
  });
});
