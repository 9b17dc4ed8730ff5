// Logins: devices and their access/refresh tokens (client-server-api "Client
// Authentication", "Relationship between access tokens and devices", "Refreshing
// access tokens"). Resolves tokens for the HTTP layer, with a small cache.
import { MatrixError } from '@weft/core';
import type { Requester } from '../http/Router.js';
import type { DeviceRecord, DeviceStore, TokenStore, UserStore } from '../storage/ports/accounts.js';
import { hashToken, newAccessToken, newDeviceId, newRefreshToken } from './tokens.js';

export interface NewSession {
  accessToken: string;
  deviceId: string;
  refreshToken?: string;
  expiresInMs?: number;
}

export interface SessionHooks {
  /** Called after devices were deleted (E2EE removes their keys, sync tells other users). */
  onDevicesDeleted: ((userId: string, deviceIds: string[]) => Promise<void> | void)[];
  /** Called after a new device was created. */
  onDeviceCreated: ((userId: string, deviceId: string) => Promise<void> | void)[];
  /** Called after a device's display name changed (other users see it in /keys/query). */
  onDeviceRenamed: ((userId: string, deviceId: string) => Promise<void> | void)[];
}

const CACHE_MAX = 10_000;
const LAST_SEEN_INTERVAL_MS = 60_000;

export class SessionService {
  /**
   * Access token (as presented) → requester + expiry. Keyed by the token itself so a
   * hit costs no SHA-256 (the send-path profile showed it); the hash is computed only
   * on a miss, to look the token up. Cleared on any token deletion (cheap and always
   * correct for one process).
   */
  private readonly cache = new Map<string, { requester: Requester; expiresTs: number | null; refreshTokenId: number | null }>();
  private readonly lastSeen = new Map<string, { ip: string; ts: number }>();

