// Opaque pagination tokens (WAVE2 contract). Clients must treat them as opaque
// (client-server-api "Syncing"); inside Weft every token is a stream position.
//   sync token (next_batch / since):   s<stream>_<typing>
//   timeline token (prev_batch, /messages from/to): t<stream_pos>
// A timeline token names a point between events: position p means "just after
// the event at stream_pos p", so paginating backwards from `t<p>` returns
// events with stream_pos <= p, and forwards returns stream_pos > p.
// For convenience both parsers accept the other form: a sync token used as a
// /messages `from` (spec allows next_batch there) maps to its stream part.
import { MatrixError } from '@weft/core';

export interface SyncToken {
  /** Global stream position (StreamIdGenerator) covered up to, inclusive. */
  stream: number;
  /** In-memory typing counter covered up to. */
  typing: number;
}

const SYNC_RE = /^s(\d{1,15})_(\d{1,15})$/;
const TIMELINE_RE = /^t(\d{1,15})$/;

function invalid(what: string, token: string): MatrixError {
  return new MatrixError(400, 'M_INVALID_PARAM', `Invalid ${what} token: ${JSON.stringify(token.slice(0, 64))}`);
}

export function formatSyncToken(t: SyncToken): string {
  return `s${t.stream}_${t.typing}`;
}

/** Parses a `since` token; throws 400 M_INVALID_PARAM when malformed. */
export function parseSyncToken(token: string): SyncToken {
  const m = SYNC_RE.exec(token);
  if (!m) throw invalid('sync', token);
  return { stream: Number(m[1]), typing: Number(m[2]) };
}

export function formatTimelineToken(streamPos: number): string {
  return `t${streamPos}`;
}

/**
 * Parses a timeline (pagination) token to a stream position. Also accepts a
 * sync token (its stream part), as /messages may be given a next_batch.
 * Throws 400 M_INVALID_PARAM when malformed.
 */
export function parseTimelineToken(token: string): number {
  const m = TIMELINE_RE.exec(token);
  if (m) return Number(m[1]);
  const s = SYNC_RE.exec(token);
  if (s) return Number(s[1]);
  throw invalid('pagination', token);
}
