// Storage ports of the E2EE area (client-server-api/modules/end_to_end_encryption.md,
// send_to_device.md). Implemented once over Kysely in ../kysely/.

export type CrossSigningKeyType = 'master' | 'self_signing' | 'user_signing';

export interface DeviceKeysRow {
  userId: string;
  deviceId: string;
  /** The signed device keys exactly as uploaded (canonical JSON). */
  keyJson: string;
  displayName: string | null;
}

export interface NewOneTimeKey {
  algorithm: string;
  keyId: string;
  /** Canonical JSON of the key (an object for signed keys, a JSON string otherwise). */
  keyJson: string;
}

export interface ClaimedKey {
  algorithm: string;
  keyId: string;
  keyJson: string;
}

export interface CrossSigningKeyRow {
  userId: string;
  type: CrossSigningKeyType;
  /** The unpadded base64 public key (the part after `ed25519:`). */
  publicKey: string;
  keyJson: string;
}

export interface SignatureRow {
  signerUserId: string;
  /** e.g. `ed25519:<public key or device ID>` */
  signerKeyId: string;
  targetUserId: string;
  /** A device ID or a cross-signing public key. */
  targetKeyId: string;
  signature: string;
}

export interface E2eeKeyStore {
  getDeviceKeys(userId: string, deviceId: string): Promise<string | undefined>;
  setDeviceKeys(userId: string, deviceId: string, keyJson: string, nowTs: number): Promise<void>;
  /** Device keys of existing devices; `deviceIds` null = every device of the user. */
  queryDeviceKeys(query: { userId: string; deviceIds: string[] | null }[]): Promise<DeviceKeysRow[]>;
  /**
   * Adds one-time keys. A key ID already stored with identical JSON is skipped;
   * with different JSON nothing is written and its `<algorithm>:<key_id>` is returned.
   */
  addOneTimeKeys(userId: string, deviceId: string, keys: NewOneTimeKey[]): Promise<{ conflicts: string[] }>;
  oneTimeKeyCounts(userId: string, deviceId: string): Promise<Record<string, number>>;
  /** Replaces the fallback key of the algorithm (an identical re-upload keeps its `used` flag). */
  setFallbackKey(userId: string, deviceId: string, key: NewOneTimeKey): Promise<void>;
  unusedFallbackKeyTypes(userId: string, deviceId: string): Promise<string[]>;
  /** Atomically removes and returns the oldest one-time key (never the same key twice, even concurrently). */
  claimOneTimeKey(userId: string, deviceId: string, algorithm: string): Promise<ClaimedKey | undefined>;
  /** Returns the fallback key and marks it used. */
  claimFallbackKey(userId: string, deviceId: string, algorithm: string): Promise<ClaimedKey | undefined>;
  /** Drops the devices' identity, one-time and fallback keys and signatures on them. */
  deleteDevices(userId: string, deviceIds: string[]): Promise<void>;

  crossSigningKeys(userIds: string[]): Promise<CrossSigningKeyRow[]>;
  setCrossSigningKeys(userId: string, keys: CrossSigningKeyRow[], nowTs: number): Promise<void>;
  addSignatures(rows: SignatureRow[]): Promise<void>;
  /** Signatures on keys of these users. */
  signaturesOn(targetUserIds: string[]): Promise<SignatureRow[]>;
}

export interface MembershipChange {
  roomNid: number;
  /** The member whose membership changed. */
  userId: string;
}

export interface DeviceListStore {
  /** Records that the users' device lists changed at `streamPos`. */
  addChanges(userIds: string[], streamPos: number): Promise<void>;
  changedUsersBetween(fromExclusive: number, toInclusive: number): Promise<string[]>;
  /** Users joined to at least one room the user is joined to (the user included if joined anywhere). */
  usersSharingRoom(userId: string): Promise<Set<string>>;
  joinedRoomIds(userId: string): Promise<string[]>;
  /** m.room.member events in (from, to] of rooms the user has (or had) a membership in. */
  membershipChangesBetween(userId: string, fromExclusive: number, toInclusive: number): Promise<MembershipChange[]>;
  joinedMembers(roomNids: number[]): Promise<string[]>;
}

