// An error whose response body is given verbatim, for the few responses that are
// not a plain MatrixError body — e.g. the user-interactive-auth 401 with flows,
// params and session (client-server-api "User-interactive authentication API").
export class ResponseError extends Error {
  override name = 'ResponseError';
  constructor(
    readonly httpStatus: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${httpStatus}`);
  }
}
