// Pushers (pusher.yaml) and delivery to a push gateway (push-gateway-api
// POST /_matrix/push/v1/notify): a real HTTP gateway on loopback receives what
// the server sends; failures are retried; rejected pushkeys remove the pusher.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, send } from '../events/helpers.js';

const V3 = '/_matrix/client/v3';
type Notification = Record<string, any>;

/** A push gateway: records notifications; `answer` decides each response. */
class Gateway {
  readonly received: Notification[] = [];
  answer: (n: Notification) => { status: number; body: unknown } = () => ({ status: 200, body: { rejected: [] } });
  private server!: Server;
  url = '';
  private waiters: (() => void)[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const n = (JSON.parse(body) as { notification: Notification }).notification;
        const a = this.answer(n);
        if (a.status === 200) this.received.push({ ...n, path: req.url });
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}/_matrix/push/v1/notify`;
  }

  /** Resolves once `count` notifications were accepted (or fails after `ms`). */
  async until(count: number, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`gateway got ${this.received.length} of ${count} notifications`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

for (const engine of engines()) {
  describe(`pushers (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    const gateway = new Gateway();
    const setPusher = (user: TestUser, body: Record<string, unknown>) => hs.request('POST', `${V3}/pushers/set`, body, user.accessToken);
    const pusher = (extra: Record<string, unknown> = {}) => ({
      kind: 'http', app_id: 'org.example.app.android', pushkey: 'alice-key', app_display_name: 'Example', device_display_name: 'Phone',
      lang: 'en', data: { url: gateway.url, custom: 'kept' }, ...extra,
    });

    before(async () => {
      await gateway.start();
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      await hs.request('PUT', `${V3}/profile/${encodeURIComponent(bob.userId)}/displayname`, { displayname: 'Bob B' }, bob.accessToken);
      roomId = await createRoom(hs, alice, { preset: 'private_chat', name: 'Pushy' });
      await membershipAction(hs, alice, roomId, 'invite', { user_id: bob.userId });
      await membershipAction(hs, bob, roomId, 'join');
      // Said before any pusher existed: never pushed.
      await send(hs, bob, roomId, 'before pushers');
    });
    after(async () => {
      await hs.close();
      await gateway.close();
    });

    it('set, list, and a message from someone else reaches the gateway with the event, counts, device and tweaks', async () => {
      const res = await setPusher(alice, pusher());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const list = await hs.request('GET', `${V3}/pushers`, undefined, alice.accessToken);
      assert.deepEqual(list.body.pushers, [{
        pushkey: 'alice-key', kind: 'http', app_id: 'org.example.app.android', app_display_name: 'Example', device_display_name: 'Phone',
        lang: 'en', data: { url: gateway.url, custom: 'kept' },
      }]);
      const eventId = await send(hs, bob, roomId, 'hello alice');
      await send(hs, alice, roomId, 'my own message is not pushed to me');
      await gateway.until(1);
      const n = gateway.received[0]!;
      assert.equal(n.path, '/_matrix/push/v1/notify');
      assert.equal(n.event_id, eventId);
      assert.equal(n.room_id, roomId);
      assert.equal(n.type, 'm.room.message');
      assert.equal(n.sender, bob.userId);
      assert.equal(n.sender_display_name, 'Bob B');
      assert.equal(n.room_name, 'Pushy');
      assert.equal(n.content.body, 'hello alice');
      assert.equal(n.counts.unread, 2);
      assert.equal(n.devices.length, 1);
      const d = n.devices[0];
      assert.deepEqual([d.app_id, d.pushkey, d.data], ['org.example.app.android', 'alice-key', { custom: 'kept' }]);
      assert.equal(typeof d.pushkey_ts, 'number');
      // A 2-person room: the default rule m.rule.room_one_to_one notifies with sound.
      assert.equal(d.tweaks.sound, 'default');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(gateway.received.length, 1, 'only the message from bob');
    });

    it('event_id_only format sends only event_id, room_id, counts and devices', async () => {
      await setPusher(alice, pusher({ data: { url: gateway.url, format: 'event_id_only' } }));
      const eventId = await send(hs, bob, roomId, 'secret content');
      await gateway.until(2);
      const n = gateway.received[1]!;
      assert.equal(n.event_id, eventId);
      assert.equal(n.content, undefined);
      assert.equal(n.sender, undefined);
      assert.deepEqual(Object.keys(n).sort(), ['counts', 'devices', 'event_id', 'path', 'room_id']);
      assert.deepEqual(n.devices[0].data, { format: 'event_id_only' });
    });

    it('a gateway failure is retried until it succeeds', async () => {
      let failures = 0;
      gateway.answer = () => (failures++ < 2 ? { status: 503, body: {} } : { status: 200, body: { rejected: [] } });
      const eventId = await send(hs, bob, roomId, 'try again');
      await gateway.until(3, 15_000);
      assert.equal(gateway.received[2]!.event_id, eventId);
      assert.equal(failures, 3);
      gateway.answer = () => ({ status: 200, body: { rejected: [] } });
    });

    it('a rejected pushkey removes the pusher; kind null deletes; bad input → 400', async () => {
      gateway.answer = (n) => ({ status: 200, body: { rejected: [n.devices[0].pushkey] } });
      await send(hs, bob, roomId, 'rejected');
      const deadline = Date.now() + 10_000;
      while ((await hs.request('GET', `${V3}/pushers`, undefined, alice.accessToken)).body.pushers.length > 0) {
        assert.ok(Date.now() < deadline, 'pusher not removed');
        await new Promise((r) => setTimeout(r, 100));
      }
      gateway.answer = () => ({ status: 200, body: { rejected: [] } });
      assert.equal((await setPusher(alice, pusher({ pushkey: 'k2' }))).status, 200);
      assert.equal((await setPusher(alice, { kind: null, app_id: 'org.example.app.android', pushkey: 'k2' })).status, 200);
      assert.deepEqual((await hs.request('GET', `${V3}/pushers`, undefined, alice.accessToken)).body.pushers, []);
      for (const bad of [
        pusher({ data: { url: 'https://gateway.example/wrong/path' } }),
        pusher({ data: {} }),
        pusher({ kind: 'carrier-pigeon' }),
        pusher({ kind: 'email' }),
        pusher({ lang: undefined }),
        { kind: 'http' },
      ]) {
        const res = await setPusher(alice, bad);
        assert.equal(res.status, 400, JSON.stringify(bad));
      }
    });

    it('append=false takes the pushkey over from another user; deleting the device removes its pushers', async () => {
      assert.equal((await setPusher(bob, pusher({ pushkey: 'shared' }))).status, 200);
      assert.equal((await setPusher(alice, pusher({ pushkey: 'shared' }))).status, 200);
      assert.deepEqual((await hs.request('GET', `${V3}/pushers`, undefined, bob.accessToken)).body.pushers, []);
      assert.equal((await hs.request('GET', `${V3}/pushers`, undefined, alice.accessToken)).body.pushers.length, 1);
      await hs.hs.sessions.deleteDevices(alice.userId, [alice.deviceId]);
      const fresh = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'correct horse battery staple' });
      assert.deepEqual((await hs.request('GET', `${V3}/pushers`, undefined, fresh.body.access_token)).body.pushers, []);
    });
  });
}
