// Storage port of the user directory (users/UserDirectory.ts): who is joined
// where, which rooms are public, and local users' profiles.

export interface DirectoryProfile {
  userId: string;
  displayName: string | null;
  avatarUrl: string | null;
}

export interface UserDirectoryStore {
  /** Rooms (numeric IDs) the user is joined to. */
  joinedRoomNids(userId: string): Promise<number[]>;
  /** Rooms whose current join rule is `public` or whose history visibility is `world_readable`. */
  publicRoomNids(): Promise<number[]>;
  /** Users joined to any of these rooms, with the profile of their newest member event among them. */
  joinedMembers(roomNids: readonly number[]): Promise<DirectoryProfile[]>;
  /** Global profiles of these local users (deactivated users are left out). */
  localProfiles(userIds: readonly string[]): Promise<DirectoryProfile[]>;
}
