// OpenID tokens (openid.yaml, server-server openid.yaml): issued to a user for a
// third-party service (widgets, Element Call, integration managers), which
// exchanges one at GET /_matrix/federation/v1/openid/userinfo for the user ID.
// Only a SHA-256 of each token is stored; tokens live an hour (as Synapse's).
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MatrixError } from '@weft/core';
import type { SqlDb } from '../storage/Database.js';

export const OPENID_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

interface OpenIdTokensTable {
  token_hash: string;
  user_id: string;
  expires_ts: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class OpenIdTokens {
  private readonly db: Kysely<{ openid_tokens: OpenIdTokensTable }>;
  constructor(db: SqlDb, private readonly serverName: string, private readonly now: () => number = Date.now) {
    this.db = db as Kysely<{ openid_tokens: OpenIdTokensTable }>;
  }

  async issue(userId: string): Promise<{ access_token: string; token_type: 'Bearer'; matrix_server_name: string; expires_in: number }> {
    const token = randomBytes(24).toString('base64url');
    const now = this.now();
    await this.db.deleteFrom('openid_tokens').where('expires_ts', '<=', now).execute();
    await this.db.insertInto('openid_tokens').values({ token_hash: hash(token), user_id: userId, expires_ts: now + OPENID_TOKEN_LIFETIME_MS }).execute();
    return { access_token: token, token_type: 'Bearer', matrix_server_name: this.serverName, expires_in: OPENID_TOKEN_LIFETIME_MS / 1000 };
  }

  /** The user the token was issued to; 401 M_UNKNOWN_TOKEN when unknown or expired. */
  async userOf(token: string): Promise<string> {
    const row = token === '' || token.includes('\u0000') ? undefined
      : await this.db.selectFrom('openid_tokens').select(['user_id', 'expires_ts']).where('token_hash', '=', hash(token)).executeTakeFirst();
    if (!row || Number(row.expires_ts) <= this.now()) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Token is not recognised or has expired');
    return row.user_id;
  }
}
