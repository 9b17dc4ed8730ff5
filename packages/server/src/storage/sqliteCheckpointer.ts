// WAL checkpoints off the event loop. SQLite copies the WAL back into the
// database file (a "checkpoint": page copies and two fsyncs) inside whichever
// commit crosses wal_autocheckpoint — on Weft's single connection that is a
// request's commit on the main thread, a stall of milliseconds every ~150 sent
// messages. A worker thread with its own connection runs PASSIVE checkpoints
// (they never block the writer) every CHECKPOINT_EVERY commits, so the inline
// one finds nothing left to copy; it stays as the fallback should the worker
// lag or die. The worker starts with the first writes (an idle server has none).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Commits between checkpoint requests (each commit of a message appends ≈ 5 pages). */
const CHECKPOINT_EVERY = 32;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = NORMAL');
parentPort.on('message', () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { /* busy or closing: the next request retries */ }
  parentPort.postMessage('done');
});
`;

export class SqliteCheckpointer {
  private worker: Worker | undefined;
  private commits = 0;
  private running = false;
  private failed = false;

  constructor(private readonly path: string) {}

  /** Called after each write transaction. */
  noteCommit(): void {
    if (++this.commits < CHECKPOINT_EVERY || this.running || this.failed) return;
    this.commits = 0;
    this.running = true;
    (this.worker ??= this.start()).postMessage('checkpoint');
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(): Worker {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: this.path } });
    w.on('message', () => {
      this.running = false;
    });
    // Without the worker the inline autocheckpoint does the work, as before.
    w.on('error', () => {
      this.failed = true;
      this.worker = undefined;
    });
    w.unref();
    return w;
  }
}
