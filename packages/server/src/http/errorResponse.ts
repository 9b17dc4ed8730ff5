// The one place that turns a thrown value into an HTTP error response
// (DESIGN principle 8). Anything that is not a MatrixError/ResponseError or a
// known database error is a bug: 500 M_UNKNOWN with a log id, logged in full.
import { randomBytes } from 'node:crypto';
import { MatrixError } from '@weft/core';
import { ResponseError } from './ResponseError.js';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
  /** Set for unexpected errors: log it with this id. */
  logId?: string;
}

export function errorResponse(err: unknown): ErrorResponse {
  if (err instanceof MatrixError) return { status: err.httpStatus, body: err.toJSON() };
  if (err instanceof ResponseError) return { status: err.httpStatus, body: err.body };
  const e = err as { code?: string; statusCode?: number; message?: string } | null;
  switch (e?.code) {
    // PostgreSQL "invalid byte sequence for encoding UTF8: 0x00": a client string with U+0000
    // (text columns cannot hold it) reached a query; the input is at fault, not the server.
    // Handlers refuse NUL where they validate; this is the safety net for the rest.
    case '22021':
      return { status: 400, body: { errcode: 'M_INVALID_PARAM', error: 'Strings must not contain NUL (U+0000)' } };
  }
  const logId = randomBytes(6).toString('hex');
  return { status: 500, body: { errcode: 'M_UNKNOWN', error: `Internal server error (log id ${logId})` }, logId };
}
