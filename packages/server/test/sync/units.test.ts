// Pure parts of the sync area: tokens, filter validation/matching, typing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixError } from '@weft/core';
import { formatSyncToken, formatTimelineToken, parseSyncToken, parseTimelineToken } from '../../src/streams/tokens.js';
import { applyEventFields, eventMatches, typeMatches, validateSyncFilter } from '../../src/sync/Filter.js';
import { TypingService } from '../../src/sync/TypingService.js';
import { Notifier } from '../../src/streams/Notifier.js';

const invalidParam = (err: unknown) => err instanceof MatrixError && err.httpStatus === 400 && err.errcode === 'M_INVALID_PARAM';
const badJson = (err: unknown) => err instanceof MatrixError && err.httpStatus === 400 && err.errcode === 'M_BAD_JSON';

test('sync and timeline tokens round-trip; malformed ones are 400 M_INVALID_PARAM', () => {
  assert.equal(formatSyncToken({ stream: 42, typing: 7 }), 's42_7');
  assert.deepEqual(parseSyncToken('s42_7'), { stream: 42, typing: 7 });
  assert.equal(parseTimelineToken(formatTimelineToken(99)), 99);
  assert.equal(parseTimelineToken('s5_1'), 5);
  for (const bad of ['', 's', 's1', 's1_', 'x1_2', 's-1_2', 's1_2_3', 't', 'tabc', 's99999999999999999_1']) {
    assert.throws(() => parseSyncToken(bad), invalidParam, bad);
  }
  for (const bad of ['', 't', 'tx', 't-1', 'u5']) assert.throws(() => parseTimelineToken(bad), invalidParam, bad);
});

test('filter validation rejects wrong shapes with M_BAD_JSON', () => {
  assert.deepEqual(validateSyncFilter({ room: { timeline: { limit: 2 } } }), { room: { timeline: { limit: 2 } } });
  assert.throws(() => validateSyncFilter([]), badJson);
  assert.throws(() => validateSyncFilter({ room: { timeline: { limit: 0 } } }), badJson);
  assert.throws(() => validateSyncFilter({ room: { timeline: { limit: 'x' } } }), badJson);
  assert.throws(() => validateSyncFilter({ room: { rooms: ['not-a-room'] } }), badJson);
  assert.throws(() => validateSyncFilter({ presence: { senders: [1] } }), badJson);
  assert.throws(() => validateSyncFilter({ event_format: 'xml' }), badJson);
  assert.throws(() => validateSyncFilter({ room: { include_leave: 'yes' } }), badJson);
});

test('type wildcards and include/exclude lists', () => {
  assert.ok(typeMatches('m.room.*', 'm.room.message'));
  assert.ok(typeMatches('*', 'anything'));
  assert.ok(typeMatches('m.*.message', 'm.room.message'));
  assert.ok(!typeMatches('m.room.*', 'm.call.invite'));
  assert.ok(!typeMatches('m.room', 'm.room.message'));
  const f = { types: ['m.room.*'], not_types: ['m.room.member'], not_senders: ['@bad:x'] };
  assert.ok(eventMatches(f, { type: 'm.room.message', sender: '@a:x' }));
  assert.ok(!eventMatches(f, { type: 'm.room.member', sender: '@a:x' }));
  assert.ok(!eventMatches(f, { type: 'm.room.message', sender: '@bad:x' }));
  assert.ok(!eventMatches(f, { type: 'org.example', sender: '@a:x' }));
  assert.ok(!eventMatches({ contains_url: true }, { type: 'm.room.message', content: { body: 'x' } }));
  assert.ok(eventMatches({ contains_url: true }, { type: 'm.room.message', content: { url: 'mxc://a/b' } }));
});

test('event_fields keeps only the listed (dotted, escaped) fields', () => {
  const ev = { type: 't', content: { body: 'b', 'a.b': 1, other: 2 }, sender: '@a:x' };
  assert.deepEqual(applyEventFields(ev, ['type', 'content.body', 'content.a\\.b']), { type: 't', content: { body: 'b', 'a.b': 1 } });
});

test('typing: changes bump the counter and wake the room; expiry removes the user', async () => {
  const notifier = new Notifier();
  const typing = new TypingService(notifier);
  const l = notifier.listen({ userId: '@x:x', roomIds: ['!r:x'], timeoutMs: 1000 });
  typing.setTyping('!r:x', '@a:x', true, 30);
  assert.equal(await l.woken, true);
  assert.equal(typing.current, 1);
  assert.deepEqual(typing.changedSince('!r:x', 0), { user_ids: ['@a:x'] });
  assert.equal(typing.changedSince('!r:x', 1), undefined);
  typing.setTyping('!r:x', '@a:x', true, 30); // refresh only
  assert.equal(typing.current, 1);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(typing.current, 2);
  assert.deepEqual(typing.changedSince('!r:x', 1), { user_ids: [] });
  typing.stop();
});

test('presence: sync writes only on state changes; silent users go offline', async () => {
  const { PresenceService } = await import('../../src/sync/PresenceService.js');
  const { StreamHighWater } = await import('../../src/sync/streamWrite.js');
  const { StreamIdGenerator } = await import('../../src/streams/StreamIdGenerator.js');
  type Row = import('../../src/storage/ports/sync.js').PresenceRow;
  const rows = new Map<string, Row>();
  let writes = 0;
  const store = {
    putPresence: async (r: Row) => { writes++; rows.set(r.userId, { ...r }); },
    getPresence: async (u: string) => rows.get(u),
    presenceSince: async () => [...rows.values()],
  };
  let now = 1_000_000;
  const notifier = new Notifier();
  const svc = new PresenceService(store, { generator: new StreamIdGenerator(0), notifier, highWater: new StreamHighWater(0) }, async () => ['!r:x'], () => now);
  await svc.touchFromSync('@a:x', 'online');
  await svc.touchFromSync('@a:x', 'online');
  now += 10_000;
  await svc.touchFromSync('@a:x', 'online');
  assert.equal(writes, 1);
  assert.equal((await svc.get('@a:x')).last_active_ago, 0, 'GET reflects the latest sync');
  await svc.touchFromSync('@a:x', 'unavailable');
  assert.equal(writes, 2);
  now += 60_000;
  await svc.sweep();
  assert.equal(rows.get('@a:x')!.presence, 'unavailable', 'not yet');
  now += 60_000;
  await svc.sweep();
  assert.equal(rows.get('@a:x')!.presence, 'offline');
  assert.equal(writes, 3);
});
