// The server-default push rules (client-server-api/modules/push.md "Predefined
// Rules": default override and underride rules), for GET /pushrules/ and the
// m.push_rules account data in /sync. Clients (matrix-js-sdk, Element) fetch
// them before their first /sync and do not sync without them.
// NOTSPEC (partial module): rules are read-only here — there is no push rule
// evaluation, no PUT/DELETE /pushrules/… and no pushers yet; a push module
// replaces this when it exists. Content rules are empty (the legacy
// .m.rule.contains_user_name was superseded by .m.rule.is_user_mention).

type Rule = Record<string, unknown>;

const notifySound = (sound: string) => ['notify', { set_tweak: 'sound', value: sound }];
const match = (key: string, pattern: string) => ({ kind: 'event_match', key, pattern });

export function defaultPushRules(userId: string): { global: Record<string, Rule[]> } {
  const rule = (rule_id: string, conditions: unknown[], actions: unknown[], enabled = true): Rule =>
    ({ rule_id, default: true, enabled, conditions, actions });
  const override: Rule[] = [
    rule('.m.rule.master', [], [], false),
    rule('.m.rule.suppress_notices', [match('content.msgtype', 'm.notice')], []),
    rule('.m.rule.invite_for_me', [match('type', 'm.room.member'), match('content.membership', 'invite'), match('state_key', userId)], notifySound('default')),
    rule('.m.rule.member_event', [match('type', 'm.room.member')], []),
    rule('.m.rule.is_user_mention', [{ kind: 'event_property_contains', key: 'content.m\\.mentions.user_ids', value: userId }],
      [...notifySound('default'), { set_tweak: 'highlight' }]),
    rule('.m.rule.is_room_mention', [{ kind: 'event_property_is', key: 'content.m\\.mentions.room', value: true },
      { kind: 'sender_notification_permission', key: 'room' }], ['notify', { set_tweak: 'highlight' }]),
    rule('.m.rule.tombstone', [match('type', 'm.room.tombstone'), match('state_key', '')], ['notify', { set_tweak: 'highlight' }]),
    rule('.m.rule.reaction', [match('type', 'm.reaction')], []),
    rule('.m.rule.room.server_acl', [match('type', 'm.room.server_acl'), match('state_key', '')], []),
    rule('.m.rule.suppress_edits', [{ kind: 'event_property_is', key: 'content.m\\.relates_to.rel_type', value: 'm.replace' }], []),
  ];
  const underride: Rule[] = [
    rule('.m.rule.call', [match('type', 'm.call.invite')], notifySound('ring')),
    rule('.m.rule.encrypted_room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.encrypted')], notifySound('default')),
    rule('.m.rule.room_one_to_one', [{ kind: 'room_member_count', is: '2' }, match('type', 'm.room.message')], notifySound('default')),
    rule('.m.rule.message', [match('type', 'm.room.message')], ['notify']),
    rule('.m.rule.encrypted', [match('type', 'm.room.encrypted')], ['notify']),
  ];
  return { global: { override, content: [], room: [], sender: [], underride } };
}
