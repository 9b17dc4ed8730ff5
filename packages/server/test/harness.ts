// Black-box test harness: a real Weft server on an ephemeral 127.0.0.1 port,
// with a temporary data directory and (for PostgreSQL) a fresh database that is
// dropped on close.
//
//   for (const engine of engines()) describe(engine, () => {
//     let hs: TestServer;
//     before(async () => { hs = await startTestServer({ engine }); });
//     after(() => hs.close());
//     it('...', async () => { const alice = await hs.register('alice'); ... });
//   });
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseConfig, startHomeserver, type Homeserver, type HomeserverConfig } from '@weft/server';
import { writeNewSigningKeyFile } from '../src/config/signingKey.js';

export type Engine = 'sqlite' | 'postgres';

/** ['sqlite'], plus 'postgres' when WEFT_TEST_POSTGRES names a server (CI sets it). */
export function engines(): Engine[] {
  return process.env.WEFT_TEST_POSTGRES ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

export interface TestServer {
  baseUrl: string;
  serverName: string;
  /** The running server (its storage and services, for white-box set-up). */
  hs: Homeserver;
  /** Registers a user through POST /register (m.login.dummy). Default localpart: random. */
  register(localpart?: string, password?: string): Promise<TestUser>;
  /** One HTTP request. `body` objects are sent as JSON, strings verbatim. `path` may include a query. */
  request(method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>): Promise<TestResponse>;
  /** Stops the server and deletes its data (and its PostgreSQL database). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  engine?: Engine;
  serverName?: string;
  /** Raw homeserver.yaml keys, merged over the test defaults (e.g. { enable_registration: false }). */
  config?: Record<string, unknown>;
}

let counter = 0;

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const engine = opts.engine ?? 'sqlite';
  const serverName = opts.serverName ?? 'weft.test';
  const dir = await mkdtemp(join(tmpdir(), 'weft-test-'));
  await writeNewSigningKeyFile(join(dir, 'signing.key'));
  let pg: { adminUrl: string; dbName: string } | undefined;
  let database: Record<string, unknown> = { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } };
  if (engine === 'postgres') {
    const adminUrl = process.env.WEFT_TEST_POSTGRES;
    if (!adminUrl) throw new Error('WEFT_TEST_POSTGRES is not set');
    const dbName = `weft_test_${randomBytes(6).toString('hex')}`;
    await pgAdmin(adminUrl, `CREATE DATABASE ${dbName}`);
    pg = { adminUrl, dbName };
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    database = { name: 'psycopg2', args: { url: url.toString(), cp_max: 5 } };
  }
  const unlimited = { per_second: 1e6, burst_count: 1e6 };
  const raw = {
    server_name: serverName,
    listeners: [{ port: 0, bind_addresses: ['127.0.0.1'], type: 'http', resources: [{ names: ['client'] }] }],
    database,
    signing_key_path: join(dir, 'signing.key'),
    enable_registration: true,
    enable_registration_without_verification: true,
    registration_shared_secret: 'test-shared-secret',
    rc_message: unlimited,
    rc_registration: unlimited,
    rc_login: unlimited,
    log_level: (process.env.WEFT_TEST_LOG as HomeserverConfig['log_level']) ?? 'silent',
    ...opts.config,
  };
  let hs: Homeserver;
  try {
    hs = await startHomeserver(parseConfig(raw, dir));
  } catch (err) {
    if (pg) await pgAdmin(pg.adminUrl, `DROP DATABASE IF EXISTS ${pg.dbName} WITH (FORCE)`).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const baseUrl = hs.clientUrl;

  const request = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<TestResponse> => {
    const h: Record<string, string> = { ...headers };
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  return {
    baseUrl,
    serverName,
    hs,
    request,
    async register(localpart?: string, password = 'correct horse battery staple') {
      const username = localpart ?? `user${++counter}_${randomBytes(3).toString('hex')}`;
      const res = await request('POST', '/_matrix/client/v3/register', { username, password, auth: { type: 'm.login.dummy' } });
      if (res.status !== 200) throw new Error(`register ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { userId: res.body.user_id, accessToken: res.body.access_token, deviceId: res.body.device_id };
    },
    async close() {
      await hs.close();
      if (pg) await pgAdmin(pg.adminUrl, `DROP DATABASE IF EXISTS ${pg.dbName} WITH (FORCE)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function pgAdmin(url: string, statement: string): Promise<void> {
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
