// Unpadded base64. Spec: content/appendices.md "Unpadded Base64" and
// "URL-safe unpadded Base64": RFC 4648 without `=`; decoders SHOULD accept
// input with or without padding.
import { CoreError } from '../errors/CoreError.js';

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Unpadded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const s = asBuffer(bytes).toString('base64');
  // At most two trailing '='.
  if (s.endsWith('==')) return s.slice(0, -2);
  if (s.endsWith('=')) return s.slice(0, -1);
  return s;
}

/** Unpadded URL-safe base64 (`-` and `_` for 62 and 63). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64url');
}

const BASE64_RE = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Decode standard or URL-safe base64, padded or not. Throws
 * CoreError('BAD_BASE64') on characters outside the alphabets, misplaced
 * padding or an impossible length.
 */
export function decodeBase64(str: string): Uint8Array {
  if (typeof str !== 'string' || !BASE64_RE.test(str)) throw new CoreError('BAD_BASE64', 'not base64');
  const pad = str.endsWith('==') ? 2 : str.endsWith('=') ? 1 : 0;
  const body = pad === 0 ? str : str.slice(0, -pad);
  const rem = body.length % 4;
  if (rem === 1) throw new CoreError('BAD_BASE64', 'impossible base64 length');
  if (pad > 0 && (rem === 0 || (body.length + pad) % 4 !== 0)) {
    throw new CoreError('BAD_BASE64', 'bad base64 padding');
  }
  // Node's 'base64' decoder accepts both alphabets.
  const buf = Buffer.from(body, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Like decodeBase64 but returns undefined instead of throwing. */
export function tryDecodeBase64(str: unknown): Uint8Array | undefined {
  if (typeof str !== 'string') return undefined;
  try {
    return decodeBase64(str);
  } catch {
    return undefined;
  }
}
