// Signing JSON objects. Spec: content/appendices.md "Signing Details" and
// "Checking for a Signature": the signed bytes are the canonical JSON of the
// object without `signatures` and `unsigned`; the signature goes into
// signatures[signingName][keyId]; existing signatures are kept.
import { CoreError } from '../errors/CoreError.js';
import type { JsonObject } from '../events/types.js';
import { canonicalJson, type CanonicalJsonOptions } from '../json/canonicalJson.js';
import { encodeBase64 } from './base64.js';
import { signBytes, verifyBytes, type SigningKey } from './SigningKey.js';

type Signatures = Record<string, Record<string, string>>;

/** Canonical JSON of `obj` with `signatures` and `unsigned` removed: the bytes that are signed. */
export function signedBytesOf(obj: object, opts?: CanonicalJsonOptions): string {
  const { signatures: _s, unsigned: _u, ...rest } = obj as Record<string, unknown>;
  return canonicalJson(rest, opts);
}

/** The unpadded base64 signature `key` makes over `obj` (without adding it). */
export function signatureFor<T extends object>(obj: T, key: SigningKey, opts?: CanonicalJsonOptions): string {
  return encodeBase64(signBytes(key, signedBytesOf(obj, opts)));
}

/**
 * Return a copy of `obj` with `key`'s signature under
 * signatures[signingName][key.keyId]; other signatures and `unsigned` are kept.
 */
export function signJson<T extends object>(
  obj: T,
  signingName: string,
  key: SigningKey,
  opts?: CanonicalJsonOptions,
): T & { signatures: Signatures } {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new CoreError('BAD_JSON', 'can only sign a JSON object');
  const sig = signatureFor(obj, key, opts);
  const old = (obj as { signatures?: unknown }).signatures;
  const signatures: Signatures = {};
  if (typeof old === 'object' && old !== null && !Array.isArray(old)) {
    for (const [name, entry] of Object.entries(old as Record<string, unknown>)) {
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        signatures[name] = { ...(entry as Record<string, string>) };
      }
    }
  }
  signatures[signingName] = { ...(signatures[signingName] ?? {}), [key.keyId]: sig };
  return { ...obj, signatures } as T & { signatures: Signatures };
}

/**
 * Check that `obj` carries a valid signature by `signingName` with `keyId`
 * under `publicKeyBase64`. Never throws: garbage in → false.
 */
export function verifyJsonSignature(obj: unknown, signingName: string, keyId: string, publicKeyBase64: string): boolean {
  try {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return false;
    const sigs = (obj as { signatures?: unknown }).signatures;
    if (typeof sigs !== 'object' || sigs === null) return false;
    const entry = (sigs as Record<string, unknown>)[signingName];
    if (typeof entry !== 'object' || entry === null) return false;
    const sig = (entry as Record<string, unknown>)[keyId];
    if (typeof sig !== 'string' || !keyId.startsWith('ed25519:')) return false;
    return verifyBytes(publicKeyBase64, signedBytesOf(obj), sig);
  } catch {
    return false;
  }
}

/** The key IDs (with a known algorithm, `ed25519:`) under which `signingName` signed `obj`. */
export function signatureKeyIds(obj: unknown, signingName: string): string[] {
  if (typeof obj !== 'object' || obj === null) return [];
  const sigs = (obj as { signatures?: unknown }).signatures;
  if (typeof sigs !== 'object' || sigs === null) return [];
  const entry = (sigs as Record<string, unknown>)[signingName];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [];
  return Object.keys(entry).filter((k) => k.startsWith('ed25519:') && typeof (entry as JsonObject)[k] === 'string');
}
