// Black-box tests of PUT /sendToDevice (data/api/client-server/to_device.yaml)
// and its delivery through /sync (send_to_device.md "Extensions to /sync"):
// in order, exactly once, acknowledged by the next since token, 100 per response.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { V3, sync } from './e2eeHelpers.js';

const PASSWORD = 'correct horse battery staple';

for (const engine of engines()) {
  describe(`send-to-device (${engine})`, () => {
    let hs: TestServer;
    let txn = 0;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const send = (from: TestUser, messages: Record<string, Record<string, unknown>>, type = 'm.test', txnId = `t${++txn}`) =>
      hs.request('PUT', `${V3}/sendToDevice/${type}/${txnId}`, { messages }, from.accessToken);

    const secondDevice = async (user: TestUser): Promise<TestUser> => {
      const res = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: PASSWORD });
      assert.equal(res.status, 200);
      return { userId: user.userId, accessToken: res.body.access_token, deviceId: res.body.device_id };
    };

    it('delivers to one device or "*", with sender and type, once', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const bob2 = await secondDevice(bob);
      const s1 = await sync(hs, bob);
      const s2 = await sync(hs, bob2);
      assert.equal((await send(alice, { [bob.userId]: { [bob.deviceId]: { n: 1 } } })).status, 200);
      assert.equal((await send(alice, { [bob.userId]: { '*': { n: 2 } } }, 'm.other')).status, 200);
      const r1 = await sync(hs, bob, s1.next_batch);
      assert.deepEqual(r1.to_device.events, [
        { sender: alice.userId, type: 'm.test', content: { n: 1 } },
        { sender: alice.userId, type: 'm.other', content: { n: 2 } },
      ]);
      const r2 = await sync(hs, bob2, s2.next_batch);
      assert.deepEqual(r2.to_device.events, [{ sender: alice.userId, type: 'm.other', content: { n: 2 } }]);
      // Acknowledged by the next since: never again.
      const again = await sync(hs, bob, r1.next_batch);
      assert.deepEqual(again.to_device.events, []);
    });

    it('a retried sync with the old token gets the same messages again (not yet acknowledged)', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const s = await sync(hs, bob);
      await send(alice, { [bob.userId]: { [bob.deviceId]: { n: 'x' } } });
      const first = await sync(hs, bob, s.next_batch);
      const retry = await sync(hs, bob, s.next_batch);
      assert.deepEqual(retry.to_device.events, first.to_device.events);
      assert.equal(first.to_device.events.length, 1);
      // Pending messages also come in an initial sync.
      await send(alice, { [bob.userId]: { [bob.deviceId]: { n: 'y' } } });
      const initial = await sync(hs, bob);
      assert.deepEqual(initial.to_device.events.map((e: { content: { n: string } }) => e.content.n), ['x', 'y']);
    });

    it('is idempotent per transaction ID', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const s = await sync(hs, bob);
      await send(alice, { [bob.userId]: { [bob.deviceId]: { n: 1 } } }, 'm.test', 'same');
      await send(alice, { [bob.userId]: { [bob.deviceId]: { n: 1 } } }, 'm.test', 'same');
      const r = await sync(hs, bob, s.next_batch);
      assert.equal(r.to_device.events.length, 1);
      // The same txnId from another device of the sender is another transaction.
      const alice2 = await secondDevice(alice);
      await send(alice2, { [bob.userId]: { [bob.deviceId]: { n: 2 } } }, 'm.test', 'same');
      const r2 = await sync(hs, bob, r.next_batch);
      assert.equal(r2.to_device.events.length, 1);
    });

    it('delivers 250 messages from several senders in order, 100 per sync, each exactly once', async () => {
      const senders = await Promise.all([hs.register(), hs.register(), hs.register()]);
      const bob = await hs.register();
      let since = (await sync(hs, bob)).next_batch as string;
      for (let i = 0; i < 250; i++) {
        const res = await send(senders[i % 3]!, { [bob.userId]: { [bob.deviceId]: { seq: i } } });
        assert.equal(res.status, 200);
      }
      const got: number[] = [];
      const sizes: number[] = [];
      for (let round = 0; round < 6; round++) {
        const r = await sync(hs, bob, since);
        since = r.next_batch;
        sizes.push(r.to_device.events.length);
        for (const e of r.to_device.events) got.push(e.content.seq);
        if (got.length >= 250 && r.to_device.events.length === 0) break;
      }
      assert.deepEqual(sizes.slice(0, 3), [100, 100, 50]);
      assert.deepEqual(got, Array.from({ length: 250 }, (_, i) => i));
    });

    it('wakes a long-polling sync', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const s = await sync(hs, bob);
      const started = Date.now();
      const pending = sync(hs, bob, s.next_batch, 10_000);
      await new Promise((r) => setTimeout(r, 200));
      await send(alice, { [bob.userId]: { [bob.deviceId]: { wake: true } } });
      const r = await pending;
      assert.ok(Date.now() - started < 5000, 'returned early');
      assert.deepEqual(r.to_device.events.map((e: { content: unknown }) => e.content), [{ wake: true }]);
    });

    it('ignores unknown devices and remote users; validates the body', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      let res = await send(alice, { [bob.userId]: { NODEVICE: { a: 1 } }, '@x:remote.example': { D: { a: 1 } } });
      assert.equal(res.status, 200);
      res = await hs.request('PUT', `${V3}/sendToDevice/m.test/bad1`, {}, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('PUT', `${V3}/sendToDevice/m.test/bad2`, { messages: { [bob.userId]: { [bob.deviceId]: 'x' } } }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('PUT', `${V3}/sendToDevice/m.test/bad3`, { messages: {} });
      assert.equal(res.status, 401);
    });

    it('a deleted device loses its inbox', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const bob2 = await secondDevice(bob);
      await send(alice, { [bob.userId]: { [bob2.deviceId]: { n: 1 } } });
      await hs.hs.sessions.deleteDevices(bob.userId, [bob2.deviceId]);
      const rows = await hs.hs.storage.database.db.selectFrom('to_device_inbox').selectAll().where('device_id', '=', bob2.deviceId).execute();
      assert.equal(rows.length, 0);
    });
  });

  describe(`device lists in /sync (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    it('tells room members about key changes, new devices and users who left', async () => {
      const { createRoom, join, uploadDevice } = await import('./e2eeHelpers.js');
      const alice = await hs.register();
      const bob = await hs.register('dlbob');
      const stranger = await hs.register();
      const roomId = await createRoom(hs, alice);
      let since = (await sync(hs, alice)).next_batch as string;
      await join(hs, bob, roomId);
      let r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists.changed, [bob.userId], 'a newly shared user is "changed"');
      since = r.next_batch;
      await uploadDevice(hs, bob);
      await uploadDevice(hs, stranger);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists, { changed: [bob.userId], left: [] });
      since = r.next_batch;
      // A new login of bob is a change too; deleting it as well.
      const login = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'dlbob' }, password: PASSWORD });
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists.changed, [bob.userId]);
      since = r.next_batch;
      // Renaming a device is a change (its name is in /keys/query); setting the same name again is not.
      const rename = (name: string) => hs.request('PUT', `${V3}/devices/${encodeURIComponent(login.body.device_id)}`, { display_name: name }, bob.accessToken);
      assert.equal((await rename('bob phone')).status, 200);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists.changed, [bob.userId]);
      since = r.next_batch;
      assert.equal((await rename('bob phone')).status, 200);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists?.changed ?? [], []);
      since = r.next_batch;
      await hs.hs.sessions.deleteDevices(bob.userId, [login.body.device_id]);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists.changed, [bob.userId]);
      since = r.next_batch;
      await hs.request('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/leave`, {}, bob.accessToken);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists, { changed: [], left: [bob.userId] });
      // Own changes are reported to oneself.
      since = r.next_batch;
      await uploadDevice(hs, alice);
      r = await sync(hs, alice, since);
      assert.deepEqual(r.device_lists.changed, [alice.userId]);
    });

    it('wakes a long-polling room member when keys change', async () => {
      const { createRoom, join, uploadDevice } = await import('./e2eeHelpers.js');
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(hs, alice);
      await join(hs, bob, roomId);
      const since = (await sync(hs, alice)).next_batch as string;
      const started = Date.now();
      const pending = sync(hs, alice, since, 10_000);
      await new Promise((r) => setTimeout(r, 200));
      await uploadDevice(hs, bob);
      const r = await pending;
      assert.ok(Date.now() - started < 5000, 'returned early');
      assert.deepEqual(r.device_lists.changed, [bob.userId]);
    });
  });
}
