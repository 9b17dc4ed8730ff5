// Deferred signing of locally created events (SQLite's send path). An event's
// ID never covers signatures (the reference hash strips them), so when the
// writer is idle the pipeline commits the hashed event, answers the client, and
// signs afterwards — the Ed25519 signature (≈ 40 µs of OpenSSL per event here)
// leaves the request's critical path — and the EventPersister writes the signed
// JSON with the next transaction. Ed25519 is deterministic, so a signature
// recomputed after a crash (EventPersister.start) is byte-identical to the one
// that was lost.
import { sign } from 'node:crypto';
import { encodeBase64, redactedSigningJson, roomVersionRules, withOriginSignature, type Pdu, type SigningKey } from '@weft/core';

export class EventSigner {
  constructor(readonly serverName: string, private readonly key: SigningKey) {}

  /** Signs `signingJson`: the stored JSON plus its signature, and the `signatures` object. */
  sign(json: string, signingJson: string): { json: string; signatures: Record<string, Record<string, string>> } {
    const signature = encodeBase64(sign(null, Buffer.from(signingJson, 'utf8'), this.key.privateKeyObject));
    return {
      json: withOriginSignature(json, this.serverName, this.key.keyId, signature),
      signatures: { [this.serverName]: { [this.key.keyId]: signature } },
    };
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
