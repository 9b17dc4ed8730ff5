// Conditions, glob matching, property paths and rule-kind priority
// (client-server-api push.md "Push Rules", "Conditions"; appendices).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionMatches, containsWord, defaultPushRuleset, emptyUserPushRules, evaluatePushRules, extractUserPushRules,
  findMatchingPushRule, globMatches, lookupPropertyPath, memberCountMatches, mergePushRules, splitPropertyPath,
  type PushRuleset,
} from '../../src/index.js';

const ctx = { memberCount: 3, senderPowerLevel: 0, displayName: 'Alice B' };

describe('push rules: glob and property paths', () => {
  it('globs match the whole value case-insensitively', () => {
    assert.ok(globMatches('lunc?*', 'Lunch plans'));
    assert.ok(globMatches('lunc?*', 'LUNCH'));
    assert.ok(!globMatches('lunc?*', ' lunch'));
    assert.ok(!globMatches('lunc?*', 'lunc'));
    assert.ok(globMatches('a.b', 'A.B') && !globMatches('a.b', 'axb'), 'regex characters are literal');
    assert.ok(globMatches('*', '') && globMatches('a*', 'a\nb'));
  });

  it('word-bounded matching for content.body', () => {
    assert.ok(globMatches('ex*ple', 'An example event.', true));
    assert.ok(globMatches('ex*ple', 'exple', true));
    assert.ok(globMatches('ex*ple', 'An exciting triple-whammy', true));
    assert.ok(!globMatches('cake', 'cakes', true));
    assert.ok(!globMatches('cake', 'pancake', true));
    assert.ok(globMatches('cake', 'cake_ no; yes cake!', true));
    assert.ok(!globMatches('cake', 'cake_', true), '_ is a word character');
    assert.ok(containsWord('Alice B', 'hi alice b!') && !containsWord('a.b', 'axb'));
  });

  it('dotted paths with escapes', () => {
    assert.deepEqual(splitPropertyPath('content.m\\.relates_to.rel_type'), ['content', 'm.relates_to', 'rel_type']);
    assert.deepEqual(splitPropertyPath('content.m\\\\foo'), ['content', 'm\\foo']);
    assert.deepEqual(splitPropertyPath('content.a\\x'), ['content', 'a\\x']);
    const e = { content: { 'm.relates_to': { rel_type: 'm.thread' }, 'm\\foo': 1, a: [1] } };
    assert.equal(lookupPropertyPath(e, 'content.m\\.relates_to.rel_type'), 'm.thread');
    assert.equal(lookupPropertyPath(e, 'content.m\\\\foo'), 1);
    assert.equal(lookupPropertyPath(e, 'content.a.0'), undefined, 'arrays are not indexed');
    assert.equal(lookupPropertyPath(e, 'content.toString'), undefined, 'own properties only');
  });
});

