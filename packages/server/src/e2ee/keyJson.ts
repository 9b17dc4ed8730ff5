// Shared checks for signed key objects (appendices "Signing JSON";
// end_to_end_encryption.md "Key algorithms").
import { MatrixError, canonicalJson } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';

export const badKey = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);

/** The object without `signatures` and `unsigned` (what signatures cover), canonical. */
export function signedContent(obj: JsonObject): string {
  const { signatures: _s, unsigned: _u, ...rest } = obj;
  return canonicalJson(rest);
}

/** Canonical JSON of a key object as stored (without `unsigned`). */
export function storedForm(obj: JsonObject): string {
  const { unsigned: _u, ...rest } = obj;
  return canonicalJson(rest);
}

/** A `{ "<algorithm>:<key_id>": key }` map as uploaded to /keys/upload (one_time_keys, fallback_keys). */
export function parseKeyMap(v: unknown, field: string): { algorithm: string; keyId: string; value: string | JsonObject }[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) throw new MatrixError(400, 'M_BAD_JSON', `${field} must be an object`);
  const out: { algorithm: string; keyId: string; value: string | JsonObject }[] = [];
  for (const [name, value] of Object.entries(v)) {
    const colon = name.indexOf(':');
    if (colon <= 0 || colon === name.length - 1) throw badKey(`${field}: key name ${JSON.stringify(name)} is not <algorithm>:<key_id>`);
    if (typeof value !== 'string' && !(isObject(value) && typeof value.key === 'string')) {
      throw badKey(`${field}.${name} must be a key string or an object with a "key" string`);
    }
    if (isObject(value) && value.signatures !== undefined && !isObject(value.signatures)) throw badKey(`${field}.${name}.signatures must be an object`);
    out.push({ algorithm: name.slice(0, colon), keyId: name.slice(colon + 1), value: value as string | JsonObject });
  }
  return out;
}

/** The single `ed25519:<pub>` public key of a cross-signing key (cross_signing_key.yaml: exactly one key). */
export function crossSigningPublicKey(key: JsonObject): string | undefined {
  if (!isObject(key.keys)) return undefined;
  const entries = Object.entries(key.keys);
  if (entries.length !== 1) return undefined;
  const [id, value] = entries[0]!;
  if (!id.startsWith('ed25519:') || typeof value !== 'string' || id !== `ed25519:${value}`) return undefined;
  return value;
}