  constructor(
    private readonly deps: {
      users: Pick<UserStore, 'getUser'>;
      devices: DeviceStore;
      tokens: TokenStore;
      refreshableTokenLifetimeMs: number;
      hooks: SessionHooks;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  /**
   * Logs `userId` in on `deviceId` (created if new; a new random ID if omitted).
   * Re-using an existing device ID keeps the device (and its E2EE keys) and
   * revokes the device's previous tokens, as Synapse does.
   */
  async createSession(userId: string, opts: { deviceId?: string; displayName?: string | null; refreshable?: boolean }): Promise<NewSession> {
    const nowTs = this.now();
    const deviceId = opts.deviceId ?? newDeviceId();
    const created = await this.deps.devices.ensureDevice(userId, deviceId, opts.displayName ?? null, nowTs);
    if (!created) {
      await this.deps.tokens.deleteDeviceTokens(userId, deviceId);
      this.cache.clear();
    }
    const session = await this.issueTokens(userId, deviceId, opts.refreshable ?? false, nowTs);
    if (created) for (const hook of this.deps.hooks.onDeviceCreated) await hook(userId, deviceId);
    return session;
  }

  private async issueTokens(userId: string, deviceId: string, refreshable: boolean, nowTs: number): Promise<NewSession> {
    const accessToken = newAccessToken();
    if (!refreshable) {
      await this.deps.tokens.insertAccessToken({ tokenHash: hashToken(accessToken), userId, deviceId, createdTs: nowTs, expiresTs: null, refreshTokenId: null });
      return { accessToken, deviceId };
    }
    const refreshToken = newRefreshToken();
    const refreshTokenId = await this.deps.tokens.insertRefreshToken({ tokenHash: hashToken(refreshToken), userId, deviceId, createdTs: nowTs });
    const expiresInMs = this.deps.refreshableTokenLifetimeMs;
    await this.deps.tokens.insertAccessToken({ tokenHash: hashToken(accessToken), userId, deviceId, createdTs: nowTs, expiresTs: nowTs + expiresInMs, refreshTokenId });
    return { accessToken, deviceId, refreshToken, expiresInMs };
  }

  /** For the HTTP layer: token → requester, or 401 M_UNKNOWN_TOKEN. `ip` updates the device's last seen. */
  async authenticate(token: string, ip?: string): Promise<Requester> {
    let entry = this.cache.get(token);
    if (!entry) {
      const row = await this.deps.tokens.getAccessToken(hashToken(token));
      if (!row) throw unknownToken(false);
      const user = await this.deps.users.getUser(row.userId);
      if (!user || user.deactivated) throw unknownToken(false);
      entry = {
        requester: { userId: row.userId, deviceId: row.deviceId, accessTokenId: row.id, isGuest: user.isGuest },
        expiresTs: row.expiresTs,
        refreshTokenId: row.refreshTokenId,
      };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(token, entry);
    }
    // An expired refreshable token: the client should refresh (soft logout).
    if (entry.expiresTs !== null && entry.expiresTs <= this.now()) throw unknownToken(true, 'Access token has expired');
    if (ip !== undefined) this.noteLastSeen(entry.requester, ip);
    return entry.requester;
  }

  /**
   * Device last-seen time and IP (GET /devices): written at most once a minute
   * per device (or when the IP changes), off the request path.
   */
  private noteLastSeen(r: Requester, ip: string): void {
    const key = `${r.userId}\0${r.deviceId}`;
    const nowTs = this.now();
    const prev = this.lastSeen.get(key);
    if (prev && prev.ip === ip && nowTs - prev.ts < LAST_SEEN_INTERVAL_MS) return;
    if (this.lastSeen.size >= CACHE_MAX) this.lastSeen.clear();
    this.lastSeen.set(key, { ip, ts: nowTs });
    this.deps.devices.updateLastSeen(r.userId, r.deviceId, nowTs, ip).catch(() => {
      /* best effort: the next request retries after the interval */
    });
  }

  /** POST /logout: invalidates the token and deletes its device (spec: "the device ... is also deleted"). */
  async logout(requester: Requester): Promise<void> {
    await this.deleteDevices(requester.userId, [requester.deviceId]);
  }

  /** POST /logout/all: every device and token of the user. */
  async logoutAll(userId: string): Promise<void> {
    const devices = await this.deps.devices.listDevices(userId);
    await this.deleteDevices(userId, devices.map((d) => d.deviceId));
    await this.deps.tokens.deleteUserTokens(userId);
    this.cache.clear();
  }

  listDevices(userId: string): Promise<DeviceRecord[]> {
    return this.deps.devices.listDevices(userId);
  }

  getDevice(userId: string, deviceId: string): Promise<DeviceRecord | undefined> {
    return this.deps.devices.getDevice(userId, deviceId);
  }

  /** Returns false if the device does not exist. */
  async setDeviceDisplayName(userId: string, deviceId: string, displayName: string | null): Promise<boolean> {
    const before = await this.deps.devices.getDevice(userId, deviceId);
    if (!before) return false;
    if (!(await this.deps.devices.setDisplayName(userId, deviceId, displayName))) return false;
    if (before.displayName !== displayName) for (const hook of this.deps.hooks.onDeviceRenamed) await hook(userId, deviceId);
    return true;
  }

  /** Deletes devices with their tokens, then runs the hooks. */
  async deleteDevices(userId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.deps.devices.deleteDevices(userId, deviceIds);
    this.cache.clear();
    for (const hook of this.deps.hooks.onDevicesDeleted) await hook(userId, deviceIds);
  }

  /** Revokes every token of the user except those of one device (password change with logout_devices). */
  async revokeTokensExcept(userId: string, keepDeviceId: string | undefined): Promise<void> {
    await this.deps.tokens.deleteUserTokens(userId, keepDeviceId);
    this.cache.clear();
  }

  /**
   * POST /refresh: a new access token (and refresh token); the old refresh token
   * is invalidated at once (spec: "if a new refresh token is given, the old
   * refresh token will be invalidated"). The old access token stays valid until
   * it expires, so requests already in flight do not fail.
   */
  async refresh(refreshToken: string): Promise<NewSession> {
    const row = await this.deps.tokens.getRefreshToken(hashToken(refreshToken));
    if (!row) throw unknownToken(false, 'Unknown refresh token');
    const user = await this.deps.users.getUser(row.userId);
    if (!user || user.deactivated) throw unknownToken(false, 'Unknown refresh token');
    await this.deps.tokens.deleteRefreshToken(row.id);
    return this.issueTokens(row.userId, row.deviceId, true, this.now());
  }
}

function unknownToken(softLogout: boolean, msg = 'Unknown access token'): MatrixError {
  return new MatrixError(401, 'M_UNKNOWN_TOKEN', msg, { soft_logout: softLogout });
}
