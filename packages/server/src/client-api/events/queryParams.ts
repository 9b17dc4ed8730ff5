// Query-parameter parsing shared by the event read endpoints. Bad values are
// 400 M_INVALID_PARAM (client-server-api "Common error codes").
import { MatrixError } from '@weft/core';
import { validateRoomEventFilter, type RoomEventFilter } from '../../sync/Filter.js';
import { parseTimelineToken } from '../../streams/tokens.js';

const invalid = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);

/** A non-negative integer, or undefined when absent. */
export function intParam(query: Record<string, string | undefined>, key: string): number | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw invalid(`${key} must be a non-negative integer`);
  return Number(v);
}

/** A timeline/sync token as a stream position, or undefined when absent. */
export function tokenParam(query: Record<string, string | undefined>, key: string): number | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  return parseTimelineToken(v);
}

/** `filter`: a JSON RoomEventFilter (message_pagination.yaml, event_context.yaml). */
export function filterParam(query: Record<string, string | undefined>): RoomEventFilter | undefined {
  const v = query['filter'];
  if (v === undefined || v === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw invalid('filter must be a JSON RoomEventFilter');
  }
  try {
    return validateRoomEventFilter(parsed);
  } catch (err) {
    if (err instanceof MatrixError) throw invalid(err.message);
    throw err;
  }
}

const MEMBERSHIPS = new Set(['join', 'invite', 'knock', 'leave', 'ban']);

export function membershipParam(query: Record<string, string | undefined>, key: string): string | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  if (!MEMBERSHIPS.has(v)) throw invalid(`${key} must be one of join, invite, knock, leave, ban`);
  return v;
}
