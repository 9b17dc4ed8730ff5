// Each server-default rule (client-server-api push.md "Predefined Rules") fires
// on the events it is meant for, and the ruleset has the spec's order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionsHighlight, actionsNotify, actionsSound, defaultPushRuleset, findMatchingPushRule, type PushEvaluationContext,
} from '../../src/index.js';

const ME = '@me:example.org';
const OTHER = '@other:example.org';
const ROOM = '!room:example.org';
const rules = defaultPushRuleset(ME);
const group: PushEvaluationContext = { memberCount: 5, senderPowerLevel: 0, notificationPowerLevels: {}, displayName: 'Me' };
const dm: PushEvaluationContext = { ...group, memberCount: 2 };

const ev = (type: string, content: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ type, content, sender: OTHER, room_id: ROOM, event_id: '$e', origin_server_ts: 1, ...extra });
const msg = (content: Record<string, unknown>) => ev('m.room.message', { msgtype: 'm.text', body: 'hi', ...content });
const winner = (e: Record<string, unknown>, ctx = group) => findMatchingPushRule(rules, e, ctx)?.rule.rule_id ?? null;

describe('push rules: default ruleset', () => {
  it('has the spec order and shape', () => {
    assert.deepEqual(rules.override.map((r) => r.rule_id), [
      '.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event',
      '.m.rule.is_user_mention', '.m.rule.is_room_mention', '.m.rule.tombstone', '.m.rule.reaction',
      '.m.rule.room.server_acl', '.m.rule.suppress_edits',
    ]);
    assert.deepEqual(rules.underride.map((r) => r.rule_id), [
      '.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted',
    ]);
    assert.deepEqual([rules.content, rules.room, rules.sender], [[], [], []]);
    for (const r of [...rules.override, ...rules.underride]) {
      assert.equal(r.default, true);
      assert.ok(r.rule_id.startsWith('.'));
      assert.equal(r.enabled, r.rule_id !== '.m.rule.master');
    }
  });

  it('.m.rule.master is disabled by default, and silences everything when enabled', () => {
    assert.notEqual(winner(msg({})), '.m.rule.master');
    const on = { ...rules, override: rules.override.map((r) => (r.rule_id === '.m.rule.master' ? { ...r, enabled: true } : r)) };
    const m = findMatchingPushRule(on, msg({ 'm.mentions': { user_ids: [ME] } }), group);
    assert.equal(m?.rule.rule_id, '.m.rule.master');
    assert.deepEqual(m?.actions, []);
  });

  it('.m.rule.suppress_notices', () => {
    assert.equal(winner(msg({ msgtype: 'm.notice' })), '.m.rule.suppress_notices');
  });

  it('.m.rule.invite_for_me only for invites of this user', () => {
    const invite = ev('m.room.member', { membership: 'invite' }, { state_key: ME });
    const m = findMatchingPushRule(rules, invite, group);
    assert.equal(m?.rule.rule_id, '.m.rule.invite_for_me');
    assert.ok(actionsNotify(m!.actions));
    assert.equal(actionsSound(m!.actions), 'default');
    assert.equal(winner(ev('m.room.member', { membership: 'invite' }, { state_key: '@third:example.org' })), '.m.rule.member_event');
  });

  it('.m.rule.member_event', () => {
    assert.equal(winner(ev('m.room.member', { membership: 'join' }, { state_key: OTHER })), '.m.rule.member_event');
  });

  it('.m.rule.is_user_mention highlights', () => {
    const m = findMatchingPushRule(rules, msg({ 'm.mentions': { user_ids: ['@x:y', ME] } }), group);
    assert.equal(m?.rule.rule_id, '.m.rule.is_user_mention');
    assert.ok(actionsNotify(m!.actions) && actionsHighlight(m!.actions));
    // A dotted key must not match a nested object named "m" → "mentions".
    assert.equal(winner(msg({ m: { mentions: { user_ids: [ME] } } })), '.m.rule.message');
  });

  it('.m.rule.is_room_mention needs the sender notification power level', () => {
    const e = msg({ 'm.mentions': { room: true } });
    assert.equal(winner(e, { ...group, senderPowerLevel: 50 }), '.m.rule.is_room_mention');
    assert.equal(winner(e, { ...group, senderPowerLevel: 49 }), '.m.rule.message');
    assert.equal(winner(e, { ...group, senderPowerLevel: 10, notificationPowerLevels: { room: 10 } }), '.m.rule.is_room_mention');
    assert.equal(winner(msg({ 'm.mentions': { room: 'true' } }), { ...group, senderPowerLevel: 100 }), '.m.rule.message');
  });

  it('.m.rule.tombstone only for the state event', () => {
    const m = findMatchingPushRule(rules, ev('m.room.tombstone', { body: 'moved' }, { state_key: '' }), group);
    assert.equal(m?.rule.rule_id, '.m.rule.tombstone');
    assert.ok(actionsHighlight(m!.actions));
    assert.equal(winner(ev('m.room.tombstone', {})), null);
  });

  it('.m.rule.reaction, .m.rule.room.server_acl and .m.rule.suppress_edits silence', () => {
    assert.equal(winner(ev('m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', key: '👍' } })), '.m.rule.reaction');
    assert.equal(winner(ev('m.room.server_acl', { allow: ['*'] }, { state_key: '' })), '.m.rule.room.server_acl');
    const edit = msg({ 'm.new_content': { body: 'x' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$o' } });
    const m = findMatchingPushRule(rules, edit, group);
    assert.equal(m?.rule.rule_id, '.m.rule.suppress_edits');
    assert.deepEqual(m?.actions, []);
  });

  it('.m.rule.call rings', () => {
    const m = findMatchingPushRule(rules, ev('m.call.invite', { call_id: 'c' }), group);
    assert.equal(m?.rule.rule_id, '.m.rule.call');
    assert.equal(actionsSound(m!.actions), 'ring');
  });

  it('one-to-one rules need exactly two members', () => {
    assert.equal(winner(ev('m.room.encrypted', { algorithm: 'x' }), dm), '.m.rule.encrypted_room_one_to_one');
    assert.equal(winner(msg({}), dm), '.m.rule.room_one_to_one');
    assert.equal(winner(ev('m.room.encrypted', { algorithm: 'x' }), group), '.m.rule.encrypted');
    const m = findMatchingPushRule(rules, msg({}), group);
    assert.equal(m?.rule.rule_id, '.m.rule.message');
    assert.deepEqual(m?.actions, ['notify']);
    assert.equal(actionsHighlight(m!.actions), false);
  });

  it('no rule for other events; no legacy body mention rules (removed in v1.17)', () => {
    assert.equal(winner(ev('m.room.topic', { topic: 't' }, { state_key: '' })), null);
    assert.equal(winner(msg({ body: 'hey Me and @me:example.org' })), '.m.rule.message');
  });
});
