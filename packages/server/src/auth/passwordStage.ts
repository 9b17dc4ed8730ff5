// The m.login.password UIA stage (client-server-api "Password-based"): the
// identifier must name the user the operation acts on, and the password match.
import { MatrixError } from '@weft/core';
import { isObject } from '../http/validate.js';
import { resolveUserIdentifier } from '../client-api/accounts/userIdentifier.js';
import type { StageHandler } from './uia.js';

export function passwordStage(deps: { serverName: string; checkPassword(userId: string, password: string): Promise<boolean> }): StageHandler {
  return async (auth, ctx) => {
    const password = auth.password;
    if (typeof password !== 'string') throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing password');
    let userId: string | undefined;
    if (isObject(auth.identifier)) userId = resolveUserIdentifier(auth.identifier, deps.serverName);
    else if (typeof auth.user === 'string') userId = resolveUserIdentifier({ type: 'm.id.user', user: auth.user }, deps.serverName);
    else userId = ctx.userId;
    if (userId === undefined || (ctx.userId !== undefined && userId !== ctx.userId)) {
      throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    }
    if (!(await deps.checkPassword(userId, password))) throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
  };
}
