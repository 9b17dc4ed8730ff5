import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CoreError, decodeBase64, formatSynapseSigningKey, parseSynapseSigningKey, signJson, signatureKeyIds,
  signingKeyFromSeed, verifyJsonSignature, verifyBytes,
} from '../mine.js';

// content/appendices.md "Cryptographic Test Vectors".
const SEED = decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1');
const key = signingKeyFromSeed(SEED, 'ed25519:1');

test('appendix JSON signing vectors, byte for byte', () => {
  assert.deepEqual(signJson({}, 'domain', key), {
    signatures: { domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' } },
  });
  assert.deepEqual(signJson({ one: 1, two: 'Two' }, 'domain', key), {
    one: 1,
    signatures: { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } },
    two: 'Two',
  });
});

test('unsigned and signatures are excluded; existing signatures kept; several signers', () => {
  const a = signJson({ one: 1, two: 'Two', unsigned: { age_ts: 5 } }, 'domain', key);
  assert.equal(a.signatures.domain!['ed25519:1'], 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw');
  assert.deepEqual(a.unsigned, { age_ts: 5 });
  const other = signingKeyFromSeed(new Uint8Array(32).fill(7), 'ed25519:abc');
  const b = signJson(a, 'other.example', other);
  const c = signJson(b, 'domain', other);
  assert.deepEqual(Object.keys(c.signatures).sort(), ['domain', 'other.example']);
  assert.deepEqual(Object.keys(c.signatures.domain!).sort(), ['ed25519:1', 'ed25519:abc']);
  assert.ok(verifyJsonSignature(c, 'domain', 'ed25519:1', key.publicKeyBase64));
  assert.ok(verifyJsonSignature(c, 'other.example', 'ed25519:abc', other.publicKeyBase64));
  assert.ok(verifyJsonSignature(c, 'domain', 'ed25519:abc', other.publicKeyBase64));
  assert.deepEqual(signatureKeyIds(c, 'domain').sort(), ['ed25519:1', 'ed25519:abc']);
  // Input object not mutated.
  assert.deepEqual(a.signatures, { domain: { 'ed25519:1': a.signatures.domain!['ed25519:1']! } });
});

test('verifyJsonSignature is false (never a throw) for tampering and garbage', () => {
  const s = signJson({ one: 1 }, 'domain', key);
  assert.ok(verifyJsonSignature(s, 'domain', 'ed25519:1', key.publicKeyBase64));
  assert.equal(verifyJsonSignature({ ...s, one: 2 }, 'domain', 'ed25519:1', key.publicKeyBase64), false);
  assert.equal(verifyJsonSignature(s, 'other', 'ed25519:1', key.publicKeyBase64), false);
  assert.equal(verifyJsonSignature(s, 'domain', 'ed25519:2', key.publicKeyBase64), false);
  assert.equal(verifyJsonSignature(s, 'domain', 'ed25519:1', 'notbase64!'), false);
  assert.equal(verifyJsonSignature(s, 'domain', 'ed25519:1', 'AAAA'), false);
  assert.equal(verifyJsonSignature({ signatures: { domain: { 'ed25519:1': '!!' } } }, 'domain', 'ed25519:1', key.publicKeyBase64), false);
  assert.equal(verifyJsonSignature({ signatures: { domain: { 'ed25519:1': 5 } } }, 'domain', 'ed25519:1', key.publicKeyBase64), false);
  assert.equal(verifyJsonSignature({ x: NaN, signatures: s.signatures }, 'domain', 'ed25519:1', key.publicKeyBase64), false);
  for (const g of [null, 5, 'x', [], { signatures: 'x' }, { signatures: null }]) {
    assert.equal(verifyJsonSignature(g, 'domain', 'ed25519:1', key.publicKeyBase64), false);
  }
  assert.equal(verifyBytes(key.publicKeyBase64, 'x', 'AAAA'), false);
});

test('Synapse signing key file format round-trips', () => {
  const text = formatSynapseSigningKey(key);
  assert.match(text, /^ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW\+3XA[A-Za-z0-9+/]\n$/);
  const k2 = parseSynapseSigningKey(text);
  assert.equal(k2.keyId, 'ed25519:1');
  assert.equal(k2.publicKeyBase64, key.publicKeyBase64);
  const k3 = parseSynapseSigningKey('ed25519 a_bc YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n');
  assert.equal(k3.keyId, 'ed25519:a_bc');
  for (const bad of ['', 'ed25519 1', 'rsa 1 AAAA', 'ed25519 1 AAAA', 'ed25519 1 !!!']) {
    assert.throws(() => parseSynapseSigningKey(bad), (e: unknown) => e instanceof CoreError && (e.code === 'BAD_KEY' || e.code === 'BAD_BASE64'), bad);
  }
  assert.throws(() => signingKeyFromSeed(new Uint8Array(31), 'ed25519:1'), CoreError);
  assert.throws(() => signingKeyFromSeed(SEED, 'rsa:1'), CoreError);
});