describe('push rules: conditions', () => {
  const e = { type: 'm.room.create', sender: '@s:x', content: { 'm.federate': true, n: 3, nul: null, topic: null, arr: ['#a:x', 2, { o: 1 }, null] } };
  it('event_match needs a string value', () => {
    assert.ok(conditionMatches({ kind: 'event_match', key: 'type', pattern: 'm.room.*' }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_match', key: 'content.topic', pattern: '*' }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_match', key: 'content.missing', pattern: '*' }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_match', key: 'type' }, e, ctx), 'missing pattern never matches');
  });
  it('event_property_is: exact, no casting', () => {
    assert.ok(conditionMatches({ kind: 'event_property_is', key: 'content.m\\.federate', value: true }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_is', key: 'content.m\\.federate', value: 'true' }, e, ctx));
    assert.ok(conditionMatches({ kind: 'event_property_is', key: 'content.n', value: 3 }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_is', key: 'content.n', value: '3' }, e, ctx));
    assert.ok(conditionMatches({ kind: 'event_property_is', key: 'content.nul', value: null }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_is', key: 'content.missing', value: null }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_is', key: 'content.arr', value: null }, e, ctx));
  });
  it('event_property_contains: exact scalar members', () => {
    assert.ok(conditionMatches({ kind: 'event_property_contains', key: 'content.arr', value: '#a:x' }, e, ctx));
    assert.ok(conditionMatches({ kind: 'event_property_contains', key: 'content.arr', value: 2 }, e, ctx));
    assert.ok(conditionMatches({ kind: 'event_property_contains', key: 'content.arr', value: null }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_contains', key: 'content.arr', value: ':x' }, e, ctx));
    assert.ok(!conditionMatches({ kind: 'event_property_contains', key: 'content.n', value: 3 }, e, ctx));
  });
  it('room_member_count operators', () => {
    assert.ok(memberCountMatches('2', 2) && memberCountMatches('==2', 2) && !memberCountMatches('2', 3));
    assert.ok(memberCountMatches('<3', 2) && !memberCountMatches('<3', 3));
    assert.ok(memberCountMatches('>=3', 3) && memberCountMatches('<=3', 3) && memberCountMatches('>2', 3));
    assert.ok(!memberCountMatches('x3', 3) && !memberCountMatches('', 3) && !memberCountMatches('=3', 3));
    assert.ok(!conditionMatches({ kind: 'room_member_count', is: '3' }, e, {}), 'unknown count never matches');
  });
  it('contains_display_name, sender_notification_permission, unknown kinds', () => {
    const m = { type: 'm.room.message', content: { body: 'ping alice b, ok?' } };
    assert.ok(conditionMatches({ kind: 'contains_display_name' }, m, ctx));
    assert.ok(!conditionMatches({ kind: 'contains_display_name' }, m, { ...ctx, displayName: 'Ali' }));
    assert.ok(!conditionMatches({ kind: 'contains_display_name' }, m, { ...ctx, displayName: '' }));
    assert.ok(conditionMatches({ kind: 'sender_notification_permission', key: 'room' }, m, { senderPowerLevel: 50 }));
    assert.ok(!conditionMatches({ kind: 'sender_notification_permission', key: 'room' }, m, { senderPowerLevel: 0 }));
    assert.ok(!conditionMatches({ kind: 'sender_notification_permission', key: 'room' }, m, {}));
    assert.ok(!conditionMatches({ kind: 'org.example.future' }, m, ctx));
  });
});

describe('push rules: priority and user rules', () => {
  const ME = '@me:x';
  const base = defaultPushRuleset(ME);
  const msg = { type: 'm.room.message', room_id: '!r:x', sender: '@s:x', content: { msgtype: 'm.text', body: 'I like cake' } };

  it('kinds are checked override, content, room, sender, underride; disabled rules skipped', () => {
    const rs: PushRuleset = {
      ...base,
      content: [{ rule_id: 'cake', default: false, enabled: true, pattern: 'cake', actions: ['notify', { set_tweak: 'sound', value: 'cake' }] }],
      room: [{ rule_id: '!r:x', default: false, enabled: true, actions: [] }],
      sender: [{ rule_id: '@s:x', default: false, enabled: true, actions: ['dont_notify'] }],
    };
    assert.equal(findMatchingPushRule(rs, msg, ctx)?.rule.rule_id, 'cake');
    assert.equal(findMatchingPushRule(rs, { ...msg, content: { body: 'pie' } }, ctx)?.rule.rule_id, '!r:x');
    assert.equal(findMatchingPushRule(rs, { ...msg, room_id: '!o:x', content: { body: 'pie' } }, ctx)?.kind, 'sender');
    assert.deepEqual(evaluatePushRules(rs, { ...msg, room_id: '!o:x', content: { body: 'pie' } }, ctx), [], 'dont_notify stripped');
    rs.content[0].enabled = false;
    assert.equal(findMatchingPushRule(rs, msg, ctx)?.kind, 'room');
  });

  it('merge: master, user overrides, default overrides; user underrides before defaults', () => {
    const user = emptyUserPushRules();
    user.rules.override.push({ rule_id: 'mine', default: true, enabled: true, conditions: [], actions: ['notify'] });
    user.rules.underride.push({ rule_id: 'low', default: false, enabled: true, conditions: [], actions: [] });
    user.defaults.override['.m.rule.master'] = { enabled: true };
    user.defaults.underride['.m.rule.message'] = { actions: [] };
    const rs = mergePushRules(ME, user);
    assert.deepEqual(rs.override.slice(0, 3).map((r) => r.rule_id), ['.m.rule.master', 'mine', '.m.rule.suppress_notices']);
    assert.equal(rs.override[0].enabled, true);
    assert.equal(rs.override[1].default, false, 'user rules are never default');
    assert.equal(rs.underride[0].rule_id, 'low');
    assert.deepEqual(rs.underride.find((r) => r.rule_id === '.m.rule.message')?.actions, []);
    // Round trip through the stored form.
    assert.deepEqual(mergePushRules(ME, extractUserPushRules(ME, { global: rs })), rs);
    assert.deepEqual(extractUserPushRules(ME, { global: defaultPushRuleset(ME) }), emptyUserPushRules());
    assert.deepEqual(extractUserPushRules(ME, null), emptyUserPushRules());
  });
});
