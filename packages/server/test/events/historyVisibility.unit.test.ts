// The history visibility rules (modules/history_visibility.md "Server
// behaviour") as pure functions over a hand-made visibility timeline.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VisibilityTimeline, parseHistoryVisibility } from '../../src/visibility/historyVisibility.js';
import type { VisibilityChangeRow } from '../../src/storage/ports/roomReads.js';

const U = '@u:hs';
const member = (streamPos: number, membership: string): VisibilityChangeRow => ({ streamPos, type: 'm.room.member', membership });
const hv = (streamPos: number, historyVisibility: string): VisibilityChangeRow => ({ streamPos, type: 'm.room.history_visibility', membership: null, historyVisibility });
const msg = (streamPos: number) => ({ streamPos, type: 'm.room.message', stateKey: null, membership: null });

describe('history visibility rules', () => {
  it('defaults to shared; unknown values are shared', () => {
    assert.equal(parseHistoryVisibility(undefined), 'shared');
    assert.equal(parseHistoryVisibility('nonsense'), 'shared');
    assert.equal(parseHistoryVisibility(3), 'shared');
    assert.equal(parseHistoryVisibility('joined'), 'joined');
  });

  it('shared: a later joiner sees earlier history; a never-joined user sees nothing', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'shared'), member(10, 'join')]);
    assert.equal(t.canSee(msg(5)), true);
    assert.equal(t.canSee(msg(11)), true);
    const never = new VisibilityTimeline(U, [hv(2, 'shared')]);
    assert.equal(never.canSee(msg(5)), false);
  });

  it('joined: only from the join onwards', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'joined'), member(10, 'join')]);
    assert.equal(t.canSee(msg(5)), false);
    assert.equal(t.canSee(msg(9)), false);
    assert.equal(t.canSee(msg(11)), true);
  });

  it('invited: from the invite onwards, not before', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'invited'), member(8, 'invite'), member(12, 'join')]);
    assert.equal(t.canSee(msg(5)), false);
    assert.equal(t.canSee(msg(9)), true);
    assert.equal(t.canSee(msg(13)), true);
    // joined setting: the invite alone does not open history.
    const j = new VisibilityTimeline(U, [hv(2, 'joined'), member(8, 'invite'), member(12, 'join')]);
    assert.equal(j.canSee(msg(9)), false);
  });

  it('world_readable: anyone, even never-joined users', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'world_readable'), hv(20, 'joined')]);
    assert.equal(t.canSee(msg(5)), true);
    assert.equal(t.canSee(msg(21)), false);
    assert.equal(t.currentVisibility(), 'joined');
  });

  it('after leaving: nothing new; rejoining under shared opens the gap again', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'shared'), member(10, 'join'), member(20, 'leave')]);
    assert.equal(t.canSee(msg(15)), true);
    assert.equal(t.canSee(msg(25)), false);
    assert.equal(t.visibleUpto(), 20);
    const back = new VisibilityTimeline(U, [hv(2, 'shared'), member(10, 'join'), member(20, 'leave'), member(30, 'join')]);
    assert.equal(back.canSee(msg(25)), true);
    assert.equal(back.visibleUpto(), Infinity);
    const joinedOnly = new VisibilityTimeline(U, [hv(2, 'joined'), member(10, 'join'), member(20, 'leave'), member(30, 'join')]);
    assert.equal(joinedOnly.canSee(msg(25)), false);
  });

  it("the user's own membership events are visible before or after", () => {
    const t = new VisibilityTimeline(U, [hv(2, 'joined'), member(10, 'join'), member(20, 'leave')]);
    // The join: membership before is none, after is join.
    assert.equal(t.canSee({ streamPos: 10, type: 'm.room.member', stateKey: U, membership: 'join' }), true);
    // The leave: membership before is join.
    assert.equal(t.canSee({ streamPos: 20, type: 'm.room.member', stateKey: U, membership: 'leave' }), true);
    // Someone else's member event at the same point as the join is not visible.
    assert.equal(t.canSee({ streamPos: 9, type: 'm.room.member', stateKey: '@x:hs', membership: 'join' }), false);
  });

  it('history_visibility events are visible before or after', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'joined'), hv(5, 'world_readable'), hv(7, 'joined')]);
    // 5 changes joined → world_readable: after allows.
    assert.equal(t.canSee({ streamPos: 5, type: 'm.room.history_visibility', stateKey: '', membership: null, historyVisibility: () => 'world_readable' }), true);
    // 7 changes world_readable → joined: before allows.
    assert.equal(t.canSee({ streamPos: 7, type: 'm.room.history_visibility', stateKey: '', membership: null, historyVisibility: () => 'joined' }), true);
    // 2 (no earlier: shared → joined) for a never-member: neither allows.
    assert.equal(t.canSee({ streamPos: 2, type: 'm.room.history_visibility', stateKey: '', membership: null, historyVisibility: () => 'joined' }), false);
    // A never-member sees nothing after the room stopped being world_readable.
    assert.equal(t.visibleUpto(), 7);
    assert.equal(t.canSee(msg(8)), false);
    assert.equal(t.canSee(msg(6)), true);
  });

  it('visibleUpto stays unbounded when the room became world_readable after the leave', () => {
    const t = new VisibilityTimeline(U, [hv(2, 'joined'), member(10, 'join'), member(20, 'leave'), hv(30, 'world_readable')]);
    assert.equal(t.visibleUpto(), Infinity);
    assert.equal(t.canSee(msg(35)), true);
    assert.equal(t.canSee(msg(25)), false);
  });

  it('visibleUpto is unbounded for joined and invited users, bounded for kicked/banned ones', () => {
    assert.equal(new VisibilityTimeline(U, [hv(2, 'joined'), member(10, 'join')]).visibleUpto(), Infinity);
    assert.equal(new VisibilityTimeline(U, [hv(2, 'invited'), member(10, 'invite')]).visibleUpto(), Infinity);
    assert.equal(new VisibilityTimeline(U, [member(10, 'join'), member(15, 'ban'), hv(18, 'joined')]).visibleUpto(), 18);
    assert.equal(new VisibilityTimeline(U, []).visibleUpto(), -1);
  });
});
