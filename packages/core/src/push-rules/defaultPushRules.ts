// The server-default rules (push.md "Predefined Rules", spec v1.17: the legacy
// body-matching rules .m.rule.contains_display_name, .m.rule.contains_user_name
// and .m.rule.roomnotif were removed, so there are no default content rules).
// Order: .m.rule.master first (it outranks even user rules), then the other
// default overrides in the spec's order; the default underrides likewise.
import type { PushAction, PushCondition, PushRule, PushRuleset } from './types.js';

const match = (key: string, pattern: string): PushCondition => ({ kind: 'event_match', key, pattern });
const sound = (value: string): PushAction => ({ set_tweak: 'sound', value });
const HIGHLIGHT: PushAction = { set_tweak: 'highlight' };

function rule(rule_id: string, conditions: PushCondition[], actions: PushAction[], enabled = true): PushRule {
  return { rule_id, default: true, enabled, conditions, actions };
}

/** `.m.rule.master`: "always a higher priority than other rules, even user defined ones". */
export function defaultMasterRule(): PushRule {
  return rule('.m.rule.master', [], [], false);
}

/** Default override rules after the user's own overrides (everything but .m.rule.master). */
export function defaultOverrideRules(userId: string): PushRule[] {
  return [
    rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
    rule('.m.rule.invite_for_me',
      [match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId)],
      ['notify', sound('default')]),
    rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
    rule('.m.rule.is_user_mention',
      [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }],
      ['notify', sound('default'), HIGHLIGHT]),
    rule('.m.rule.is_room_mention',
      [{ kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true }, { kind: 'sender_notification_permission', key: 'room' }],
      ['notify', HIGHLIGHT]),
    rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', HIGHLIGHT]),
    rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
    rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
    rule('.m.rule.suppress_edits', [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], []),
  ];
}

/** Default underride rules, after the user's own underrides. */
export function defaultUnderrideRules(): PushRule[] {
  return [
    rule('.m.rule.call', [match('type', 'm.call.invite')], ['notify', sound('ring')]),
    rule('.m.rule.encrypted_room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.encrypted')],
      ['notify', sound('default')]),
    rule('.m.rule.room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.message')],
      ['notify', sound('default')]),
    rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
    rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
  ];
}

/** The full default ruleset of a user (no user-defined rules). */
export function defaultPushRuleset(userId: string): PushRuleset {
  return {
    override: [defaultMasterRule(), ...defaultOverrideRules(userId)],
    content: [],
    room: [],
    sender: [],
    underride: defaultUnderrideRules(),
  };
}
