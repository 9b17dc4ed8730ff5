// Ed25519 signing keys. Spec: content/appendices.md "Signing Details"
// (`ed25519` as implemented by NaCl; the 32-byte seed is the private key) and
// "Cryptographic key representation". Synapse's key file is one line
// `ed25519 <version> <unpadded base64 seed>`.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { CoreError } from '../errors/CoreError.js';
import { decodeBase64, encodeBase64, tryDecodeBase64 } from './base64.js';

export interface SigningKey {
  /** `ed25519:<version>`. */
  readonly keyId: string;
  /** Version part of the key ID (after `ed25519:`). */
  readonly version: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Unpadded base64 of the public key, as published in /_matrix/key/v2/server. */
  readonly publicKeyBase64: string;
  /** Cached node:crypto key object (creating one per signature is slow). */
  readonly privateKeyObject: KeyObject;
}

// ASN.1 prefixes wrapping a raw Ed25519 key (RFC 8410): PKCS#8 private key
// and SubjectPublicKeyInfo public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const KEY_VERSION_RE = /^[a-zA-Z0-9_]+$/;

/** Build a signing key from a 32-byte seed and key ID (`ed25519:<version>`). */
export function signingKeyFromSeed(seed: Uint8Array, keyId: string): SigningKey {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new CoreError('BAD_KEY', 'an Ed25519 seed is 32 bytes');
  if (typeof keyId !== 'string' || !keyId.startsWith('ed25519:') || !KEY_VERSION_RE.test(keyId.slice(8))) {
    throw new CoreError('BAD_KEY', `bad key ID ${JSON.stringify(keyId)} (want ed25519:<[a-zA-Z0-9_]+>)`);
  }
  const privateKeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKeyObject).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    keyId,
    version: keyId.slice(8),
    seed: new Uint8Array(seed),
    publicKey,
    publicKeyBase64: encodeBase64(publicKey),
    privateKeyObject,
  };
}

/** Parse one line of a Synapse signing key file: `ed25519 <version> <base64 seed>`. */
export function parseSynapseSigningKey(text: string): SigningKey {
  const line = String(text).split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  const parts = line?.split(/\s+/) ?? [];
  if (parts.length !== 3 || parts[0] !== 'ed25519') {
    throw new CoreError('BAD_KEY', 'expected "ed25519 <version> <base64 seed>"');
  }
  const seed = decodeBase64(parts[2]!);
  return signingKeyFromSeed(seed, `ed25519:${parts[1]}`);
}

/** Format a key as a Synapse signing key file line (with trailing newline). */
export function formatSynapseSigningKey(key: SigningKey): string {
  return `ed25519 ${key.version} ${encodeBase64(key.seed)}\n`;
}

/** Raw Ed25519 signature (64 bytes) of `data`. */
export function signBytes(key: SigningKey, data: Uint8Array | string): Uint8Array {
  return sign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, key.privateKeyObject);
}

// Public KeyObjects cached by base64 (verification is the federation hot path).
const publicKeyCache = new Map<string, KeyObject | null>();
const PUBLIC_KEY_CACHE_MAX = 4096;

function publicKeyObject(publicKeyBase64: string): KeyObject | null {
  let k = publicKeyCache.get(publicKeyBase64);
  if (k !== undefined) return k;
  const raw = tryDecodeBase64(publicKeyBase64);
  if (raw === undefined || raw.length !== 32) {
    k = null;
  } else {
    try {
      k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      k = null;
    }
  }
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_MAX) publicKeyCache.clear();
  publicKeyCache.set(publicKeyBase64, k);
  return k;
}

/**
 * Verify a raw Ed25519 signature. Returns false (never throws) on a bad key,
 * bad base64 or wrong signature.
 */
export function verifyBytes(publicKeyBase64: string, data: Uint8Array | string, signatureBase64: string): boolean {
  if (typeof publicKeyBase64 !== 'string' || typeof signatureBase64 !== 'string') return false;
  const key = publicKeyObject(publicKeyBase64);
  if (key === null) return false;
  const sig = tryDecodeBase64(signatureBase64);
  if (sig === undefined || sig.length !== 64) return false;
  try {
    return verify(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, key, sig);
  } catch {
    return false;
  }
}
