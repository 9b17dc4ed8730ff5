// Helpers of the E2EE black-box tests: real Ed25519 keys and signed key objects
// (appendices "Signing JSON"), as a client would make them.
import { randomBytes } from 'node:crypto';
import { signatureFor, signingKeyFromSeed, type SigningKey } from '@weft/core';
import type { TestServer, TestUser } from '../harness.js';

export const V3 = '/_matrix/client/v3';

export interface Ed25519 {
  key: SigningKey;
  /** Unpadded base64 public key. */
  pub: string;
}

export function newEd25519(): Ed25519 {
  const key = signingKeyFromSeed(randomBytes(32), 'ed25519:k');
  return { key, pub: key.publicKeyBase64 };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Adds `signatures[userId][keyId]` made with `signer` to a copy of `obj`. */
export function sign(obj: Obj, userId: string, keyId: string, signer: Ed25519): Obj {
  const sig = signatureFor(obj, signer.key);
  const signatures = { ...(obj.signatures ?? {}) };
  signatures[userId] = { ...(signatures[userId] ?? {}), [keyId]: sig };
  return { ...obj, signatures };
}

export interface TestDevice {
  user: TestUser;
  ed: Ed25519;
  curve: string;
  deviceKeys: Obj;
}

/** A device's signed identity keys (device_keys.yaml). */
export function deviceKeysFor(user: TestUser, ed = newEd25519()): TestDevice {
  const curve = randomBytes(32).toString('base64').replace(/=+$/, '');
  const unsigned = {
    user_id: user.userId,
    device_id: user.deviceId,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${user.deviceId}`]: curve, [`ed25519:${user.deviceId}`]: ed.pub },
  };
  return { user, ed, curve, deviceKeys: sign(unsigned, user.userId, `ed25519:${user.deviceId}`, ed) };
}

/** `count` signed_curve25519 one-time keys with IDs prefix0..prefixN. */
export function oneTimeKeys(dev: TestDevice, count: number, prefix = 'AAAA', fallback = false): Obj {
  const out: Obj = {};
  for (let i = 0; i < count; i++) {
    const k: Obj = { key: randomBytes(32).toString('base64').replace(/=+$/, '') };
    if (fallback) k.fallback = true;
    out[`signed_curve25519:${prefix}${i}`] = sign(k, dev.user.userId, `ed25519:${dev.user.deviceId}`, dev.ed);
  }
  return out;
}

export interface CrossSigning {
  master: Ed25519;
  selfSigning: Ed25519;
  userSigning: Ed25519;
  body: Obj;
}

/** Master, self-signing and user-signing keys, the latter two signed by the master (cross_signing_key.yaml). */
export function crossSigningKeys(userId: string): CrossSigning {
  const master = newEd25519();
  const selfSigning = newEd25519();
  const userSigning = newEd25519();
  const mk = (usage: string, k: Ed25519) => ({ user_id: userId, usage: [usage], keys: { [`ed25519:${k.pub}`]: k.pub } });
  return {
    master, selfSigning, userSigning,
    body: {
      master_key: mk('master', master),
      self_signing_key: sign(mk('self_signing', selfSigning), userId, `ed25519:${master.pub}`, master),
      user_signing_key: sign(mk('user_signing', userSigning), userId, `ed25519:${master.pub}`, master),
    },
  };
}

export async function uploadDevice(hs: TestServer, user: TestUser, extra: Obj = {}): Promise<TestDevice> {
  const dev = deviceKeysFor(user);
  const res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: dev.deviceKeys, ...extra }, user.accessToken);
  if (res.status !== 200) throw new Error(`keys/upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return dev;
}

export async function createRoom(hs: TestServer, user: TestUser, body: Obj = {}): Promise<string> {
  const res = await hs.request('POST', `${V3}/createRoom`, { preset: 'public_chat', ...body }, user.accessToken);
  if (res.status !== 200) throw new Error(`createRoom failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.room_id as string;
}

export async function join(hs: TestServer, user: TestUser, roomId: string): Promise<void> {
  const res = await hs.request('POST', `${V3}/join/${encodeURIComponent(roomId)}`, {}, user.accessToken);
  if (res.status !== 200) throw new Error(`join failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function sync(hs: TestServer, user: TestUser, since?: string, timeoutMs = 0): Promise<Obj> {
  const q = new URLSearchParams({ timeout: String(timeoutMs) });
  if (since) q.set('since', since);
  const res = await hs.request('GET', `${V3}/sync?${q}`, undefined, user.accessToken);
  if (res.status !== 200) throw new Error(`sync failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
