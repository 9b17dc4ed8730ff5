// The check every Synapse-style admin endpoint starts with.
import { MatrixError } from '@weft/core';
import type { Requester } from '../http/Router.js';
import type { AccountService } from '../users/AccountService.js';

/** 403 M_FORBIDDEN unless the requester is a server admin. */
export async function requireAdmin(accounts: Pick<AccountService, 'getUser'>, user: Requester): Promise<void> {
  if (!(await accounts.getUser(user.userId))?.admin) throw new MatrixError(403, 'M_FORBIDDEN', 'You are not a server admin');
}
