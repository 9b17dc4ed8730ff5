// Edits: the m.replace bundled aggregation (client-server-api "Server-side
// aggregation of m.replace relationships", "Validity of replacement events",
// "Redactions of edited events") on every read path.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { engines, type TestServer, type TestUser } from '../harness.js';
import { publicRoomWith, serverWithAliceAndBob } from './helpers.js';
import { messages, roomPath, send, setState } from '../events/helpers.js';

const edit = (originalId: string, body: string, extra: Record<string, unknown> = {}) => ({
  msgtype: 'm.text',
  body: `* ${body}`,
  'm.new_content': { msgtype: 'm.text', body },
  'm.relates_to': { rel_type: 'm.replace', event_id: originalId },
  ...extra,
});

type Ev = { event_id: string; content: Record<string, any>; unsigned?: Record<string, any> };
const bundled = (ev: Ev | undefined) => ev?.unsigned?.['m.relations']?.['m.replace'] as Ev | undefined;

for (const engine of engines()) {
  describe(`edits: m.replace bundled aggregation (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    let original: string;
    let firstEdit: string;
    let latestEdit: string;

    // Edits sent a few ms apart, so that origin_server_ts orders them as sent.
    const sendEdit = async (user: TestUser, content: Record<string, unknown>, type = 'm.room.message') => {
      await sleep(3);
      return send(hs, user, roomId, content, type);
    };
    const getEvent = async (user: TestUser, eventId: string): Promise<Ev> => {
      const res = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(eventId)}`), undefined, user.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Ev;
    };

    before(async () => {
      ({ hs, alice, bob } = await serverWithAliceAndBob(engine));
      roomId = await publicRoomWith(hs, alice, bob);
      original = await send(hs, alice, roomId, 'I like cake');
      firstEdit = await sendEdit(alice, edit(original, 'I really like cake'));
      latestEdit = await sendEdit(alice, edit(original, 'I really like chocolate cake'));
      // Invalid replacements, all newer than latestEdit: another sender, another type, no m.new_content.
      await sendEdit(bob, edit(original, 'bob was here'));
      await sendEdit(alice, edit(original, 'other type'), 'org.example.note');
      await sendEdit(alice, { msgtype: 'm.text', body: '* no new content', 'm.relates_to': { rel_type: 'm.replace', event_id: original } });
    });
    after(() => hs.close());

    it('GET /event bundles the most recent valid edit and leaves the original content as sent', async () => {
      for (const viewer of [alice, bob]) {
        const ev = await getEvent(viewer, original);
        assert.equal(ev.content.body, 'I like cake');
        const replace = bundled(ev);
        assert.equal(replace?.event_id, latestEdit);
        assert.equal(replace?.content['m.new_content'].body, 'I really like chocolate cake');
        assert.equal((replace as Record<string, any>).sender, alice.userId);
      }
      // The edits themselves carry no m.replace aggregation.
      assert.equal(bundled(await getEvent(alice, latestEdit)), undefined);
    });

    it('/messages, /context and /sync bundle it too', async () => {
      const page = await messages(hs, bob, roomId, { dir: 'b', limit: 50 });
      assert.equal(page.status, 200);
      assert.equal(bundled(page.body.chunk.find((e: Ev) => e.event_id === original))?.event_id, latestEdit);

      const ctx = await hs.request('GET', roomPath(roomId, `/context/${encodeURIComponent(original)}?limit=2`), undefined, bob.accessToken);
      assert.equal(ctx.status, 200);
      assert.equal(bundled(ctx.body.event)?.event_id, latestEdit);

      const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 50 } } }));
      const sync = await hs.request('GET', `/_matrix/client/v3/sync?filter=${filter}`, undefined, bob.accessToken);
      assert.equal(sync.status, 200);
      const timeline = sync.body.rooms.join[roomId].timeline.events as Ev[];
      assert.equal(bundled(timeline.find((e) => e.event_id === original))?.event_id, latestEdit);
    });

    it('a redacted edit drops out (the previous edit is bundled); a redacted original bundles nothing', async () => {
      const redact = async (eventId: string) => {
        const res = await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(eventId)}/r${eventId.slice(1, 8)}`), {}, alice.accessToken);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      await redact(latestEdit);
      assert.equal(bundled(await getEvent(bob, original))?.event_id, firstEdit);
      await redact(original);
      assert.equal(bundled(await getEvent(bob, original)), undefined);
    });

    it('an edit of an edit, or of a state event, is not bundled; an encrypted edit needs no m.new_content in the clear', async () => {
      const message = await send(hs, alice, roomId, 'base');
      const editOne = await sendEdit(alice, edit(message, 'base, edited'));
      await sendEdit(alice, edit(editOne, 'edit of the edit'));
      assert.equal(bundled(await getEvent(bob, editOne)), undefined);
      assert.equal(bundled(await getEvent(bob, message))?.event_id, editOne);

      const topic = await setState(hs, alice, roomId, 'm.room.topic', { topic: 'cake' });
      await sendEdit(alice, edit(topic, 'pie'), 'm.room.topic');
      assert.equal(bundled(await getEvent(bob, topic)), undefined);

      const ciphertext = (rel?: Record<string, unknown>) => ({
        algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA', session_id: 's', sender_key: 'k', device_id: 'D',
        ...(rel ? { 'm.relates_to': rel } : {}),
      });
      const encrypted = await send(hs, alice, roomId, ciphertext(), 'm.room.encrypted');
      const encryptedEdit = await sendEdit(alice, ciphertext({ rel_type: 'm.replace', event_id: encrypted }), 'm.room.encrypted');
      assert.equal(bundled(await getEvent(bob, encrypted))?.event_id, encryptedEdit);
    });
  });
}
