// The E2EE sections of /sync (end_to_end_encryption.md "Extensions to /sync",
// send_to_device.md "Extensions to /sync"): to_device, device_lists,
// device_one_time_keys_count, device_unused_fallback_key_types.
import type { SyncExtension, SyncExtensionContext } from '../sync/SyncExtension.js';
import type { DeviceListService } from './DeviceListService.js';
import type { KeyService } from './KeyService.js';
import type { ToDeviceService } from './ToDeviceService.js';

export class E2eeSyncExtension implements SyncExtension {
  constructor(private readonly deps: { keys: KeyService; deviceLists: DeviceListService; toDevice: ToDeviceService }) {}

  async contribute(ctx: SyncExtensionContext, response: Record<string, unknown>): Promise<boolean> {
    const { keys, deviceLists, toDevice } = this.deps;
    const events = await toDevice.deliver(ctx.userId, ctx.deviceId, ctx.since, ctx.upto);
    response.to_device = { events };
    // Initial sync: no device_lists (the client queries the keys of everyone it
    // tracks anyway), as Synapse does.
    const lists = ctx.since === null ? { changed: [], left: [] } : await deviceLists.changesBetween(ctx.userId, ctx.since, ctx.upto);
    response.device_lists = lists;
    response.device_one_time_keys_count = await keys.oneTimeKeyCounts(ctx.userId, ctx.deviceId);
    response.device_unused_fallback_key_types = await keys.unusedFallbackKeyTypes(ctx.userId, ctx.deviceId);
    return events.length > 0 || lists.changed.length > 0 || lists.left.length > 0;
  }
}
