// Ignoring users (client-server-api "Ignoring Users", modules/ignore_users.md):
// "Once ignored, the client will no longer receive events sent by that user,
// with the exception of state events." Read paths drop those events.
/** The user IDs of an m.ignored_user_list content ({ignored_users: {userId: {}}}). */
export function parseIgnoredUsers(content: Record<string, unknown> | undefined): ReadonlySet<string> {
  const list = content?.['ignored_users'];
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return new Set();
  return new Set(Object.keys(list));
}

/** True when the event is hidden because its sender is ignored (state events never are). */
export function hiddenByIgnore(ignored: ReadonlySet<string>, e: { sender: string; stateKey: string | null }): boolean {
  return e.stateKey === null && ignored.has(e.sender);
}
