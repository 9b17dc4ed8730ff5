// User-interactive authentication (client-server-api "User-interactive
// authentication API"), reusable by every endpoint that needs it: register,
// delete_devices, DELETE /devices/{id}, account/password, account/deactivate,
// keys/device_signing/upload, ...
//
//   const done = await uia.check(req.body, { operation: 'delete_devices', flows: [['m.login.password']], userId });
//
// `check` either returns (a flow is complete) or throws the spec's 401 response
// {flows, params, session, completed?, errcode?, error?} for the client to continue.
// Stages are plug-ins: a StageHandler validates its auth dict and throws a
// MatrixError when it fails.
//
// NOTSPEC: sessions live in memory (like Synapse's nonce store); a restart makes
// clients start the flow again, which the spec allows (unknown session).
import { randomBytes } from 'node:crypto';
import { MatrixError } from '@weft/core';
import { ResponseError } from '../http/ResponseError.js';
import { isObject, type JsonObject } from '../http/validate.js';

export interface UiaSession {
  readonly id: string;
  /** The operation the session was started for; a session cannot be reused for another. */
  readonly operation: string;
  readonly completed: Set<string>;
  /** Stage-private data, e.g. the registration token reserved by m.login.registration_token. */
  readonly data: Record<string, unknown>;
  expiresMs: number;
}

export interface StageContext {
  session: UiaSession;
  /** The user the operation acts on (authenticated endpoints); undefined for registration. */
  userId: string | undefined;
}

/** Validates one stage's auth dict; throws a MatrixError (e.g. 401/403 M_FORBIDDEN) when it fails. */
export type StageHandler = (auth: JsonObject, ctx: StageContext) => Promise<void>;

export interface UiaCheck {
  /** Names the endpoint, e.g. 'register', 'delete_devices'. */
  operation: string;
  /** Allowed flows, each a list of stage types; one must be completed in full. */
  flows: string[][];
  /** The `params` object of the 401 response (per stage type). */
  params?: Record<string, unknown>;
  userId?: string;
  /**
   * The request's own parameters. Stored with the session the first time it is
   * seen and returned as `request` on completion, so a client that does not
   * resend them (e.g. the password on the last registration step) still works.
   */
  request?: JsonObject;
}

export interface UiaResult {
  sessionId: string;
  completed: string[];
  data: Record<string, unknown>;
  /** The request parameters from the session's first request (see UiaCheck.request). */
  request: JsonObject;
}

const MAX_SESSIONS = 50_000;

export class UserInteractiveAuth {
  private readonly sessions = new Map<string, UiaSession>();
  /** Called when a session expires unfinished (so stages can release what they reserved). */
  readonly onSessionExpired: ((session: UiaSession) => Promise<void> | void)[] = [];

  constructor(
    private readonly stages: Record<string, StageHandler>,
    private readonly opts: { sessionLifetimeMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  async check(body: JsonObject, req: UiaCheck): Promise<UiaResult> {
    await this.expire();
    const auth = body.auth;
    if (auth !== undefined && auth !== null && !isObject(auth)) throw new MatrixError(400, 'M_BAD_JSON', 'auth must be an object');
    let session: UiaSession;
    const sessionId = isObject(auth) ? auth.session : undefined;
    if (sessionId !== undefined) {
      if (typeof sessionId !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.session must be a string');
      const found = this.sessions.get(sessionId);
      if (!found) throw new MatrixError(400, 'M_UNKNOWN', 'Unknown UIA session');
      if (found.operation !== req.operation) throw new MatrixError(403, 'M_FORBIDDEN', 'UIA session was started for a different request');
      session = found;
    } else {
      session = this.newSession(req.operation);
    }
    session.expiresMs = this.now() + (this.opts.sessionLifetimeMs ?? 15 * 60_000);
    if (req.request && session.data.request === undefined) session.data.request = req.request;

    if (isObject(auth) && auth.type !== undefined) {
      const type = auth.type;
      if (typeof type !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'auth.type must be a string');
      const allowed = req.flows.some((f) => f.includes(type));
      const handler = this.stages[type];
      if (!allowed || !handler) {
        throw this.challenge(session, req, { errcode: 'M_UNRECOGNIZED', error: `Auth type ${type} is not offered here` }, 401);
      }
      if (!session.completed.has(type)) {
        try {
          await handler(auth, { session, userId: req.userId });
        } catch (err) {
          if (err instanceof MatrixError && err.httpStatus < 500 && err.errcode !== 'M_LIMIT_EXCEEDED') {
            throw this.challenge(session, req, { errcode: err.errcode, error: err.message }, 401);
          }
          throw err;
        }
        session.completed.add(type);
      }
    }

    if (req.flows.some((flow) => flow.every((stage) => session.completed.has(stage)))) {
      this.sessions.delete(session.id);
      return {
        sessionId: session.id,
        completed: [...session.completed],
        data: session.data,
        request: (session.data.request as JsonObject | undefined) ?? req.request ?? {},
      };
    }
    throw this.challenge(session, req, {}, 401);
  }

  /** Forget a session without the expiry hooks (e.g. the operation itself failed permanently). */
  discard(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private newSession(operation: string): UiaSession {
    // Bound memory under a flood of abandoned flows: drop the oldest sessions.
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    const s: UiaSession = { id: randomBytes(18).toString('base64url'), operation, completed: new Set(), data: {}, expiresMs: 0 };
    this.sessions.set(s.id, s);
    return s;
  }

  private challenge(session: UiaSession, req: UiaCheck, err: Record<string, unknown>, status: number): ResponseError {
    return new ResponseError(status, {
      ...err,
      flows: req.flows.map((stages) => ({ stages })),
      params: req.params ?? {},
      session: session.id,
      ...(session.completed.size > 0 ? { completed: [...session.completed] } : {}),
    });
  }

  private async expire(): Promise<void> {
    const nowMs = this.now();
    for (const [id, s] of this.sessions) {
      if (s.expiresMs > nowMs) continue;
      this.sessions.delete(id);
      for (const hook of this.onSessionExpired) await hook(s);
    }
  }
}

/** m.login.dummy: always succeeds (only offered where nothing else is required). */
export const dummyStage: StageHandler = async () => {};
