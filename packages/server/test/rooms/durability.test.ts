// Durability (issue "Durability"): an event whose ID was returned to a client
// survives `kill -9` of the server. The server runs as a child process; several
// senders send concurrently (so group commit batches are in flight), the
// process is SIGKILLed mid-load, restarted on the same data, and every
// acknowledged event must be there — in storage and, where the event endpoint
// exists, over HTTP. Sending must then continue (stream positions and event
// nids resume above what was written) and a retried transaction ID must return
// the event acknowledged before the crash.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { loadConfig } from '../../src/config/loadConfig.js';
import { databaseOptions } from '../../src/main.js';
import { openStorage } from '../../src/storage/Storage.js';
import { engines } from '../harness.js';
import { join } from 'node:path';
import { roomVersionRules, signingKeyFromSeed, verifyEventSignature } from '@weft/core';
import { readSigningKeyFile } from '../../src/config/signingKey.js';
import { prepareChildServer, registerUser, removeChildServerData, startChildServer, type ChildServerData, type RunningChild } from './childServer.js';

const V3 = '/_matrix/client/v3';
const SENDERS = 6;

for (const engine of engines()) {
  describe(`durability under kill -9 (${engine})`, () => {
    let data: ChildServerData | undefined;
    let server: RunningChild | undefined;
    const agent = new Agent({ connections: 16 });
    after(async () => {
      await server?.kill9().catch(() => {});
      await agent.close();
      if (data) await removeChildServerData(data);
    });

    const call = async (baseUrl: string, method: 'GET' | 'PUT' | 'POST', path: string, token: string, body?: unknown) => {
      const res = await request(baseUrl + path, {
        method, dispatcher: agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.statusCode, body: (await res.body.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    it('every acknowledged event is there after a restart', { timeout: 120_000 }, async () => {
      data = await prepareChildServer(engine);
      server = await startChildServer(data);
      const base1 = server.baseUrl;
      const users = [];
      for (let i = 0; i < SENDERS; i++) users.push(await registerUser(base1, `sender${i}`));
      const created = await call(base1, 'POST', `${V3}/createRoom`, users[0]!.accessToken, { preset: 'public_chat' });
      const roomId = created.body.room_id as string;
      const roomPath = `${V3}/rooms/${encodeURIComponent(roomId)}`;
      for (const u of users.slice(1)) assert.equal((await call(base1, 'POST', `${V3}/join/${encodeURIComponent(roomId)}`, u.accessToken, {})).status, 200);

      // Senders send until the server dies; each records what was acknowledged.
      const acked: { sender: number; txnId: string; eventId: string; body: string }[] = [];
      let killed = false;
      const senders = users.map(async (u, s) => {
        for (let i = 0; !killed; i++) {
          const txnId = `t${s}-${i}`;
          const body = `message ${i} from ${s}`;
          try {
            const res = await call(base1, 'PUT', `${roomPath}/send/m.room.message/${txnId}`, u.accessToken, { msgtype: 'm.text', body });
            if (res.status === 200) acked.push({ sender: s, txnId, eventId: res.body.event_id, body });
          } catch {
            return; // connection reset by the kill
          }
        }
      });
      const deadline = Date.now() + 20_000;
      while (acked.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await server.kill9();
      killed = true;
      await Promise.all(senders);
      assert.ok(acked.length >= 300, `only ${acked.length} events were acknowledged before the kill`);

      // What the kill left unsigned (deferred signing, SQLite): the restart must sign it.
      const seed = await readSigningKeyFile(join(data.dir, 'signing.key'));
      if (engine === 'sqlite') {
        const before = await openStorage(databaseOptions(await loadConfig(data.configPath)));
        try {
          const candidates = await before.rooms.unsignedCandidates();
          const unsignedNow = candidates.filter((c) => JSON.parse(c.json).signatures === undefined).length;
          console.log(`# durability: ${unsignedNow} of ${candidates.length} events above the watermark were unsigned at the kill`);
        } finally {
          await before.close();
        }
      }

      server = await startChildServer(data);
      const base2 = server.baseUrl;

      // In storage (read by this process while the restarted server runs).
      const storage = await openStorage(databaseOptions(await loadConfig(data.configPath)));
      try {
        const rows = await storage.rooms.getEvents(acked.map((a) => a.eventId));
        const found = new Map(rows.map((r) => [r.eventId, r]));
        const missing = acked.filter((a) => !found.has(a.eventId));
        assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged events lost`);
        for (const a of acked) assert.equal(JSON.parse(found.get(a.eventId)!.json).content.body, a.body);
        // Signed too: on SQLite signatures are written just after the commit, and the
        // restarted server signed whatever the kill left unsigned before it listened.
        const key = signingKeyFromSeed(seed.seed, seed.keyId);
        const rules = roomVersionRules((await storage.rooms.getRoom(roomId))!.roomVersion)!;
        const unsigned = rows.filter((r) => !verifyEventSignature(JSON.parse(r.json), rules, 'weft.test', key.keyId, key.publicKeyBase64));
        assert.deepEqual(unsigned.map((r) => r.eventId), [], 'acknowledged events without a valid signature');
      } finally {
        await storage.close();
      }

      // Over HTTP, when the event endpoint is there.
      const probe = await call(base2, 'GET', `${roomPath}/event/${encodeURIComponent(acked[0]!.eventId)}`, users[0]!.accessToken);
      if (probe.body?.errcode !== 'M_UNRECOGNIZED') {
        for (const a of acked.slice(-50)) {
          const r = await call(base2, 'GET', `${roomPath}/event/${encodeURIComponent(a.eventId)}`, users[0]!.accessToken);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal(r.body.content.body, a.body);
        }
      }

      // A retried transaction returns the acknowledged event; new sends work.
      const last = acked[acked.length - 1]!;
      const retry = await call(base2, 'PUT', `${roomPath}/send/m.room.message/${last.txnId}`, users[last.sender]!.accessToken, { msgtype: 'm.text', body: last.body });
      assert.equal(retry.body.event_id, last.eventId);
      for (let i = 0; i < 5; i++) {
        const res = await call(base2, 'PUT', `${roomPath}/send/m.room.message/after-${i}`, users[0]!.accessToken, { msgtype: 'm.text', body: 'after restart' });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      await server.stop();
      server = undefined;
    });
  });
}