export interface ToDeviceRow {
  id: number;
  streamPos: number;
  origPos: number;
  sender: string;
  type: string;
  contentJson: string;
}

export interface ToDeviceMessage {
  userId: string;
  deviceId: string;
  type: string;
  contentJson: string;
}

export interface ToDeviceStore {
  deviceIdsOf(userId: string): Promise<string[]>;
  /**
   * In one transaction: records the sender's transaction ID and inserts the
   * messages at `streamPos`. Returns false (writing nothing) if the
   * transaction ID was used before.
   */
  send(sender: { userId: string; deviceId: string; txnId: string }, messages: ToDeviceMessage[], streamPos: number, nowTs: number): Promise<boolean>;
  /** Deletes the device's messages with stream_pos <= upTo (acknowledged). */
  acknowledge(userId: string, deviceId: string, upTo: number): Promise<void>;
  /** Messages with after < stream_pos <= upto, in send order (orig_pos, id). */
  pending(userId: string, deviceId: string, after: number | null, upto: number, limit: number): Promise<ToDeviceRow[]>;
  /** Moves the device's messages sent after `cursor` (below `newPos`) to stream position `newPos`. */
  moveAfter(userId: string, deviceId: string, cursor: ToDeviceRow, newPos: number): Promise<void>;
  deleteDevices(userId: string, deviceIds: string[]): Promise<void>;
}

export interface BackupVersionRow {
  version: number;
  algorithm: string;
  authDataJson: string;
  etag: number;
}

export interface BackupKeyRow {
  roomId: string;
  sessionId: string;
  firstMessageIndex: number;
  forwardedCount: number;
  isVerified: boolean;
  sessionDataJson: string;
}

export interface BackupStore {
  createVersion(userId: string, algorithm: string, authDataJson: string): Promise<number>;
  /** The newest version that is not deleted. */
  latestVersion(userId: string): Promise<BackupVersionRow | undefined>;
  getVersion(userId: string, version: number): Promise<BackupVersionRow | undefined>;
  /** True if the version existed at all (deleted or not). */
  versionEverExisted(userId: string, version: number): Promise<boolean>;
  updateAuthData(userId: string, version: number, authDataJson: string): Promise<void>;
  /** Marks the version deleted and drops its keys. */
  deleteVersion(userId: string, version: number): Promise<void>;
  countKeys(userId: string, version: number): Promise<number>;
  getKeys(userId: string, version: number, roomId?: string, sessionId?: string): Promise<BackupKeyRow[]>;
  /**
   * Stores each key unless `keep(existing, incoming)` says the stored one wins;
   * bumps the etag if anything changed. Returns the new etag.
   */
  putKeys(userId: string, version: number, keys: BackupKeyRow[], keepExisting: (existing: BackupKeyRow, incoming: BackupKeyRow) => boolean): Promise<number>;
  /** Deletes keys (all, a room's, or one session's); bumps the etag. Returns the new etag. */
  deleteKeys(userId: string, version: number, roomId?: string, sessionId?: string): Promise<number>;
}

/** A position in one device's inbox: the delivery order key of the last message handed out. */
export interface InboxCursor {
  streamPos: number;
  origPos: number;
  id: number;
}

export interface DehydratedDeviceStore {
  get(userId: string): Promise<{ deviceId: string; deviceDataJson: string } | undefined>;
  /** Sets the user's dehydrated device; returns the previous device ID, if any. */
  set(userId: string, deviceId: string, deviceDataJson: string): Promise<string | undefined>;
  /** Removes it; returns the device ID, if there was one. */
  remove(userId: string): Promise<string | undefined>;
  /** Deletes the device's inbox messages at or before `cursor`. */
  acknowledgeInbox(userId: string, deviceId: string, cursor: InboxCursor): Promise<void>;
  /** Inbox messages after `cursor` (all if null) with stream_pos <= upto, in delivery order. */
  inboxAfter(userId: string, deviceId: string, cursor: InboxCursor | null, upto: number, limit: number): Promise<ToDeviceRow[]>;
}
