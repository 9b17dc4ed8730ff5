// Limits (issue 3 point 8; client-server-api "Size limits", "Rate limiting"):
// events over 65,536 bytes → 413 M_TOO_LARGE; type / state_key over 255 bytes
// (bytes, not characters) refused with a 4xx (the spec names no code; Synapse
// answers 413 M_TOO_LARGE); message sending over rc_message → 429
// M_LIMIT_EXCEEDED with retry_after_ms.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';

for (const engine of engines()) {
  describe(`hardening: limits (${engine})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let room: string;
    let txn = 0;
    before(async () => {
      server = await startTestServer({ engine });
      alice = await server.register();
      const res = await server.request('POST', '/_matrix/client/v3/createRoom', {}, alice.accessToken);
      room = encodeURIComponent(res.body.room_id);
    });
    after(() => server.close());

    const send = (type: string, content: unknown) =>
      server.request('PUT', `/_matrix/client/v3/rooms/${room}/send/${encodeURIComponent(type)}/l${++txn}`, content, alice.accessToken);
    const state = (type: string, key: string, content: unknown) =>
      server.request('PUT', `/_matrix/client/v3/rooms/${room}/state/${encodeURIComponent(type)}/${encodeURIComponent(key)}`, content, alice.accessToken);

    const refused = (res: { status: number; body: { errcode?: string; error?: string } }, what: string) => {
      assert.ok(res.status === 400 || res.status === 413, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(res.body.errcode ?? '', /^M_(TOO_LARGE|BAD_JSON|INVALID_PARAM)$/, what);
      assert.equal(typeof res.body.error, 'string');
    };

    it('an event over 65,536 bytes → 413 M_TOO_LARGE (message and state); just under is stored', async () => {
      for (const res of [await send('m.room.message', { msgtype: 'm.text', body: 'x'.repeat(66_000) }), await state('org.weft.big', '', { v: 'x'.repeat(66_000) })]) {
        assert.equal(res.status, 413, JSON.stringify(res.body));
        assert.equal(res.body.errcode, 'M_TOO_LARGE');
      }
      // Multi-byte characters count as bytes: 22,000 × 3 bytes > 65,536.
      const wide = await send('m.room.message', { msgtype: 'm.text', body: '\u20ac'.repeat(22_000) });
      assert.equal(wide.status, 413, JSON.stringify(wide.body));
      const ok = await send('m.room.message', { msgtype: 'm.text', body: 'x'.repeat(60_000) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    it('type and state_key over 255 bytes are refused; 255 bytes are accepted', async () => {
      refused(await send('t'.repeat(256), { a: 1 }), 'message type 256 bytes');
      refused(await state('t'.repeat(256), '', { a: 1 }), 'state type 256 bytes');
      refused(await state('org.weft.k', 'k'.repeat(256), { a: 1 }), 'state_key 256 bytes');
      refused(await state('org.weft.k', '\u00e9'.repeat(128), { a: 1 }), 'state_key 128 × é = 256 bytes');
      refused(await send('\u00e9'.repeat(128), { a: 1 }), 'type 128 × é = 256 bytes');
      assert.equal((await send('t'.repeat(255), { a: 1 })).status, 200);
      assert.equal((await state('org.weft.k', 'k'.repeat(255), { a: 1 })).status, 200);
    });

    it('NUL, lone surrogates and odd unicode in content are stored or refused, never a 500', async () => {
      for (const body of ['{"msgtype":"m.text","body":"\\u0000"}', '{"msgtype":"m.text","body":"\\ud800"}', '{"msgtype":"m.text","body":"\\udfff\\ud800x"}', '{"msgtype":"m.text","body":"\\ufeff\\u202e\\uffff"}', '{"msgtype":"m.text","body":"x","n":1.5}', '{"msgtype":"m.text","body":"x","n":9007199254740993}', '{"msgtype":"m.text","body":"x","n":1e400}']) {
        const res = await send('m.room.message', body);
        assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500 && /^M_/.test(res.body.errcode)), `${body} → ${res.status} ${JSON.stringify(res.body)}`);
      }
      const sync = await server.request('GET', '/_matrix/client/v3/sync', undefined, alice.accessToken);
      assert.equal(sync.status, 200);
    });
  });

  describe(`hardening: rate limits (${engine})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ engine, config: { rc_message: { per_second: 0.2, burst_count: 3 }, rc_login: { per_second: 0.1, burst_count: 2 } } });
    });
    after(() => server.close());

    it('sending past rc_message → 429 M_LIMIT_EXCEEDED with retry_after_ms; other users are not affected', async () => {
      const [a, b] = [await server.register(), await server.register()];
      const room = (await server.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' }, a.accessToken)).body.room_id;
      await server.request('POST', `/_matrix/client/v3/join/${encodeURIComponent(room)}`, {}, b.accessToken);
      const statuses: number[] = [];
      let limited: { errcode?: string; error?: string; retry_after_ms?: unknown } | undefined;
      for (let i = 0; i < 6; i++) {
        const res = await server.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/r${i}`, { msgtype: 'm.text', body: `${i}` }, a.accessToken);
        statuses.push(res.status);
        if (res.status === 429) limited = res.body;
      }
      assert.ok(statuses.slice(0, 2).every((s) => s === 200), statuses.join(','));
      assert.ok(limited, `never limited: ${statuses.join(',')}`);
      assert.equal(limited.errcode, 'M_LIMIT_EXCEEDED');
      assert.equal(typeof limited.error, 'string');
      assert.ok(Number.isInteger(limited.retry_after_ms) && (limited.retry_after_ms as number) > 0, `retry_after_ms ${String(limited.retry_after_ms)}`);
      const other = await server.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/b1`, { msgtype: 'm.text', body: 'b' }, b.accessToken);
      assert.equal(other.status, 200);
    });

    it('logging in past rc_login → 429 M_LIMIT_EXCEEDED', async () => {
      let last = 0;
      let body: { errcode?: string; retry_after_ms?: number } = {};
      for (let i = 0; i < 5; i++) {
        const res = await server.request('POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'nobody' }, password: 'x' });
        last = res.status;
        body = res.body;
      }
      assert.equal(last, 429);
      assert.equal(body.errcode, 'M_LIMIT_EXCEEDED');
      assert.ok((body.retry_after_ms ?? 0) > 0);
    });
  });
}
