// Push rule conditions (push.md "Conditions"). All conditions of a rule must
// hold; an unrecognised or malformed condition never matches.
import { containsWord, globMatches } from './glob.js';
import { lookupPropertyPath } from './propertyPath.js';
import type { PushCondition } from './types.js';

/** What a condition may look at besides the event (all optional: absent → the condition fails). */
export interface PushEvaluationContext {
  /** The user's display name in the room (contains_display_name). */
  displayName?: string | null;
  /** The room's current joined member count (room_member_count). */
  memberCount?: number;
  /** The sender's power level in the room (sender_notification_permission). */
  senderPowerLevel?: number;
  /** m.room.power_levels content.notifications; a missing key means 50 (the spec's default for `room`). */
  notificationPowerLevels?: Readonly<Record<string, unknown>>;
}

/** An event as pushed: the client or federation format, any object with type/content/sender… */
export type PushEvent = Readonly<Record<string, unknown>>;

const DEFAULT_NOTIFICATION_LEVEL = 50;

/** Non-compound canonical JSON values (push.md event_property_is / _contains). */
function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v));
}

/** `is`: a decimal integer optionally prefixed by ==, <, >, >= or <=. */
export function memberCountMatches(is: string, count: number): boolean {
  const m = /^(==|<=|>=|<|>)?([0-9]+)$/.exec(is);
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<': return count < n;
    case '>': return count > n;
    case '<=': return count <= n;
    case '>=': return count >= n;
    default: return count === n;
  }
}

export function conditionMatches(cond: PushCondition, event: PushEvent, ctx: PushEvaluationContext): boolean {
  switch (cond.kind) {
    case 'event_match': {
      if (typeof cond.key !== 'string' || typeof cond.pattern !== 'string') return false;
      const v = lookupPropertyPath(event, cond.key);
      // "does not have a string value … will not match, even if pattern is *".
      if (typeof v !== 'string') return false;
      return globMatches(cond.pattern, v, cond.key === 'content.body');
    }
    case 'event_property_is': {
      if (typeof cond.key !== 'string' || !isScalar(cond.value)) return false;
      const v = lookupPropertyPath(event, cond.key);
      return isScalar(v) && v === cond.value;
    }
    case 'event_property_contains': {
      if (typeof cond.key !== 'string' || !isScalar(cond.value)) return false;
      const v = lookupPropertyPath(event, cond.key);
      return Array.isArray(v) && v.some((x) => isScalar(x) && x === cond.value);
    }
    case 'contains_display_name': {
      // Deprecated since v1.17 but still defined: the display name as a word-bounded substring of content.body.
      const name = ctx.displayName;
      const body = lookupPropertyPath(event, 'content.body');
      if (typeof name !== 'string' || name === '' || typeof body !== 'string') return false;
      return containsWord(name, body);
    }
    case 'room_member_count':
      return typeof cond.is === 'string' && ctx.memberCount !== undefined && memberCountMatches(cond.is, ctx.memberCount);
    case 'sender_notification_permission': {
      if (typeof cond.key !== 'string' || ctx.senderPowerLevel === undefined) return false;
      const raw = ctx.notificationPowerLevels?.[cond.key];
      const required = typeof raw === 'number' && Number.isFinite(raw) ? raw : DEFAULT_NOTIFICATION_LEVEL;
      return ctx.senderPowerLevel >= required;
    }
    default:
      return false;
  }
}
