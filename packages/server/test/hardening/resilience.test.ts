// The server survives abuse at the connection level: bursts of concurrent bad
// requests, clients that abandon long-polls, and bodies cut off mid-stream
// (issue 3 point 8: no crash, no hang; it keeps answering).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { contractViolation, probe } from './probe.js';
import { GARBAGE_BODIES } from './routeProbes.js';

for (const engine of engines()) {
  describe(`hardening: resilience (${engine})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let room: string;
    before(async () => {
      server = await startTestServer({ engine });
      alice = await server.register();
      room = encodeURIComponent((await server.request('POST', '/_matrix/client/v3/createRoom', {}, alice.accessToken)).body.room_id);
    });
    after(() => server.close());

    it('300 concurrent bad requests: every answer < 500 and well-formed', async () => {
      const paths = [`/_matrix/client/v3/rooms/${room}/send/m.room.message/`, '/_matrix/client/v3/createRoom', `/_matrix/client/v3/rooms/${room}/messages?limit=abc`, '/_matrix/client/v3/sync?since=garbage', '/_matrix/client/v3/keys/upload'];
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => {
          const p = paths[i % paths.length]!;
          const method = p.includes('/send/') ? 'PUT' : p.includes('?') ? 'GET' : 'POST';
          const body = method === 'GET' ? undefined : GARBAGE_BODIES[i % GARBAGE_BODIES.length];
          const req = { method, path: p.endsWith('/') ? `${p}c${i}` : p, token: alice.accessToken, body, timeoutMs: 30_000 };
          return probe(server.baseUrl, req).then((res) => [req, res] as const);
        }),
      );
      const bad = results.filter(([, res]) => contractViolation(res)).map(([req, res]) => `${req.method} ${req.path} → ${res.status} ${res.text.slice(0, 100)}`);
      assert.deepEqual(bad, []);
    });

    it('abandoned /sync long-polls do not break later syncs', async () => {
      const first = await probe(server.baseUrl, { method: 'GET', path: '/_matrix/client/v3/sync?timeout=0', token: alice.accessToken });
      const since = encodeURIComponent(first.json.next_batch);
      await Promise.all(Array.from({ length: 20 }, () => probe(server.baseUrl, { method: 'GET', path: `/_matrix/client/v3/sync?since=${since}&timeout=30000`, token: alice.accessToken, timeoutMs: 100 })));
      const sent = await server.request('PUT', `/_matrix/client/v3/rooms/${room}/send/m.room.message/after-abort`, { msgtype: 'm.text', body: 'x' }, alice.accessToken);
      assert.equal(sent.status, 200);
      const next = await probe(server.baseUrl, { method: 'GET', path: `/_matrix/client/v3/sync?since=${since}&timeout=5000`, token: alice.accessToken });
      assert.equal(next.status, 200);
      assert.ok(JSON.stringify(next.json).includes(sent.body.event_id));
    });

    it('a body cut off mid-stream and raw garbage on the socket do not crash the server', async () => {
      const { hostname, port } = new URL(server.baseUrl);
      const raw = (payload: string) =>
        new Promise<string>((resolve) => {
          const s = connect(Number(port), hostname, () => s.end(payload));
          let out = '';
          s.on('data', (d) => (out += d.toString()));
          s.on('close', () => resolve(out));
          s.on('error', () => resolve(out));
          setTimeout(() => s.destroy(), 2000);
        });
      await raw(`POST /_matrix/client/v3/createRoom HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${alice.accessToken}\r\nContent-Length: 100\r\n\r\n{"name":`);
      const junk = await raw('\u0000\u0001GARBAGE / HTTP/9.9\r\n\r\n');
      assert.match(junk, /^HTTP\/1\.1 400/);
      assert.match(junk, /"errcode":"M_UNKNOWN"/);
      assert.match(junk, /access-control-allow-origin: \*/i);
      const chunked = await raw(`PUT /_matrix/client/v3/rooms/${room}/send/m.room.message/chunk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${alice.accessToken}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n`);
      assert.match(chunked, /^(HTTP\/1\.1 4\d\d|)/);
      const alive = await probe(server.baseUrl, { method: 'GET', path: '/_matrix/client/versions' });
      assert.equal(alive.status, 200);
    });
  });
}
