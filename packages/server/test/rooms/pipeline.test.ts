// The event pipeline (rooms/RoomPipeline + EventPersister) below HTTP: group
// commit batches concurrent sends into one transaction; stream positions follow
// build order and become visible only after commit; a failed batch fails its
// callers and the events built on top of it, and the room recovers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../src/storage/Storage.js';
import type { StreamIdGenerator } from '../../src/streams/StreamIdGenerator.js';
import type { Notifier } from '../../src/streams/Notifier.js';
import type { RoomsArea } from '../../src/rooms/createRoomsArea.js';
import type { NewEvent, SignatureWrite } from '../../src/storage/ports/rooms.js';
import { EventPersister } from '../../src/rooms/EventPersister.js';
import { EventSigner } from '../../src/rooms/EventSigner.js';
import { roomVersionRules, signingKeyFromSeed, verifyEventSignature, type Pdu } from '@weft/core';
import { engines, startTestServer, type TestServer } from '../harness.js';

for (const engine of engines()) describe(`RoomPipeline (${engine})`, () => {
  let hs: TestServer;
  let storage: Storage;
  let area: RoomsArea;
  let generator: StreamIdGenerator;
  let notifier: Notifier;
  const batches: number[] = [];
  let failNext = false;
  let alice: string;

  before(async () => {
    hs = await startTestServer({ engine, serverName: 'pipe.test' });
    alice = (await hs.register('alice')).userId;
    storage = hs.hs.storage;
    ({ generator, notifier } = hs.hs.streams);
    area = hs.hs.rooms;
    const persist = storage.rooms.persistEvents.bind(storage.rooms);
    storage.rooms.persistEvents = async (events: readonly NewEvent[], signatures?: SignatureWrite) => {
      // Signature-only writes (deferred signing) are not event batches.
      if (events.length > 0) batches.push(events.length);
      if (failNext && events.length > 0) {
        failNext = false;
        throw new Error('disk on fire');
      }
      return persist(events, signatures);
    };
  });
  after(() => hs.close());

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
    // (Build order among concurrent sends is not their call order: each awaits its own transaction-ID lookup.)
    const rows = (await storage.rooms.getEvents(results.map((r) => r.eventId))).sort((a, b) => a.streamPos - b.streamPos);
    assert.equal(rows.length, 50);
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1]!;
      const cur = rows[i]!;
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
    // Those in the failed batch (at least the first) are refused; any built after it succeeded on the reloaded room.
    assert.equal(results[0]!.status, 'rejected');
    assert.ok(results.some((r) => r.status === 'rejected'));
    // Positions of the failed events are released: readers are not stuck.
    await area.pipeline.flushed();
    const ok = await area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: 'after' }, 'after');
    const row = await storage.rooms.getEvent(ok.eventId);
    assert.equal(generator.current, row!.streamPos);
    // History stays linear and complete: every stored event's prev event is stored.
    const room = (await storage.rooms.getRoom(roomId))!;
    const all = await hs.hs.storage.database.db.selectFrom('events').select(['event_id', 'json']).where('room_nid', '=', room.roomNid).orderBy('stream_pos').execute();
    const ids = new Set(all.map((e: { event_id: string }) => e.event_id));
    for (const e of all) for (const p of JSON.parse(e.json).prev_events) assert.ok(ids.has(p), `dangling prev_event ${p}`);
    assert.ok(ids.has(last!.eventId));
    // The failed transaction IDs were not recorded: a retry sends anew.
    const retry = await area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: 'f0' }, 'f0');
    assert.ok(await storage.rooms.getEvent(retry.eventId));
  });

  it('a redaction committed in the same batch as its target still marks it redacted', async () => {
    const { room_id: roomId } = await area.rooms.createRoom(alice, {});
    batches.length = 0;
    const msg = area.pipeline.send({ roomId, sender: alice, type: 'm.room.message', content: { body: 'oops' } });
    // Queue the redaction right behind it (before the batch is written).
    const state = await area.pipeline.roomState(roomId);
    const targetId = state!.last!.event.eventId;
    const red = area.pipeline.send({ roomId, sender: alice, type: 'm.room.redaction', content: {}, redacts: targetId });
    const [m, r] = await Promise.all([msg, red]);
    assert.equal(m.eventId, targetId);
    assert.equal(batches.length, 1);
    assert.equal((await storage.rooms.getEvent(targetId))!.redactedBy, r.eventId);
  });
  it('every stored event ends up signed with the server key (signed before commit, or just after on SQLite)', async () => {
    const { room_id: roomId } = await area.rooms.createRoom(alice, { name: 'signed' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: `s${i}` }, `sig${i}`)));
    await area.pipeline.flushed();
    assert.equal(storage.rooms.deferredSigning, engine === 'sqlite');
    const key = signingKeyFromSeed(hs.hs.signingKey.seed, hs.hs.signingKey.keyId);
    const room = (await storage.rooms.getRoom(roomId))!;
    const rules = roomVersionRules(room.roomVersion)!;
    const rows = await storage.rooms.currentStateEvents(room.roomNid);
    const last = await storage.rooms.lastEvent(room.roomNid);
    for (const r of [...rows, last!]) {
      const pdu = JSON.parse(r.json) as Pdu;
      assert.ok(verifyEventSignature(pdu, rules, 'pipe.test', key.keyId, key.publicKeyBase64), `${r.type} not signed: ${r.json}`);
    }
  });

  // Deferred signing exists on SQLite only (PostgreSQL signs before the commit).
  if (engine === 'sqlite') it('start-up signs events a crash left unsigned above the watermark', async () => {
    const { room_id: roomId } = await area.rooms.createRoom(alice, {});
    const { eventId } = await area.rooms.sendMessage(alice, 'DEV', roomId, 'm.room.message', { body: 'crash' }, 'crash1');
    await area.pipeline.flushed();
    const row = (await storage.rooms.getEvent(eventId))!;
    const signedJson = row.json;
    // The state a kill -9 between commit and signature write leaves: JSON without
    // signatures, watermark below the event.
    const { signatures: _s, ...unsignedPdu } = JSON.parse(signedJson) as Pdu;
    const { canonicalJson } = await import('@weft/core');
    const conn = storage.database.sqliteConnection as { prepare(sql: string): { run(...a: unknown[]): unknown } };
    conn.prepare('update events set json = ? where event_id = ?').run(canonicalJson(unsignedPdu), eventId);
    conn.prepare('update event_signing set signed_through = 0 where id = 1').run();
    assert.equal(JSON.parse((await storage.rooms.getEvent(eventId))!.json).signatures, undefined);

    const key = signingKeyFromSeed(hs.hs.signingKey.seed, hs.hs.signingKey.keyId);
    const persister = new EventPersister({
      store: storage.rooms, generator, notifier, onBatchFailed: () => {}, signer: new EventSigner('pipe.test', key),
    });
    await persister.start();
    // Ed25519 is deterministic: the recomputed signature is the lost one, byte for byte.
    assert.equal((await storage.rooms.getEvent(eventId))!.json, signedJson);
    const candidates = await storage.rooms.unsignedCandidates();
    assert.deepEqual(candidates, [], 'the watermark moved past every event');
  });
});
