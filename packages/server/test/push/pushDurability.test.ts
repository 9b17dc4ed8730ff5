// Push notifications survive a crash: a notification the gateway refused, and an
// event acknowledged just before kill -9, both reach the gateway after restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { engines } from '../harness.js';
import { prepareChildServer, registerUser, removeChildServerData, startChildServer, type ChildServerData, type RunningChild } from '../rooms/childServer.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`push delivery survives kill -9 (${engine})`, () => {
    let data: ChildServerData;
    let server: RunningChild | undefined;
    let gateway: Server;
    let gatewayUrl = '';
    let up = false;
    const attempts: string[] = [];
    const delivered = new Set<string>();

    before(async () => {
      gateway = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const eventId = (JSON.parse(body) as { notification: { event_id: string } }).notification.event_id;
          attempts.push(eventId);
          if (up) delivered.add(eventId);
          res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(up ? { rejected: [] } : {}));
        });
      });
      await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
      gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}/_matrix/push/v1/notify`;
      data = await prepareChildServer(engine);
    });
    after(async () => {
      await server?.kill9().catch(() => {});
      await new Promise((r) => gateway.close(r));
      await removeChildServerData(data);
    });

    it('an undelivered notification and an unprocessed event are pushed after restart', async () => {
      server = await startChildServer(data);
      const call = async (method: string, path: string, token: string, body?: unknown) => {
        const res = await fetch(`${server!.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        const json = (await res.json()) as Record<string, any>;
        assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
        return json;
      };
      const alice = await registerUser(server.baseUrl, 'alice');
      const bob = await registerUser(server.baseUrl, 'bob');
      const { room_id: roomId } = await call('POST', `${V3}/createRoom`, alice.accessToken, { invite: [bob.userId] });
      await call('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/join`, bob.accessToken, {});
      await call('POST', `${V3}/pushers/set`, alice.accessToken, {
        kind: 'http', app_id: 'org.example.app', pushkey: 'k', app_display_name: 'App', device_display_name: 'Phone', lang: 'en', data: { url: gatewayUrl },
      });
      const sendMessage = async (txn: string) =>
        (await call('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, bob.accessToken, { msgtype: 'm.text', body: txn })).event_id as string;

      // The gateway is down: the first notification is attempted and refused.
      const first = await sendMessage('m1');
      const deadline = Date.now() + 10_000;
      while (!attempts.includes(first)) {
        assert.ok(Date.now() < deadline, 'no delivery attempt');
        await new Promise((r) => setTimeout(r, 50));
      }
      // Acknowledged, then the server dies at once (possibly before its tail reader saw it).
      const second = await sendMessage('m2');
      await server.kill9();

      up = true;
      server = await startChildServer(data);
      const until = Date.now() + 20_000;
      while (!(delivered.has(first) && delivered.has(second))) {
        assert.ok(Date.now() < until, `delivered after restart: ${[...delivered].join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  });
}
