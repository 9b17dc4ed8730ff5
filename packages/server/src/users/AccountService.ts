// Accounts: registration, password checks and changes, deactivation, profiles.
// Endpoint handlers call this; it calls the storage ports. Other areas react to
// account changes through the hook lists (wired in main.ts), never by being
// imported here.
import { randomBytes } from 'node:crypto';
import { MatrixError } from '@weft/core';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { SessionService } from '../auth/SessionService.js';
import type { UserRecord, UserStore } from '../storage/ports/accounts.js';
import { userIdForNewLocalpart } from './userIds.js';

export interface Profile {
  displayname: string | null;
  avatar_url: string | null;
}

export interface AccountHooks {
  /** After a displayname/avatar change is stored (rooms reflect it into m.room.member events). */
  onProfileChanged: ((userId: string, profile: Profile) => Promise<void> | void)[];
  /** After a user was deactivated (rooms make the user leave every room). */
  onUserDeactivated: ((userId: string) => Promise<void> | void)[];
}

export interface RegisterOptions {
  /** Omitted → a random localpart (guests, or clients that don't ask for one). */
  localpart?: string;
  password?: string | null;
  admin?: boolean;
  isGuest?: boolean;
  userType?: string | null;
  displayname?: string | null;
}

const MAX_DISPLAYNAME = 256;
const MAX_AVATAR_URL = 1000;

export class AccountService {
  constructor(
    private readonly deps: {
      serverName: string;
      users: UserStore;
      sessions: SessionService;
      hooks: AccountHooks;
      now?: () => number;
    },
  ) {}

  get serverName(): string {
    return this.deps.serverName;
  }

  /** The user ID for a requested localpart if it is valid and free; else M_INVALID_USERNAME / M_USER_IN_USE. */
  async checkAvailable(localpart: string): Promise<string> {
    const userId = userIdForNewLocalpart(localpart, this.deps.serverName);
    if (await this.deps.users.userIdTakenIgnoringCase(userId)) throw userInUse();
    return userId;
  }

  /** Creates the account. Returns the new user ID. */
  async register(o: RegisterOptions): Promise<string> {
    const userId = o.localpart !== undefined ? await this.checkAvailable(o.localpart) : await this.randomFreeUserId();
    const passwordHash = o.password ? await hashPassword(o.password) : null;
    const created = await this.deps.users.createUser({
      userId,
      passwordHash,
      admin: o.admin ?? false,
      isGuest: o.isGuest ?? false,
      userType: o.userType ?? null,
      createdTs: this.deps.now ? this.deps.now() : Date.now(),
      // Synapse's default displayname is the localpart.
      displayname: o.displayname ?? (o.isGuest ? null : userId.slice(1, userId.indexOf(':'))),
    });
    if (!created) throw userInUse();
    return userId;
  }

  private async randomFreeUserId(): Promise<string> {
    for (;;) {
      const localpart = 'u' + randomBytes(8).toString('hex');
      const userId = `@${localpart}:${this.deps.serverName}`;
      if (!(await this.deps.users.getUser(userId))) return userId;
    }
  }

  getUser(userId: string): Promise<UserRecord | undefined> {
    return this.deps.users.getUser(userId);
  }

  /** True if the local user exists, is active and the password matches. */
  async checkPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.deps.users.getUser(userId);
    // Hash anyway when the user is unknown so timing does not reveal which users exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return ok && user !== undefined && !user.deactivated;
  }

  /** POST /account/password: new hash; by default every other device is logged out. */
  async changePassword(userId: string, newPassword: string, opts: { logoutDevices: boolean; keepDeviceId?: string }): Promise<void> {
    await this.deps.users.setPasswordHash(userId, await hashPassword(newPassword));
    if (opts.logoutDevices) {
      // Spec: "all access tokens for the user should be revoked except the one used
      // for the request" — the requesting device keeps its session, other devices go.
      await this.deps.sessions.revokeTokensExcept(userId, opts.keepDeviceId);
    }
  }

  /** POST /account/deactivate: no more logins, every device gone, profile cleared. */
  async deactivate(userId: string): Promise<void> {
    await this.deps.users.setDeactivated(userId, true);
    await this.deps.users.setPasswordHash(userId, null);
    await this.deps.sessions.logoutAll(userId);
    await this.deps.users.setProfileField(userId, 'displayname', null);
    await this.deps.users.setProfileField(userId, 'avatar_url', null);
    for (const hook of this.deps.hooks.onUserDeactivated) await hook(userId);
  }

  /** Local profile, or 404 M_NOT_FOUND. */
  async getProfile(userId: string): Promise<Profile> {
    const user = await this.deps.users.getUser(userId);
    if (!user) throw new MatrixError(404, 'M_NOT_FOUND', 'Profile not found');
    return { displayname: user.displayname, avatar_url: user.avatarUrl };
  }

  async setProfileField(userId: string, field: 'displayname' | 'avatar_url', value: string | null): Promise<void> {
    const max = field === 'displayname' ? MAX_DISPLAYNAME : MAX_AVATAR_URL;
    if (value !== null && value.length > max) throw new MatrixError(400, 'M_TOO_LARGE', `${field} is longer than ${max} characters`);
    if (field === 'avatar_url' && value !== null && value !== '' && !value.startsWith('mxc://')) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'avatar_url must be an mxc:// URI');
    }
    await this.deps.users.setProfileField(userId, field, value === '' ? null : value);
    const profile = await this.getProfile(userId);
    for (const hook of this.deps.hooks.onProfileChanged) await hook(userId, profile);
  }
}

function userInUse(): MatrixError {
  return new MatrixError(400, 'M_USER_IN_USE', 'User ID already taken.');
}

// A valid hash of a random password, verified against when the user is unknown.
const DUMMY_HASH = 'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
