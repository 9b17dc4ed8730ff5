// The relation an event declares (client-server-api "Forming relationships
// between events"): content["m.relates_to"] with a string `rel_type` and
// `event_id`. Replies (`m.in_reply_to` without rel_type) are not relations the
// /relations API serves, so they are not indexed.

export interface EventRelation {
  /** The parent event's ID. */
  relatesTo: string;
  relType: string;
}

/** The event's relation, or undefined. Called once per persisted event (cheap: no parsing). */
export function relationOf(content: Record<string, unknown>): EventRelation | undefined {
  const r = content['m.relates_to'];
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
  const { rel_type: relType, event_id: relatesTo } = r as { rel_type?: unknown; event_id?: unknown };
  if (typeof relType !== 'string' || typeof relatesTo !== 'string') return undefined;
  // PostgreSQL refuses NUL in text; such an ID names no event anyway.
  if (relType.includes('\u0000') || relatesTo.includes('\u0000')) return undefined;
  return { relatesTo, relType };
}
