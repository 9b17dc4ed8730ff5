// The Matrix error catalogue (DESIGN principle 8): a closed errcode union and one
// error class. The server serialises these to `{"errcode", "error"}` in one place.
// Spec: content/client-server-api/_index.md "Standard error response".

export type MatrixErrcode =
  | 'M_FORBIDDEN' | 'M_UNKNOWN_TOKEN' | 'M_MISSING_TOKEN' | 'M_USER_LOCKED' | 'M_USER_SUSPENDED'
  | 'M_BAD_JSON' | 'M_NOT_JSON' | 'M_NOT_FOUND' | 'M_LIMIT_EXCEEDED' | 'M_UNRECOGNIZED' | 'M_UNKNOWN'
  | 'M_UNAUTHORIZED' | 'M_USER_DEACTIVATED' | 'M_USER_IN_USE' | 'M_INVALID_USERNAME' | 'M_ROOM_IN_USE'
  | 'M_INVALID_ROOM_STATE' | 'M_THREEPID_IN_USE' | 'M_THREEPID_NOT_FOUND' | 'M_THREEPID_AUTH_FAILED'
  | 'M_THREEPID_DENIED' | 'M_SERVER_NOT_TRUSTED' | 'M_UNSUPPORTED_ROOM_VERSION'
  | 'M_INCOMPATIBLE_ROOM_VERSION' | 'M_BAD_STATE' | 'M_GUEST_ACCESS_FORBIDDEN' | 'M_CAPTCHA_NEEDED'
  | 'M_CAPTCHA_INVALID' | 'M_MISSING_PARAM' | 'M_INVALID_PARAM' | 'M_TOO_LARGE' | 'M_EXCLUSIVE'
  | 'M_RESOURCE_LIMIT_EXCEEDED' | 'M_CANNOT_LEAVE_SERVER_NOTICE_ROOM' | 'M_WEAK_PASSWORD'
  | 'M_UNABLE_TO_AUTHORISE_JOIN' | 'M_UNABLE_TO_GRANT_JOIN' | 'M_WRONG_ROOM_KEYS_VERSION'
  | 'M_INVALID_SIGNATURE' | 'M_UNKNOWN_POS' | 'M_NOT_YET_UPLOADED' | 'M_CANNOT_OVERWRITE_MEDIA'
  | 'M_THREEPID_MEDIUM_NOT_SUPPORTED' | 'M_KEY_NOT_FOUND';

export class MatrixError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errcode: MatrixErrcode,
    message: string,
    /** Extra top-level fields of the error body (e.g. retry_after_ms, room_version). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MatrixError';
  }

  toJSON(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

export const forbidden = (msg: string) => new MatrixError(403, 'M_FORBIDDEN', msg);
export const badJson = (msg: string) => new MatrixError(400, 'M_BAD_JSON', msg);
export const notJson = (msg: string) => new MatrixError(400, 'M_NOT_JSON', msg);
export const notFound = (msg: string) => new MatrixError(404, 'M_NOT_FOUND', msg);
export const invalidParam = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);
export const missingParam = (msg: string) => new MatrixError(400, 'M_MISSING_PARAM', msg);
export const tooLarge = (msg: string) => new MatrixError(413, 'M_TOO_LARGE', msg);
export const unrecognized = (msg: string, status = 404) => new MatrixError(status, 'M_UNRECOGNIZED', msg);
export const unknown = (msg: string) => new MatrixError(500, 'M_UNKNOWN', msg);
