// Access and refresh tokens: 32 random bytes, base64url, with a readable
// prefix. Only their SHA-256 is stored, so a leaked database or backup does not
// hand out live sessions; a plain hash suffices because tokens are 256-bit random.
import { createHash, randomBytes } from 'node:crypto';

export function newAccessToken(): string {
  return 'wat_' + randomBytes(32).toString('base64url');
}

export function newRefreshToken(): string {
  return 'wrt_' + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const DEVICE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Device IDs like Synapse's: 10 upper-case letters. */
export function newDeviceId(): string {
  return Array.from(randomBytes(10), (b) => DEVICE_ALPHABET[b % 26]).join('');
}
