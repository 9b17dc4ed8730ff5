// Helpers for the real-client tests: matrix-js-sdk clients against a Weft test server.
// The js-sdk is a real client: it decides which endpoints to call and how to read the answers, so
// these tests catch what black-box tests written from the spec alone cannot (ordering of the start-up
// requests, tolerance of missing fields, token formats...).
import * as sdk from 'matrix-js-sdk';
import { logger as sdkRootLogger } from 'matrix-js-sdk/lib/logger.js';

/** A logger that drops everything (the js-sdk logs every sync at debug level). */
const silentLogger: sdk.MatrixClient['logger'] = {
  trace() {}, debug() {}, info() {}, warn() {}, error() {},
  getChild() {
    return silentLogger;
  },
};

let quieted = false;
/** Silences the js-sdk's global loglevel logger (used by modules that do not take the client's). */
export function quietJsSdk(): void {
  if (quieted) return;
  quieted = true;
  // Child loggers (created per client and per module, e.g. MatrixRTCSessionManager's) copy the root's
  // methodFactory when they are made, and set their own level; a no-op factory silences them all.
  const root = sdkRootLogger as unknown as { methodFactory: unknown; rebuild?(): void; setLevel(level: string, persist?: boolean): void };
  root.methodFactory = () => () => {};
  root.rebuild?.();
  root.setLevel('silent', false);
}

/**
 * The js-sdk leaks timers under Node: every request arms a `timeoutSignal` timer (sync: 30 s long-poll
 * + 80 s) that is never cleared when the request completes, and ServerCapabilities re-arms a 6-hour
 * poll. They keep the test process alive for up to two minutes after the last test. (Not a server
 * problem: the same happens against Synapse.) We note every timer the js-sdk arms and clear the
 * leftovers after stopClient().
 */
const sdkTimers = new Set<ReturnType<typeof setTimeout>>();
let timersPatched = false;
function trackJsSdkTimers(): void {
  if (timersPatched) return;
  timersPatched = true;
  const original = globalThis.setTimeout;
  const arm = original as unknown as (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => ReturnType<typeof setTimeout>;
  const patched = function (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) {
    const fromSdk = (new Error().stack ?? '').includes('matrix-js-sdk');
    if (!fromSdk) return arm(fn, ms, ...args);
    const handle = arm((...a: unknown[]) => {
      sdkTimers.delete(handle);
      fn(...a);
    }, ms, ...args);
    sdkTimers.add(handle);
    return handle;
  };
  globalThis.setTimeout = Object.assign(patched, original) as typeof setTimeout;
}

/** Clears every timer the js-sdk armed and left behind (call after stopClient() on all clients). */
export function releaseJsSdkTimers(): void {
  for (const t of sdkTimers) clearTimeout(t);
  sdkTimers.clear();
}

/** One HTTP exchange seen by a client (kept for diagnosing failures). */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  body?: string;
}

/**
 * A fetch for the js-sdk that records every non-2xx answer, so a failing test can print the exact
 * request and response that a real client tripped over.
 */
export function recordingFetch(log: Exchange[]): typeof globalThis.fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (res.status >= 300) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const body = await res.clone().text().catch(() => '');
      const method = init?.method ?? 'GET';
      if (res.status === 401 && body.includes('"flows"')) return res; // a UIA step, not a failure
      log.push({ method, url: url.replace(/access_token=[^&]*/, 'access_token=…'), status: res.status, body: body.slice(0, 300) });
    }
    return res;
  };
}

/** The recorded failures, one line each with a repeat count (for assertion messages). */
export function summarize(log: Exchange[]): string {
  const counts = new Map<string, number>();
  for (const e of log) {
    const key = `${e.method} ${e.url.replace(/^https?:\/\/[^/]+/, '')} → ${e.status} ${e.body ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join('\n') || '(none)';
}

export function newClient(
  baseUrl: string,
  log: Exchange[],
  creds?: { userId: string; accessToken: string; deviceId: string },
  opts: Partial<sdk.ICreateClientOpts> = {},
): sdk.MatrixClient {
  quietJsSdk();
  trackJsSdkTimers();
  return sdk.createClient({
    baseUrl,
    fetchFn: recordingFetch(log),
    logger: silentLogger,
    ...(creds ?? {}),
    ...opts,
  });
}

/**
 * Registers through the js-sdk's own user-interactive auth round trip (client-server-api
 * "User-interactive authentication API"): a first POST /register without `auth` must fail with 401
 * and a `session` + `flows` offering m.login.dummy; the second completes the dummy stage.
 */
export async function registerWithDummyAuth(client: sdk.MatrixClient, username: string, password: string): Promise<sdk.RegisterResponse> {
  let session: string | undefined;
  try {
    await client.registerRequest({ username, password });
    throw new Error('POST /register without auth succeeded; the spec requires a UIA 401 first');
  } catch (err) {
    if (!(err instanceof sdk.MatrixError) || err.httpStatus !== 401) throw err;
    const data = err.data as { session?: string; flows?: { stages: string[] }[] };
    if (!data.flows?.some((f) => f.stages.length === 1 && f.stages[0] === 'm.login.dummy')) {
      throw new Error(`no m.login.dummy flow offered: ${JSON.stringify(data)}`);
    }
    session = data.session;
  }
  return client.registerRequest({ username, password, auth: { type: 'm.login.dummy', session } });
}

/** Resolves when `test` holds, re-checking on each emission of `event`; rejects after `timeoutMs`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEmitter = { on(e: any, f: (...a: any[]) => void): unknown; off(e: any, f: (...a: any[]) => void): unknown };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function waitFor<T extends any[]>(
  emitter: AnyEmitter,
  event: string,
  test: (...args: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const listener = (...args: T) => {
      let ok = false;
      try {
        ok = test(...args);
      } catch (err) {
        done();
        reject(err as Error);
        return;
      }
      if (ok) {
        done();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      emitter.off(event, listener);
    };
    emitter.on(event, listener);
  });
}

/**
 * Resolves once `check()` holds; re-checks after every sync response the client has processed
 * (ClientEvent.Sync) and on a short timer, so it does not depend on which model event fires first.
 */
export function waitUntil(client: sdk.MatrixClient, check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = () => {
      let ok = false;
      try {
        ok = check();
      } catch {
        ok = false;
      }
      if (ok) {
        done();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (sync state ${client.getSyncState()}, token ${client.store.getSyncToken()})`));
    }, timeoutMs);
    const interval = setInterval(poll, 50);
    const done = () => {
      clearTimeout(timer);
      clearInterval(interval);
      client.off(sdk.ClientEvent.Sync, poll);
    };
    client.on(sdk.ClientEvent.Sync, poll);
    poll();
  });
}

/** Resolves once the client's sync loop reports PREPARED (initial sync processed). */
export async function startAndWaitPrepared(
  client: sdk.MatrixClient,
  log: Exchange[],
  initialSyncLimit = 10,
  timeoutMs = 15_000,
  startOpts: sdk.IStartClientOpts = {},
): Promise<void> {
  const prepared = waitFor(
    client,
    sdk.ClientEvent.Sync,
    (state: sdk.SyncState) => state === sdk.SyncState.Prepared || state === sdk.SyncState.Syncing,
    `first sync of ${client.getUserId()}`,
    timeoutMs,
  );
  await client.startClient({ initialSyncLimit, ...startOpts });
  try {
    await prepared;
  } catch (err) {
    throw new Error(`${(err as Error).message}; failed requests:\n${summarize(log)}`);
  }
}
