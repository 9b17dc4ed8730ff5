// Deferred signing of locally created events (SQLite's send path). An event's
// ID never covers signatures (the reference hash strips them), so when the
// writer is idle the pipeline commits the hashed event, answers the client, and
// signs afterwards — the Ed25519 signature (≈ 40 µs of OpenSSL per event here)
// leaves the request's critical path — and the EventPersister writes the signed
// JSON with the next transaction. Ed25519 is deterministic, so a signature
// recomputed after a crash (EventPersister.start) is byte-identical to the one
// that was lost.
//
// Under load (batches of several events) the batch's signatures are computed
// by a worker thread before the commit: one message each way per batch costs
// the main thread ≈ 5 µs per event instead of ≈ 40 µs of signing, and the
// main thread — the bottleneck then — meanwhile gathers the next batch.
// (Node's callback form of crypto.sign was measured to cost the calling thread
// about as much as signing itself; a worker per single event as well.)
import { sign } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { encodeBase64, redactedSigningJson, roomVersionRules, withOriginSignature, type Pdu, type SigningKey } from '@weft/core';

type Signed = { json: string; signatures: Record<string, Record<string, string>> };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const key = createPrivateKey({ key: Buffer.from(workerData.pkcs8), format: 'der', type: 'pkcs8' });
parentPort.on('message', (batch) => {
  parentPort.postMessage(batch.map((s) => sign(null, Buffer.from(s, 'utf8'), key).toString('base64').replace(/=+$/, '')));
});
`;

export class EventSigner {
  private worker: Worker | undefined;
  private workerFailed = false;
  /** Resolvers of the batches sent to the worker, in order (it answers in order). */
  private readonly waiting: ((sigs: string[] | Error) => void)[] = [];

  constructor(readonly serverName: string, private readonly key: SigningKey) {}

  /**
   * Signs several events at once on the worker thread (started on first use);
   * falls back to signing here if the worker cannot run.
   */
  async signBatch(items: readonly { json: string; signingJson: string }[]): Promise<Signed[]> {
    const worker = this.workerFailed ? undefined : (this.worker ??= this.startWorker());
    if (worker) {
      const sigs = await new Promise<string[] | Error>((resolve) => {
        this.waiting.push(resolve);
        worker.postMessage(items.map((i) => i.signingJson));
      });
      if (!(sigs instanceof Error)) return items.map((item, n) => this.signed(item.json, sigs[n]!));
    }
    return items.map((item) => this.sign(item.json, item.signingJson));
  }

  close(): Promise<number> | undefined {
    const w = this.worker;
    this.worker = undefined;
    return w?.terminate();
  }

  private startWorker(): Worker {
    const pkcs8 = this.key.privateKeyObject.export({ format: 'der', type: 'pkcs8' });
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { pkcs8 } });
    w.on('message', (sigs: string[]) => this.waiting.shift()?.(sigs));
    w.on('error', (err) => {
      this.workerFailed = true;
      this.worker = undefined;
      for (const r of this.waiting.splice(0)) r(err);
    });
    w.unref();
    return w;
  }

  private signed(json: string, signature: string): Signed {
    return {
      json: withOriginSignature(json, this.serverName, this.key.keyId, signature),
      signatures: { [this.serverName]: { [this.key.keyId]: signature } },
    };
  }

  /** Signs `signingJson`: the stored JSON plus its signature, and the `signatures` object. */
  sign(json: string, signingJson: string): Signed {
    return this.signed(json, encodeBase64(sign(null, Buffer.from(signingJson, 'utf8'), this.key.privateKeyObject)));
  }

  /**
   * A stored event of ours without its signature (left by a crash between
   * commit and signature): the signed JSON, or undefined when the stored JSON
   * is already signed or not ours.
   */
  signStored(roomVersion: string, json: string): string | undefined {
    const pdu = JSON.parse(json) as Pdu;
    if (pdu.signatures !== undefined || pdu.unsigned !== undefined) return undefined;
    const rules = roomVersionRules(roomVersion);
    if (!rules || typeof pdu.sender !== 'string' || !pdu.sender.endsWith(`:${this.serverName}`)) return undefined;
    const sig = sign(null, Buffer.from(redactedSigningJson(pdu, rules), 'utf8'), this.key.privateKeyObject);
    return withOriginSignature(json, this.serverName, this.key.keyId, encodeBase64(sig));
  }
}
