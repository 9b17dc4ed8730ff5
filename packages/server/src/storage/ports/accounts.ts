// Storage ports of the accounts area (DESIGN: narrow per-area interfaces).
// Implemented once over Kysely in ../kysely/.

export interface UserRecord {
  /** Integer ID inside storage, for tables that reference users. */
  nid: number;
  userId: string;
  passwordHash: string | null;
  admin: boolean;
  isGuest: boolean;
  userType: string | null;
  deactivated: boolean;
  createdTs: number;
  displayname: string | null;
  avatarUrl: string | null;
}

export interface NewUser {
  userId: string;
  passwordHash: string | null;
  admin?: boolean;
  isGuest?: boolean;
  userType?: string | null;
  createdTs: number;
  displayname?: string | null;
}

export interface UserStore {
  /** Returns false (and changes nothing) if the user ID is taken. */
  createUser(user: NewUser): Promise<boolean>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  /** Case-insensitive existence check (Synapse refuses IDs differing only by case). */
  userIdTakenIgnoringCase(userId: string): Promise<boolean>;
  setPasswordHash(userId: string, hash: string | null): Promise<void>;
  setDeactivated(userId: string, deactivated: boolean): Promise<void>;
  setAdmin(userId: string, admin: boolean): Promise<void>;
  setProfileField(userId: string, field: 'displayname' | 'avatar_url', value: string | null): Promise<void>;
}

export interface DeviceRecord {
  userId: string;
  deviceId: string;
  displayName: string | null;
  createdTs: number;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
}

export interface DeviceStore {
  /** Creates the device, or leaves an existing one as is (display name kept). Returns true if created. */
  ensureDevice(userId: string, deviceId: string, displayName: string | null, nowTs: number): Promise<boolean>;
  getDevice(userId: string, deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(userId: string): Promise<DeviceRecord[]>;
  setDisplayName(userId: string, deviceId: string, displayName: string | null): Promise<boolean>;
  updateLastSeen(userId: string, deviceId: string, ts: number, ip: string): Promise<void>;
  /** Deletes the devices and every access/refresh token of them. */
  deleteDevices(userId: string, deviceIds: string[]): Promise<void>;
}

export interface AccessTokenRecord {
  id: number;
  userId: string;
  deviceId: string;
  expiresTs: number | null;
  refreshTokenId: number | null;
}

export interface RefreshTokenRecord {
  id: number;
  userId: string;
  deviceId: string;
}

export interface TokenStore {
  insertAccessToken(t: { tokenHash: string; userId: string; deviceId: string; createdTs: number; expiresTs: number | null; refreshTokenId: number | null }): Promise<number>;
  /** Looks the token up, joined with the user's guest flag. */
  getAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  deleteAccessToken(id: number): Promise<void>;
  insertRefreshToken(t: { tokenHash: string; userId: string; deviceId: string; createdTs: number }): Promise<number>;
  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  deleteRefreshToken(id: number): Promise<void>;
  /** Deletes every access and refresh token of the user, except those of `exceptDeviceId`. */
  deleteUserTokens(userId: string, exceptDeviceId?: string): Promise<void>;
  /** Deletes the device's tokens but keeps the device (re-login with the same device_id). */
  deleteDeviceTokens(userId: string, deviceId: string): Promise<void>;
}

export interface RegistrationTokenRecord {
  token: string;
  usesAllowed: number | null;
  pending: number;
  completed: number;
  expiryTime: number | null;
}

export interface RegistrationTokenStore {
  create(t: { token: string; usesAllowed: number | null; expiryTime: number | null }): Promise<boolean>;
  get(token: string): Promise<RegistrationTokenRecord | undefined>;
  list(): Promise<RegistrationTokenRecord[]>;
  delete(token: string): Promise<boolean>;
  /** Atomically reserves a use: pending+1 if still valid at `nowTs`. Returns false if the token cannot be used. */
  reserve(token: string, nowTs: number): Promise<boolean>;
  /** Gives a reserved use back (UIA session expired unused). */
  release(token: string): Promise<void>;
  /** Turns a reserved use into a completed one (registration succeeded). */
  complete(token: string): Promise<void>;
}
