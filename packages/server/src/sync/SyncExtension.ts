// How other areas put data into /sync (WAVE2 contract): the composition root
// fills one registry (`syncExtensions.push(...)`) and the sync handler calls
// every registered extension on every /sync, initial and incremental.
// Spec: client-server-api/_index.md "Syncing"; the E2EE module adds to_device,
// device_lists, device_one_time_keys_count, device_unused_fallback_key_types.

export interface SyncExtensionContext {
  userId: string;
  deviceId: string;
  /** Stream position of the `since` token, null for an initial sync. */
  since: number | null;
  /** Stream position this response covers up to (inclusive). */
  upto: number;
  /** Rooms the user is joined to as of `upto`. */
  joinedRoomIds: ReadonlySet<string>;
  fullState: boolean;
}

export interface SyncExtension {
  /** Adds top-level sections to the /sync response (e.g. to_device, device_lists,
   *  device_one_time_keys_count, device_unused_fallback_key_types). Must only read rows with
   *  since < stream_pos <= upto. Returns true if it added anything new (so a long-poll returns). */
  contribute(ctx: SyncExtensionContext, response: Record<string, unknown>): Promise<boolean>;
}

/** The registry the composition root fills; the sync handler reads it on every request. */
export type SyncExtensionRegistry = SyncExtension[];

export function createSyncExtensionRegistry(): SyncExtensionRegistry {
  return [];
}
