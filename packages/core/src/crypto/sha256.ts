// SHA-256 (used for content hashes, reference hashes and event/room IDs).
import { createHash } from 'node:crypto';

/** SHA-256 of bytes, or of a string's UTF-8 encoding. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(data).digest();
}
