import type { AccountDataService } from '../../sync/AccountDataService.js';
import type { FilterService } from '../../sync/FilterService.js';
import type { PresenceService } from '../../sync/PresenceService.js';
import type { ReceiptService } from '../../sync/ReceiptService.js';
import type { SyncService } from '../../sync/SyncService.js';
import type { TypingService } from '../../sync/TypingService.js';
import type { SyncReadStore } from '../../storage/ports/sync.js';

/** What the sync area's endpoints need (built by sync/createSyncArea.ts). */
export interface SyncApiDeps {
  sync: SyncService;
  filters: FilterService;
  typing: TypingService;
  receipts: ReceiptService;
  accountData: AccountDataService;
  presence: PresenceService;
  reads: SyncReadStore;
}
