// White-box tests of SyncService over a real database (both engines): events
// are written through the rooms area's RoomStore, sync reads them back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/storage/dialect.js';
import type { Database } from '../../src/storage/Database.js';
import { migrate } from '../../src/storage/migrate.js';
import { migrations } from '../../src/storage/migrations/index.js';
import { KyselyRoomStore } from '../../src/storage/kysely/KyselyRoomStore.js';
import { StreamIdGenerator } from '../../src/streams/StreamIdGenerator.js';
import { Notifier } from '../../src/streams/Notifier.js';
import { createSyncArea, type SyncArea } from '../../src/sync/createSyncArea.js';
import type { ClientEventFormatter } from '../../src/sync/ports.js';
import { engines } from '../harness.js';

const format: ClientEventFormatter = async (rows, roomId) =>
  rows.map((r) => ({ ...(JSON.parse(r.json) as Record<string, unknown>), event_id: r.event_id, room_id: roomId }));

for (const engine of engines()) {
  describe(`SyncService (${engine})`, () => {
    let database: Database;
    let dir: string;
    let pgName: string | undefined;
    let store: KyselyRoomStore;
    let area: SyncArea;
    const generator = new StreamIdGenerator(0);
    const notifier = new Notifier();
    notifier.follow(generator);
    let nid = 0;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'weft-sync-'));
      if (engine === 'sqlite') database = await openDatabase({ engine: 'sqlite', path: join(dir, 'db.sqlite') });
      else {
        pgName = `weft_sync_${randomBytes(5).toString('hex')}`;
        const { default: pg } = await import('pg');
        const c = new pg.Client({ connectionString: process.env.WEFT_TEST_POSTGRES });
        await c.connect();
        await c.query(`CREATE DATABASE ${pgName}`);
        await c.end();
        const url = new URL(process.env.WEFT_TEST_POSTGRES!);
        url.pathname = `/${pgName}`;
        database = await openDatabase({ engine: 'postgres', connectionString: url.toString() });
      }
      await migrate(database, migrations);
      store = new KyselyRoomStore(database.db, database.sqliteConnection);
      area = createSyncArea({ db: database.db, sqliteConnection: database.sqliteConnection, generator, notifier, extensions: [], format });
    });
    after(async () => {
      area.typing.stop();
      await database.close();
      if (pgName) {
        const { default: pg } = await import('pg');
        const c = new pg.Client({ connectionString: process.env.WEFT_TEST_POSTGRES });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
        await c.end();
      }
      await rm(dir, { recursive: true, force: true });
    });

    async function write(roomNid: number, roomId: string, ev: { type: string; sender: string; state_key?: string; content: Record<string, unknown> }) {
      const pos = generator.allocate();
      const eventId = `$e${++nid}`;
      const membership = ev.type === 'm.room.member' ? (ev.content.membership as string) : null;
      await store.persistEvents([{
        eventNid: nid, eventId, roomNid, streamPos: pos, depth: nid, type: ev.type, stateKey: ev.state_key ?? null,
        sender: ev.sender, originServerTs: Date.now(), json: JSON.stringify({ ...ev, room_id: roomId, origin_server_ts: Date.now() }),
        membership, unsignedJson: null,
      }]);
      generator.finish(pos);
      notifier.notifyAt(pos, { roomIds: [roomId], userIds: membership ? [ev.state_key!] : [] });
      return eventId;
    }
    async function room(creator: string) {
      const roomId = `!r${randomBytes(4).toString('hex')}:test`;
      const roomNid = await store.createRoom({ roomId, roomVersion: '11', creator, isPublic: false, createdTs: Date.now() });
      await write(roomNid, roomId, { type: 'm.room.create', sender: creator, state_key: '', content: { room_version: '11' } });
      await write(roomNid, roomId, { type: 'm.room.member', sender: creator, state_key: creator, content: { membership: 'join' } });
      return { roomId, roomNid };
    }
    const req = (userId: string, extra: Partial<Parameters<SyncArea['sync']['sync']>[0]> = {}) =>
      ({ userId, deviceId: 'D', since: null, filter: {}, fullState: false, timeoutMs: 0, setPresence: 'offline' as const, ...extra });
    type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const token = (s: R) => {
      const m = /^s(\d+)_(\d+)$/.exec(s.next_batch as string)!;
      return { stream: Number(m[1]), typing: Number(m[2]) };
    };

    it('initial then incremental; limited window with gap state', async () => {
      const { roomId, roomNid } = await room('@a:test');
      for (let i = 0; i < 4; i++) await write(roomNid, roomId, { type: 'm.room.message', sender: '@a:test', content: { body: `m${i}` } });
      const s0: R = await area.sync.sync(req('@a:test', { filter: { room: { timeline: { limit: 3 } } } }));
      const r0 = s0.rooms.join[roomId];
      assert.deepEqual(r0.timeline.events.map((e: R) => e.content.body), ['m1', 'm2', 'm3']);
      assert.equal(r0.timeline.limited, true);
      assert.deepEqual(r0.state.events.map((e: R) => e.type).sort(), ['m.room.create', 'm.room.member']);
      assert.equal(r0.summary['m.joined_member_count'], 1);

      await write(roomNid, roomId, { type: 'm.room.topic', sender: '@a:test', state_key: '', content: { topic: 'x' } });
      for (let i = 4; i < 9; i++) await write(roomNid, roomId, { type: 'm.room.message', sender: '@a:test', content: { body: `m${i}` } });
      const s1: R = await area.sync.sync(req('@a:test', { since: token(s0), filter: { room: { timeline: { limit: 3 } } } }));
      const r1 = s1.rooms.join[roomId];
      assert.deepEqual(r1.timeline.events.map((e: R) => e.content.body), ['m6', 'm7', 'm8']);
      assert.equal(r1.timeline.limited, true);
      assert.deepEqual(r1.state.events.map((e: R) => e.type), ['m.room.topic']);

      const s2: R = await area.sync.sync(req('@a:test', { since: token(s1) }));
      assert.deepEqual(s2.rooms.join, {});
      assert.equal(s2.next_batch, s1.next_batch);
    });

    it('long-poll wakes on a write to a joined room, and not for other rooms', async () => {
      const a = await room('@lp:test');
      const other = await room('@other:test');
      const s0: R = await area.sync.sync(req('@lp:test'));
      const started = Date.now();
      const poll = area.sync.sync(req('@lp:test', { since: token(s0), timeoutMs: 5000 }));
      setTimeout(() => void write(other.roomNid, other.roomId, { type: 'm.room.message', sender: '@other:test', content: { body: 'no' } }), 20);
      setTimeout(() => void write(a.roomNid, a.roomId, { type: 'm.room.message', sender: '@x:test', content: { body: 'yes' } }), 60);
      const s1: R = await poll;
      assert.ok(Date.now() - started < 2000);
      assert.deepEqual(Object.keys(s1.rooms.join), [a.roomId]);
      assert.deepEqual(s1.rooms.join[a.roomId].timeline.events.map((e: R) => e.content.body), ['yes']);
    });

    it('a write committed while a lower position is still in flight wakes the long-poll once that position finishes', async () => {
      const a = await room('@early:test');
      const s0: R = await area.sync.sync(req('@early:test'));
      const started = Date.now();
      const poll = area.sync.sync(req('@early:test', { since: token(s0), timeoutMs: 4000 }));
      await new Promise((r) => setTimeout(r, 20));
      const lower = generator.allocate(); // another writer, slow to commit
      await write(a.roomNid, a.roomId, { type: 'm.room.message', sender: '@x:test', content: { body: 'early' } });
      setTimeout(() => {
        generator.finish(lower);
        notifier.notify({ userIds: ['@somebody-else:test'] }); // names only its own user
      }, 60);
      const s1: R = await poll;
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.deepEqual(s1.rooms.join[a.roomId].timeline.events.map((e: R) => e.content.body), ['early']);
    });

    it('unread notification counts: messages from others after the read receipt', async () => {
      const { roomId, roomNid } = await room('@reader:test');
      await write(roomNid, roomId, { type: 'm.room.member', sender: '@w:test', state_key: '@w:test', content: { membership: 'join' } });
      const first = await write(roomNid, roomId, { type: 'm.room.message', sender: '@w:test', content: { body: '1' } });
      await write(roomNid, roomId, { type: 'm.room.message', sender: '@w:test', content: { body: '2' } });
      await write(roomNid, roomId, { type: 'm.room.message', sender: '@reader:test', content: { body: 'mine' } });
      const s0: R = await area.sync.sync(req('@reader:test'));
      assert.deepEqual(s0.rooms.join[roomId].unread_notifications, { highlight_count: 0, notification_count: 2 });
      await area.receipts.postReceipt('@reader:test', roomId, 'm.read', first, undefined);
      const s1: R = await area.sync.sync(req('@reader:test', { since: token(s0) }));
      assert.equal(s1.rooms.join[roomId].unread_notifications.notification_count, 1);
      assert.ok(s1.rooms.join[roomId].ephemeral.events.some((e: R) => e.type === 'm.receipt'));
    });

    it('join, invite and leave transitions', async () => {
      const { roomId, roomNid } = await room('@owner:test');
      const s0: R = await area.sync.sync(req('@b:test'));
      await write(roomNid, roomId, { type: 'm.room.name', sender: '@owner:test', state_key: '', content: { name: 'N' } });
      await write(roomNid, roomId, { type: 'm.room.member', sender: '@owner:test', state_key: '@b:test', content: { membership: 'invite' } });
      const s1: R = await area.sync.sync(req('@b:test', { since: token(s0) }));
      const inv = s1.rooms.invite[roomId].invite_state.events.map((e: R) => e.type);
      assert.deepEqual(inv, ['m.room.create', 'm.room.name', 'm.room.member']);
      await write(roomNid, roomId, { type: 'm.room.member', sender: '@b:test', state_key: '@b:test', content: { membership: 'join' } });
      const s2: R = await area.sync.sync(req('@b:test', { since: token(s1) }));
      const joined = s2.rooms.join[roomId];
      assert.ok(joined.state.events.length + joined.timeline.events.length >= 4, 'full state for a newly joined room');
      assert.equal(joined.summary['m.joined_member_count'], 2);
      await write(roomNid, roomId, { type: 'm.room.message', sender: '@owner:test', content: { body: 'bye' } });
      await write(roomNid, roomId, { type: 'm.room.member', sender: '@b:test', state_key: '@b:test', content: { membership: 'leave' } });
      await write(roomNid, roomId, { type: 'm.room.message', sender: '@owner:test', content: { body: 'unseen' } });
      const s3: R = await area.sync.sync(req('@b:test', { since: token(s2) }));
      assert.deepEqual(s3.rooms.leave[roomId].timeline.events.map((e: R) => e.content.body ?? e.content.membership), ['bye', 'leave']);
      assert.equal(s3.rooms.join[roomId], undefined);
    });
  });
}
