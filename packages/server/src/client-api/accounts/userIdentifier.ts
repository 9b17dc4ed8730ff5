// "Identifier types" (client-server-api "Authentication types"): m.id.user with
// a localpart or a full user ID. Third-party identifiers are never bound here.
import { MatrixError } from '@weft/core';
import type { JsonObject } from '../../http/validate.js';
import { splitUserId } from '../../users/userIds.js';

/** Returns the local user ID named by the identifier (not checked for existence). */
export function resolveUserIdentifier(identifier: JsonObject, serverName: string): string {
  const type = identifier.type;
  if (type === 'm.id.user') {
    const user = identifier.user;
    if (typeof user !== 'string' || user === '') throw new MatrixError(400, 'M_MISSING_PARAM', 'identifier.user must be a string');
    if (user.startsWith('@')) {
      const parts = splitUserId(user);
      // A foreign or malformed ID cannot log in here; same answer as a wrong password.
      if (!parts || parts.serverName !== serverName) throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
      return `@${parts.localpart.toLowerCase()}:${serverName}`;
    }
    return `@${user.toLowerCase()}:${serverName}`;
  }
  if (type === 'm.id.thirdparty' || type === 'm.id.phone') {
    throw new MatrixError(403, 'M_FORBIDDEN', 'Third-party identifiers are not supported on this server');
  }
  throw new MatrixError(400, 'M_UNKNOWN', `Unknown identifier type ${String(type)}`);
}
