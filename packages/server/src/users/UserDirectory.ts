// POST /user_directory/search (users.yaml): the users the requester may find —
// those sharing a room with them, and those joined to rooms with a `public` join
// rule or `world_readable` history visibility (the spec's minimum; no
// server-wide search of users in no room, as Synapse's default
// search_all_users: false). Local users show their global profile; others
// their newest member event's. Matching is case-insensitive: every word of the
// search term must occur in the user ID or display name.
//
// NOTSPEC performance: computed per search from current state (no directory
// table kept up to date by the pipeline) — O(members of the requester's and the
// public rooms). Fine for a single server's scale today; a maintained
// directory table is the next step when it is not.
import type { DirectoryProfile, UserDirectoryStore } from '../storage/ports/userDirectory.js';

export interface DirectoryResult {
  user_id: string;
  display_name?: string;
  avatar_url?: string;
}

export class UserDirectory {
  constructor(private readonly deps: { store: UserDirectoryStore; serverName: string }) {}

  async search(requesterId: string, searchTerm: string, limit: number): Promise<{ results: DirectoryResult[]; limited: boolean }> {
    const words = searchTerm.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return { results: [], limited: false };
    const { store } = this.deps;
    const [mine, open] = await Promise.all([store.joinedRoomNids(requesterId), store.publicRoomNids()]);
    const members = await store.joinedMembers([...new Set([...mine, ...open])]);
    const localSuffix = `:${this.deps.serverName}`;
    const locals = new Map((await store.localProfiles(members.filter((m) => m.userId.endsWith(localSuffix)).map((m) => m.userId))).map((p) => [p.userId, p]));
    const matches: { profile: DirectoryProfile; rank: number }[] = [];
    for (const member of members) {
      // A local user missing from `locals` is deactivated: not listed.
      const profile = member.userId.endsWith(localSuffix) ? locals.get(member.userId) : member;
      if (!profile) continue;
      const rank = matchRank(profile, words);
      if (rank !== undefined) matches.push({ profile, rank });
    }
    // "Ordered by rank and then whether or not profile info is available."
    matches.sort((a, b) =>
      a.rank - b.rank ||
      Number(b.profile.displayName !== null) - Number(a.profile.displayName !== null) ||
      Number(b.profile.avatarUrl !== null) - Number(a.profile.avatarUrl !== null) ||
      (a.profile.userId < b.profile.userId ? -1 : a.profile.userId > b.profile.userId ? 1 : 0));
    const results = matches.slice(0, limit).map(({ profile }) => {
      const r: DirectoryResult = { user_id: profile.userId };
      if (profile.displayName !== null) r.display_name = profile.displayName;
      if (profile.avatarUrl !== null) r.avatar_url = profile.avatarUrl;
      return r;
    });
    return { results, limited: matches.length > limit };
  }
}

/**
 * undefined when some word occurs in neither the user ID nor the display name;
 * else 0 when every word starts the localpart or a word of the display name,
 * 1 when every word starts some word, 2 for matches inside words.
 */
function matchRank(p: DirectoryProfile, words: readonly string[]): number | undefined {
  const id = p.userId.toLowerCase();
  const name = (p.displayName ?? '').toLowerCase();
  const localpart = id.slice(1, id.includes(':') ? id.indexOf(':') : undefined);
  const nameWords = name.split(/\s+/).filter((w) => w.length > 0);
  const idWords = id.slice(1).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  let rank = 0;
  for (const word of words) {
    if (!id.includes(word) && !name.includes(word)) return undefined;
    if (localpart.startsWith(word) || nameWords.some((w) => w.startsWith(word))) continue;
    rank = Math.max(rank, idWords.some((w) => w.startsWith(word)) ? 1 : 2);
  }
  return rank;
}
