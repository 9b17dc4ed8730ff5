// The write discipline of DESIGN principle 6 / WAVE2 "Stream positions":
// allocate a position, write the row(s) carrying it, finish the position
// (committed or failed), then wake the long-polls that can see the change.
import type { Notifier } from '../streams/Notifier.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';

export interface StreamDeps {
  generator: StreamIdGenerator;
  notifier: Notifier;
}

export async function writeAtNextPosition(
  deps: StreamDeps,
  write: (streamPos: number) => Promise<void>,
  wake: { roomIds?: Iterable<string>; userIds?: Iterable<string> },
): Promise<number> {
  const pos = deps.generator.allocate();
  try {
    await write(pos);
  } finally {
    deps.generator.finish(pos);
  }
  deps.notifier.notify(wake);
  return pos;
}
