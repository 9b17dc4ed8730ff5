// The write discipline of DESIGN principle 6 / WAVE2 "Stream positions":
// allocate a position, write the row(s) carrying it, finish the position
// (committed or failed), then wake the long-polls that can see the change.
import type { Notifier } from '../streams/Notifier.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';

export type SyncStreamKind = 'receipts' | 'account_data' | 'presence';

/**
 * The highest position this process wrote per kind of sync-area row. All such
 * rows are written through this area's services, so an incremental /sync can
 * skip the query of a kind with nothing newer than its `since` (the common case
 * for a long-poll woken by a message). Positions up to the generator's start
 * (written by an earlier process) count as "may have changed".
 */
export class StreamHighWater {
  private readonly last = new Map<SyncStreamKind, number>();
  constructor(private readonly startPos: number) {}

  note(kind: SyncStreamKind, pos: number): void {
    if (pos > (this.last.get(kind) ?? 0)) this.last.set(kind, pos);
  }

  mayHaveChangedSince(kind: SyncStreamKind, since: number): boolean {
    return since < Math.max(this.startPos, this.last.get(kind) ?? 0);
  }
}

export interface StreamDeps {
  generator: StreamIdGenerator;
  notifier: Notifier;
  highWater: StreamHighWater;
}

export async function writeAtNextPosition(
  deps: StreamDeps,
  kind: SyncStreamKind,
  write: (streamPos: number) => Promise<void>,
  wake: { roomIds?: Iterable<string>; userIds?: Iterable<string> },
): Promise<number> {
  const pos = deps.generator.allocate();
  try {
    await write(pos);
    deps.highWater.note(kind, pos);
  } finally {
    deps.generator.finish(pos);
  }
  deps.notifier.notifyAt(pos, wake);
  return pos;
}
