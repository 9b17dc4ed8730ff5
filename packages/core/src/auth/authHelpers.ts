// Small readers shared by the per-type rules: domains, memberships, creators.

import type { JsonObject, JsonValue, RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { AuthStateLookup } from './AuthVerdict.js';

export const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server name of a user, room, event or alias ID: everything after the first colon
 *  (content/appendices.md "Common Identifier Format"; the server name may carry a port). */
export function domainOf(id: string): string | undefined {
  const i = id.indexOf(':');
  return i < 0 ? undefined : id.slice(i + 1);
}

/**
 * Whether `id` is a user ID as the rules accept for a sender: `@`, a non-empty localpart
 * without `:`, a server name, at most 255 bytes (content/appendices.md "User Identifiers").
 * Historical localparts (any printable ASCII but `:`) are accepted, as they are for senders.
 */
export function isValidUserId(id: unknown): id is string {
  if (typeof id !== 'string' || !id.startsWith('@')) return false;
  if (Buffer.byteLength(id, 'utf8') > 255) return false;
  const i = id.indexOf(':');
  if (i <= 1) return false;
  const server = id.slice(i + 1);
  return /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(server);
}

/** The user's current membership ("join", "invite", …), or undefined when they have none. */
export function membershipOf(state: AuthStateLookup, userId: string): string | undefined {
  const m = state('m.room.member', userId)?.content.membership;
  return typeof m === 'string' ? m : undefined;
}

/** The current join rule, or undefined without an m.room.join_rules event. */
export function joinRuleOf(state: AuthStateLookup): string | undefined {
  const r = state('m.room.join_rules', '')?.content.join_rule;
  return typeof r === 'string' ? r : undefined;
}

/**
 * "The creator" of rule "the only previous event is an m.room.create and the state_key is
 * the creator": content.creator before v11, the create event's sender from v11 (v12 too:
 * additional creators do not take this path).
 */
export function firstJoinCreator(create: RoomEvent, rules: RoomVersionRules): string | undefined {
  if (rules.createEventHasNoCreator) return create.sender;
  const c = create.content.creator;
  return typeof c === 'string' ? c : undefined;
}

/**
 * The room creators: before v12 the one creator (who gets 100 without a power levels
 * event); v12: the create sender plus content.additional_creators (infinite power).
 */
export function creatorsOf(create: RoomEvent, rules: RoomVersionRules): Set<string> {
  const out = new Set<string>();
  const first = firstJoinCreator(create, rules);
  if (first !== undefined) out.add(first);
  if (rules.privilegedCreators) {
    const extra = create.content.additional_creators;
    if (Array.isArray(extra)) for (const u of extra) if (typeof u === 'string') out.add(u);
  }
  return out;
}

/** Whether the event carries a signature of `server` (signatures are verified by the caller). */
export function isSignedBy(event: RoomEvent, server: string): boolean {
  const entry = event.pdu.signatures?.[server];
  return typeof entry === 'object' && entry !== null && Object.keys(entry).length > 0;
}
