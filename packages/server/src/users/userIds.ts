// User ID helpers for registration (client-server-api "User identifiers",
// appendices "User Identifiers").
// NOTE: private helpers until @weft/core's parseUserId/isValidLocalpart land.
import { MatrixError } from '@weft/core';

/** Localparts new users may register: the spec's current grammar [a-z0-9._=\-/+]. */
export function isValidNewLocalpart(localpart: string): boolean {
  return localpart.length > 0 && /^[a-z0-9._=\-/+]+$/.test(localpart);
}

/** Historical user IDs may contain any printable ASCII except ':' in the localpart. */
export function splitUserId(userId: string): { localpart: string; serverName: string } | undefined {
  if (!userId.startsWith('@') || userId.length > 255) return undefined;
  const colon = userId.indexOf(':');
  if (colon < 2 || colon === userId.length - 1) return undefined;
  return { localpart: userId.slice(1, colon), serverName: userId.slice(colon + 1) };
}

/** Validates a requested localpart and returns the full user ID, or throws M_INVALID_USERNAME. */
export function userIdForNewLocalpart(localpart: string, serverName: string): string {
  if (!isValidNewLocalpart(localpart)) {
    throw new MatrixError(400, 'M_INVALID_USERNAME', 'User ID can only contain characters a-z, 0-9, or ._=-/+');
  }
  const userId = `@${localpart}:${serverName}`;
  if (userId.length > 255) throw new MatrixError(400, 'M_INVALID_USERNAME', 'User ID is too long');
  return userId;
}
