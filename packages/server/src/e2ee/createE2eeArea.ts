// Builds the E2EE area's stores and services for the composition root, and the
// reactions to device creation/deletion (SessionHooks).
import type { Database } from '../storage/Database.js';
import { KyselyE2eeKeyStore } from '../storage/kysely/KyselyE2eeKeyStore.js';
import { KyselyE2eeDeviceListStore } from '../storage/kysely/KyselyE2eeDeviceListStore.js';
import { KyselyToDeviceStore } from '../storage/kysely/KyselyToDeviceStore.js';
import { KyselyBackupStore } from '../storage/kysely/KyselyBackupStore.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type { UserInteractiveAuth } from '../auth/uia.js';
import { DeviceListService } from './DeviceListService.js';
import { KeyService } from './KeyService.js';
import { CrossSigningService } from './CrossSigningService.js';
import { ToDeviceService } from './ToDeviceService.js';
import { BackupService } from './BackupService.js';
import { E2eeSyncExtension } from './E2eeSyncExtension.js';
import { DehydratedDeviceService, type DehydratedDeviceDeps } from './DehydratedDeviceService.js';
import { KyselyE2eeDehydratedStore } from '../storage/kysely/KyselyE2eeDehydratedStore.js';

export interface E2eeAreaOptions {
  serverName: string;
  database: Database;
  generator: StreamIdGenerator;
  notifier: Notifier;
  uia: Pick<UserInteractiveAuth, 'check'>;
  /** Device rows for MSC3814 dehydrated devices (accounts area). */
  devices: DehydratedDeviceDeps['devices'];
  /** Stream position of the newest membership event (rooms area); lets /sync skip the device-list membership query. */
  lastMembershipChange?: () => number;
}

export interface E2eeArea {
  keys: KeyService;
  crossSigning: CrossSigningService;
  toDevice: ToDeviceService;
  backup: BackupService;
  deviceLists: DeviceListService;
  /** MSC3814 dehydrated devices. */
  dehydrated: DehydratedDeviceService;
  /** Push onto the sync extension registry. */
  syncExtension: E2eeSyncExtension;
  /** SessionHooks.onDevicesDeleted: drop the devices' keys and inbox, tell the user's contacts. */
  onDevicesDeleted(userId: string, deviceIds: string[]): Promise<void>;
  /** SessionHooks.onDeviceCreated / onDeviceRenamed: a new or renamed device is a device-list change. */
  onDeviceChanged(userId: string, deviceId: string): Promise<void>;
}

/** Tables of this area whose rows carry stream_pos (storage/streamTables.ts). */
export const e2eeStreamTables = ['device_list_changes', 'to_device_inbox'] as const;

export function createE2eeArea(opts: E2eeAreaOptions): E2eeArea {
  const db = opts.database.db;
  const keyStore = new KyselyE2eeKeyStore(db, opts.database.engine);
  const toDeviceStore = new KyselyToDeviceStore(db);
  const deviceLists = new DeviceListService({
    store: new KyselyE2eeDeviceListStore(db), generator: opts.generator, notifier: opts.notifier,
    ...(opts.lastMembershipChange ? { lastMembershipChange: opts.lastMembershipChange } : {}),
  });
  const keys = new KeyService({ serverName: opts.serverName, store: keyStore, deviceLists });
  const crossSigning = new CrossSigningService({
    store: keyStore, deviceLists, uia: opts.uia, deviceIdsOf: (u) => toDeviceStore.deviceIdsOf(u),
  });
  const toDevice = new ToDeviceService({ serverName: opts.serverName, store: toDeviceStore, generator: opts.generator, notifier: opts.notifier });
  const backup = new BackupService(new KyselyBackupStore(db));
  return {
    keys,
    crossSigning,
    toDevice,
    backup,
    deviceLists,
    dehydrated: new DehydratedDeviceService({
      store: new KyselyE2eeDehydratedStore(db), keys, devices: opts.devices, currentPos: () => opts.generator.current,
    }),
    syncExtension: new E2eeSyncExtension({ keys, deviceLists, toDevice }),
    async onDevicesDeleted(userId, deviceIds) {
      await keyStore.deleteDevices(userId, deviceIds);
      keys.forgetKeyCounts(userId, deviceIds);
      await toDeviceStore.deleteDevices(userId, deviceIds);
      await deviceLists.markChanged(userId);
    },
    async onDeviceChanged(userId) {
      await deviceLists.markChanged(userId);
    },
  };
}
