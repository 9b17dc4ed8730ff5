// The server's Ed25519 signing key file, in Synapse's format: one line
// "ed25519 <key version> <unpadded base64 seed>" (so keys move between Synapse and Weft).
// NOTE: private helper until @weft/core's parseSynapseSigningKey/formatSynapseSigningKey land.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

export interface SigningKeySeed {
  /** e.g. "ed25519:a_Xyz1" */
  keyId: string;
  /** 32-byte Ed25519 seed. */
  seed: Uint8Array;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function generateSigningKey(): SigningKeySeed {
  const version = 'a_' + Array.from(randomBytes(4), (b) => ALNUM[b % ALNUM.length]).join('');
  return { keyId: `ed25519:${version}`, seed: new Uint8Array(randomBytes(32)) };
}

export function formatSigningKey(k: SigningKeySeed): string {
  const version = k.keyId.slice('ed25519:'.length);
  return `ed25519 ${version} ${Buffer.from(k.seed).toString('base64').replace(/=+$/, '')}\n`;
}

export function parseSigningKey(text: string): SigningKeySeed {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  const parts = line?.split(/\s+/) ?? [];
  if (parts.length !== 3 || parts[0] !== 'ed25519' || !/^[A-Za-z0-9_]+$/.test(parts[1]!)) {
    throw new Error('signing key file must contain "ed25519 <version> <base64 seed>"');
  }
  const seed = Buffer.from(parts[2]!, 'base64');
  if (seed.length !== 32) throw new Error('signing key seed must be 32 bytes');
  return { keyId: `ed25519:${parts[1]}`, seed: new Uint8Array(seed) };
}

export async function readSigningKeyFile(path: string): Promise<SigningKeySeed> {
  try {
    return parseSigningKey(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot load signing key ${path}: ${(err as Error).message}`);
  }
}

/** Writes a new key file (mode 0600); refuses to overwrite an existing one. */
export async function writeNewSigningKeyFile(path: string): Promise<SigningKeySeed> {
  const key = generateSigningKey();
  await writeFile(path, formatSigningKey(key), { mode: 0o600, flag: 'wx' });
  return key;
}
