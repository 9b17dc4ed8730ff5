import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamIdGenerator } from '../../src/streams/StreamIdGenerator.js';
import { Notifier } from '../../src/streams/Notifier.js';

test('stream current never passes an unfinished position', () => {
  const gen = new StreamIdGenerator(10);
  const a = gen.allocate();
  const b = gen.allocate();
  const c = gen.allocate();
  assert.deepEqual([a, b, c], [11, 12, 13]);
  assert.equal(gen.finish(c), 10);
  assert.equal(gen.finish(a), 11);
  assert.equal(gen.current, 11);
  assert.equal(gen.finish(b), 13);
});

test('notifier wakes room and user listeners, times out otherwise', async () => {
  const n = new Notifier();
  const byRoom = n.listen({ userId: '@a:x', roomIds: ['!r:x'], timeoutMs: 5000 });
  const byUser = n.listen({ userId: '@b:x', roomIds: [], timeoutMs: 5000 });
  const idle = n.listen({ userId: '@c:x', roomIds: ['!other:x'], timeoutMs: 20 });
  assert.equal(n.waiting, 3);
  n.notify({ roomIds: ['!r:x'], userIds: ['@b:x'] });
  assert.equal(await byRoom.woken, true);
  assert.equal(await byUser.woken, true);
  assert.equal(await idle.woken, false);
  assert.equal(n.waiting, 0);
  const cancelled = n.listen({ userId: '@a:x', roomIds: [], timeoutMs: 5000 });
  cancelled.cancel();
  assert.equal(await cancelled.woken, false);
  assert.equal(n.waiting, 0);
});

test('notifyAt holds a change back until every lower position has finished', async () => {
  const gen = new StreamIdGenerator(0);
  const n = new Notifier();
  n.follow(gen);
  const lower = gen.allocate();
  const mine = gen.allocate();
  const listener = n.listen({ userId: '@a:x', roomIds: ['!r:x'], timeoutMs: 5000 });
  gen.finish(mine);
  n.notifyAt(mine, { roomIds: ['!r:x'] });
  let woken = false;
  void listener.woken.then((w) => (woken = w));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(woken, false, 'not announced while position 1 is in flight');
  gen.finish(lower);
  assert.equal(await listener.woken, true);
  // A visible position is announced at once.
  const later = n.listen({ userId: '@a:x', roomIds: ['!r:x'], timeoutMs: 5000 });
  const p = gen.allocate();
  gen.finish(p);
  n.notifyAt(p, { roomIds: ['!r:x'] });
  assert.equal(await later.woken, true);
});
