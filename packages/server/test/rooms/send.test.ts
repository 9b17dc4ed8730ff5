// Sending: message events with transaction IDs (room_send.yaml), state events
// (room_state.yaml), redactions (redaction.yaml), the seeds' original v1 API,
// size limit and rate limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, currentState, storedEvent, R0, V3 } from './helpers.js';

const enc = encodeURIComponent;
const MIDI = { note: '71', velocity: 68, state: 'on', channel: 1, midi_ts: 374023441 };

for (const engine of engines()) {
  describe(`sending events (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      roomId = await createRoom(hs, alice, { preset: 'public_chat' });
      await hs.request('POST', `${V3}/join/${enc(roomId)}`, {}, bob.accessToken);
    });
    after(() => hs.close());

    const put = (user: TestUser, path: string, body: unknown) => hs.request('PUT', `${V3}/rooms/${enc(roomId)}${path}`, body, user.accessToken);

    it('PUT send: stored verbatim; the same txn ID returns the same event ID; another device/txn a new one', async () => {
      const content = { msgtype: 'm.text', body: 'hello', nested: { list: [1, 'two', null, true] } };
      const first = await put(alice, '/send/m.room.message/txn1', content);
      assert.equal(first.status, 200);
      assert.match(first.body.event_id, /^\$/);
      const again = await put(alice, '/send/m.room.message/txn1', content);
      assert.equal(again.body.event_id, first.body.event_id);
      // Concurrent retries of one txn ID yield one event.
      const many = await Promise.all([1, 2, 3, 4].map(() => put(alice, '/send/m.room.message/txn2', content)));
      assert.equal(new Set(many.map((r) => r.body.event_id)).size, 1);
      const other = await put(bob, '/send/m.room.message/txn1', content);
      assert.notEqual(other.body.event_id, first.body.event_id);
      const ev = await storedEvent(hs, first.body.event_id);
      assert.deepEqual(ev!.pdu.content, content);
      assert.equal(ev!.pdu.sender, alice.userId);
      // unsigned.transaction_id only for the sending device.
      const [mine] = await hs.hs.rooms.serializer.serialize([ev!], { userId: alice.userId, deviceId: alice.deviceId });
      assert.equal(mine!.unsigned.transaction_id, 'txn1');
      const [theirs] = await hs.hs.rooms.serializer.serialize([ev!], { userId: bob.userId, deviceId: bob.deviceId });
      assert.equal(theirs!.unsigned.transaction_id, undefined);
      const [otherDevice] = await hs.hs.rooms.serializer.serialize([ev!], { userId: alice.userId, deviceId: 'OTHER' });
      assert.equal(otherDevice!.unsigned.transaction_id, undefined);
      assert.deepEqual(Object.keys(mine!.unsigned).sort(), ['age', 'transaction_id']);
    });

    it("the seeds' API: POST /_matrix/client/api/v1/rooms/{roomId}/send/{type}?access_token= with MIDI content", async () => {
      const res = await hs.request('POST', `/_matrix/client/api/v1/rooms/${enc(roomId)}/send/org.matrix.midi?access_token=${alice.accessToken}`, MIDI);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body), ['event_id']);
      const ev = await storedEvent(hs, res.body.event_id);
      assert.equal(ev!.pdu.type, 'org.matrix.midi');
      assert.deepEqual(ev!.pdu.content, MIDI);
      // Delivered unchanged in client format (what every read path serves).
      const [client] = await hs.hs.rooms.serializer.serialize([ev!], { userId: bob.userId, deviceId: bob.deviceId });
      assert.deepEqual(client!.content, MIDI);
      assert.equal(client!.type, 'org.matrix.midi');
      // Also POST under r0 and v3.
      for (const prefix of [R0, V3]) {
        const r = await hs.request('POST', `${prefix}/rooms/${enc(roomId)}/send/org.matrix.midi`, MIDI, alice.accessToken);
        assert.equal(r.status, 200);
      }
    });

    it('MIDI events reach the other member unchanged through /event and /sync', async () => {
      const initial = await hs.request('GET', `${V3}/sync?timeout=0`, undefined, bob.accessToken);
      assert.equal(initial.status, 200);
      const res = await hs.request('POST', `/_matrix/client/api/v1/rooms/${enc(roomId)}/send/org.matrix.midi?access_token=${alice.accessToken}`, MIDI);
      assert.equal(res.status, 200);
      const ev = await hs.request('GET', `${V3}/rooms/${enc(roomId)}/event/${enc(res.body.event_id)}`, undefined, bob.accessToken);
      assert.equal(ev.status, 200, JSON.stringify(ev.body));
      assert.equal(ev.body.type, 'org.matrix.midi');
      assert.deepEqual(ev.body.content, MIDI);
      assert.equal(ev.body.sender, alice.userId);
      const inc = await hs.request('GET', `${V3}/sync?timeout=5000&since=${initial.body.next_batch}`, undefined, bob.accessToken);
      const timeline = inc.body.rooms.join[roomId].timeline.events as { event_id: string; content: unknown; type: string }[];
      const got = timeline.find((e) => e.event_id === res.body.event_id);
      assert.ok(got, 'MIDI event in /sync');
      assert.deepEqual(got!.content, MIDI);
      // State written by PUT reads back through GET .../state/{type}/{key}.
      await put(alice, '/state/org.example.cfg/k1', { tempo: 120 });
      const cfg = await hs.request('GET', `${V3}/rooms/${enc(roomId)}/state/org.example.cfg/k1`, undefined, bob.accessToken);
      assert.deepEqual(cfg.body, { tempo: 120 });
    });

    it('not in the room / unknown room / too large', async () => {
      const carol = await hs.register();
      const notIn = await put(carol, '/send/m.room.message/t', { body: 'x' });
      assert.equal(notIn.status, 403);
      assert.equal(notIn.body.errcode, 'M_FORBIDDEN');
      const unknown = await hs.request('PUT', `${V3}/rooms/${enc('!nope:weft.test')}/send/m.room.message/t`, { body: 'x' }, alice.accessToken);
      assert.equal(unknown.status, 404);
      const big = await put(alice, '/send/m.room.message/big', { body: 'x'.repeat(70_000) });
      assert.equal(big.status, 413);
      assert.equal(big.body.errcode, 'M_TOO_LARGE');
      const notObject = await put(alice, '/send/m.room.message/arr', [1, 2]);
      assert.equal(notObject.status, 400);
      const notJson = await put(alice, '/send/m.room.message/nj', '{nope');
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.errcode, 'M_NOT_JSON');
    });

    it('NUL in identifiers is refused with 400, and does not fail other events sent at the same time', async () => {
      const [bad1, bad2, bad3, bad4, good] = await Promise.all([
        put(alice, '/send/bad%00type/n1', { body: 'x' }),
        put(alice, '/send/m.room.message/bad%00txn', { body: 'x' }),
        put(alice, '/state/m.room.topic/key%00', { topic: 'x' }),
        hs.request('PUT', `${V3}/rooms/${enc(roomId + '\u0000')}/send/m.room.message/n2`, { body: 'x' }, alice.accessToken),
        put(alice, '/send/m.room.message/n3', { body: 'fine' }),
      ]);
      for (const r of [bad1, bad2, bad3, bad4]) {
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.errcode, 'M_INVALID_PARAM');
      }
      assert.equal(good.status, 200);
      const alias = await hs.request('GET', `${V3}/directory/room/${enc('#a\u0000b:weft.test')}`);
      assert.equal(alias.status, 400);
      const join = await hs.request('POST', `${V3}/join/${enc('#a\u0000b:weft.test')}`, {}, alice.accessToken);
      assert.equal(join.status, 400);
    });

    it('PUT state with and without a state key; idempotent for equal content; power levels enforced', async () => {
      const topic = await put(alice, '/state/m.room.topic', { topic: 'first' });
      assert.equal(topic.status, 200);
      const withSlash = await put(alice, '/state/m.room.topic/', { topic: 'second' });
      assert.equal(withSlash.status, 200);
      const same = await put(alice, '/state/m.room.topic/', { topic: 'second' });
      assert.equal(same.body.event_id, withSlash.body.event_id);
      const keyed = await put(alice, '/state/org.example.thing/some%2Fkey', { v: 1 });
      assert.equal(keyed.status, 200);
      const state = await currentState(hs, roomId);
      assert.equal(state.get('m.room.topic|')!.content.topic, 'second');
      assert.deepEqual(state.get('org.example.thing|some/key')!.content, { v: 1 });
      // The replaced event's content travels as prev_content.
      const ev = await storedEvent(hs, withSlash.body.event_id);
      const [client] = await hs.hs.rooms.serializer.serialize([ev!]);
      assert.deepEqual(client!.unsigned.prev_content, { topic: 'first' });
      assert.equal(client!.unsigned.replaces_state, topic.body.event_id);
      // Bob (power 0, state_default 50) may not.
      const denied = await put(bob, '/state/m.room.topic', { topic: 'bob' });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.errcode, 'M_FORBIDDEN');
      // Canonical alias must point to this room.
      const badAlias = await put(alice, '/state/m.room.canonical_alias', { alias: '#missing:weft.test' });
      assert.equal(badAlias.status, 400);
      assert.equal(badAlias.body.errcode, 'M_BAD_ALIAS');
    });

    it('redact: own events and with power; others 403; the target is served redacted', async () => {
      const msg = await put(bob, '/send/m.room.message/r1', { msgtype: 'm.text', body: 'secret' });
      const aliceMsg = await put(alice, '/send/m.room.message/r2', { msgtype: 'm.text', body: 'mine' });
      const denied = await put(bob, `/redact/${enc(aliceMsg.body.event_id)}/x1`, {});
      assert.equal(denied.status, 403);
      const own = await put(bob, `/redact/${enc(msg.body.event_id)}/x2`, { reason: 'oops' });
      assert.equal(own.status, 200);
      const again = await put(bob, `/redact/${enc(msg.body.event_id)}/x2`, { reason: 'oops' });
      assert.equal(again.body.event_id, own.body.event_id);
      const byMod = await put(alice, `/redact/${enc(aliceMsg.body.event_id)}/x3`, {});
      assert.equal(byMod.status, 200);
      const target = await storedEvent(hs, msg.body.event_id);
      assert.equal(target!.redactedBy, own.body.event_id);
      const [client] = await hs.hs.rooms.serializer.serialize([target!], { userId: bob.userId, deviceId: bob.deviceId });
      assert.deepEqual(client!.content, {});
      assert.equal(client!.unsigned.redacted_because!.event_id, own.body.event_id);
      assert.equal(client!.unsigned.transaction_id, 'r1');
      const redaction = await storedEvent(hs, own.body.event_id);
      const [r] = await hs.hs.rooms.serializer.serialize([redaction!]);
      assert.equal(r!.redacts, msg.body.event_id);
      assert.equal(r!.content.redacts, msg.body.event_id);
      assert.equal(r!.content.reason, 'oops');
      const unknown = await put(alice, `/redact/${enc('$nope')}/x4`, {});
      assert.equal(unknown.status, 404);
    });
  });

  describe(`send rate limit (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine, config: { rc_message: { per_second: 0.1, burst_count: 3 } } });
    });
    after(() => hs.close());

    it('429 M_LIMIT_EXCEEDED with retry_after_ms past the burst', async () => {
      const alice = await hs.register('alice');
      const roomId = await createRoom(hs, alice);
      const statuses: number[] = [];
      let last: { status: number; body: any } | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (let i = 0; i < 5; i++) {
        last = await hs.request('PUT', `${V3}/rooms/${enc(roomId)}/send/m.room.message/t${i}`, { body: 'x' }, alice.accessToken);
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.equal(last!.body.errcode, 'M_LIMIT_EXCEEDED');
      assert.ok(last!.body.retry_after_ms > 0);
    });
  });
}
