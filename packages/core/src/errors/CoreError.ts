// Typed error of the pure core. Every malformed input the core rejects is a
// CoreError (never a TypeError/RangeError from deep inside), so callers can map
// it to a Matrix error (M_BAD_JSON, M_TOO_LARGE, M_INVALID_PARAM…) in one place.

export type CoreErrorCode =
  /** Not JSON, or a JSON value of the wrong shape/type. */
  | 'BAD_JSON'
  /** JSON that canonical JSON cannot represent (floats, out-of-range integers, lone surrogates). */
  | 'NOT_CANONICAL'
  /** Over a size limit (event 65,536 bytes; id/type/state_key 255 bytes). */
  | 'TOO_LARGE'
  /** An identifier (user/room/event ID, alias, server name, key ID) that breaks its grammar. */
  | 'INVALID_ID'
  /** Not valid unpadded/padded base64. */
  | 'BAD_BASE64'
  /** A key that cannot be used (wrong length, unknown algorithm, bad key file). */
  | 'BAD_KEY'
  | 'BAD_SIGNATURE'
  | 'BAD_HASH'
  /** A required field is missing. */
  | 'MISSING_FIELD'
  /** Something the caller must supply for this room version was not supplied. */
  | 'BAD_INPUT';

export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    /** The offending field (dotted path within the object, e.g. `content.membership`). */
    readonly field?: string,
  ) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.name = 'CoreError';
  }
}

export const isCoreError = (e: unknown): e is CoreError => e instanceof CoreError;
