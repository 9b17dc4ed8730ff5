// The redaction algorithm of each room version. Spec:
// content/rooms/fragments/v1-redactions.md (rooms v1–v5), v6-redactions.md
// (v6, v7), rooms/v8.md "Redactions" (v8), v9-redactions.md (v9, v10),
// v11-redactions.md (v11, v12).
import type { RedactionAlgorithm, RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { JsonObject, JsonValue, Pdu } from './types.js';

/** Top-level keys kept by the v1–v10 algorithms. */
const TOP_LEVEL_V1 = new Set([
  'event_id', 'type', 'room_id', 'sender', 'state_key', 'content', 'hashes', 'signatures', 'depth',
  'prev_events', 'prev_state', 'auth_events', 'origin', 'origin_server_ts', 'membership',
]);
/** v11 drops `origin`, `membership` and `prev_state` from the list. */
const TOP_LEVEL_V11 = new Set([
  'event_id', 'type', 'room_id', 'sender', 'state_key', 'content', 'hashes', 'signatures', 'depth',
  'prev_events', 'auth_events', 'origin_server_ts',
]);

type ContentRule = readonly string[] | 'all';
const PL_KEYS_V1 = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];

/** Content keys kept per event type, per algorithm. */
const CONTENT_KEYS: Record<RedactionAlgorithm, Readonly<Record<string, ContentRule>>> = {
  v1: {
    'm.room.member': ['membership'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule'],
    'm.room.power_levels': PL_KEYS_V1,
    'm.room.aliases': ['aliases'],
    'm.room.history_visibility': ['history_visibility'],
  },
  // v6: m.room.aliases no longer keeps `aliases`.
  v6: {
    'm.room.member': ['membership'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule'],
    'm.room.power_levels': PL_KEYS_V1,
    'm.room.history_visibility': ['history_visibility'],
  },
  // v8: join rules keep `allow`.
  v8: {
    'm.room.member': ['membership'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule', 'allow'],
    'm.room.power_levels': PL_KEYS_V1,
    'm.room.history_visibility': ['history_visibility'],
  },
  // v9: members keep `join_authorised_via_users_server`.
  v9: {
    'm.room.member': ['membership', 'join_authorised_via_users_server'],
    'm.room.create': ['creator'],
    'm.room.join_rules': ['join_rule', 'allow'],
    'm.room.power_levels': PL_KEYS_V1,
    'm.room.history_visibility': ['history_visibility'],
  },
  // v11: create keeps everything, power levels keep `invite`, redactions keep
  // `redacts`; members also keep third_party_invite.signed (handled below).
  v11: {
    'm.room.member': ['membership', 'join_authorised_via_users_server'],
    'm.room.create': 'all',
    'm.room.join_rules': ['join_rule', 'allow'],
    'm.room.power_levels': [...PL_KEYS_V1, 'invite'],
    'm.room.history_visibility': ['history_visibility'],
    'm.room.redaction': ['redacts'],
  },
};

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Return a new PDU: `pdu` redacted by the algorithm of `rules`. Values kept
 * are shared with the input (not deep-copied); do not mutate them.
 * `content` is always present in the result (empty when nothing is kept).
 */
export function redact(pdu: Pdu, rules: RoomVersionRules): Pdu {
  const alg = rules.redaction;
  const topLevel = alg === 'v11' ? TOP_LEVEL_V11 : TOP_LEVEL_V1;
  const out: Pdu = {};
  for (const key of Object.keys(pdu)) {
    if (topLevel.has(key) && pdu[key] !== undefined) out[key] = pdu[key];
  }
  out.content = redactContent(pdu.type, pdu.content, alg);
  return out;
}

function redactContent(type: unknown, content: unknown, alg: RedactionAlgorithm): JsonObject {
  if (!isObject(content) || typeof type !== 'string') return {};
  const rule = Object.hasOwn(CONTENT_KEYS[alg], type) ? CONTENT_KEYS[alg][type] : undefined;
  if (rule === undefined) return {};
  if (rule === 'all') return { ...content };
  const out: JsonObject = {};
  for (const k of rule) {
    if (Object.hasOwn(content, k) && content[k] !== undefined) out[k] = content[k] as JsonValue;
  }
  // v11: "allows the `signed` key of the `third_party_invite` key".
  if (alg === 'v11' && type === 'm.room.member') {
    const tpi = content.third_party_invite;
    if (isObject(tpi) && Object.hasOwn(tpi, 'signed')) out.third_party_invite = { signed: tpi.signed as JsonValue };
  }
  return out;
}
