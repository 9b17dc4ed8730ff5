// A Weft server as a child process (`weft start` from sources), for the
// durability test (kill -9 and restart on the same data) and the send
// throughput benchmark (server and load generator on different cores).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { writeNewSigningKeyFile } from '../../src/config/signingKey.js';
import type { Engine } from '../harness.js';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'serverProcess.ts');

export interface ChildServerData {
  dir: string;
  configPath: string;
  pg?: { adminUrl: string; dbName: string };
}

/** Writes a config (registration open, no rate limits) and signing key into a new temp dir. */
export async function prepareChildServer(engine: Engine, extra: Record<string, unknown> = {}): Promise<ChildServerData> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-child-'));
  await writeNewSigningKeyFile(join(dir, 'signing.key'));
  let database: Record<string, unknown> = { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } };
  let pg: ChildServerData['pg'];
  if (engine === 'postgres') {
    const adminUrl = process.env.WEFT_TEST_POSTGRES;
    if (!adminUrl) throw new Error('WEFT_TEST_POSTGRES is not set');
    const dbName = `weft_child_${randomBytes(6).toString('hex')}`;
    await pgAdmin(adminUrl, `CREATE DATABASE ${dbName}`);
    pg = { adminUrl, dbName };
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    database = { name: 'psycopg2', args: { url: url.toString(), cp_max: 10 } };
  }
  const unlimited = { per_second: 1e6, burst_count: 1e6 };
  const config = {
    server_name: 'weft.test',
    listeners: [{ port: 0, bind_addresses: ['127.0.0.1'], type: 'http', resources: [{ names: ['client'] }] }],
    database,
    signing_key_path: join(dir, 'signing.key'),
    enable_registration: true,
    enable_registration_without_verification: true,
    rc_message: unlimited,
    rc_registration: unlimited,
    rc_login: unlimited,
    log_level: 'warn',
    ...extra,
  };
  const configPath = join(dir, 'homeserver.yaml');
  // JSON is valid YAML.
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, ...(pg ? { pg } : {}) };
}

export interface RunningChild {
  baseUrl: string;
  proc: ChildProcess;
  /** SIGKILL, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful), and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `weft start --config …` and resolves once it printed its client URL. */
export async function startChildServer(data: ChildServerData, nodeArgs: string[] = []): Promise<RunningChild> {
  const proc = spawn(process.execPath, [...nodeArgs, '--conditions=weft-src', '--import', 'tsx', ENTRY, 'start', '--config', data.configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time; stderr: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /client API at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}; stderr: ${stderr}`));
    });
  });
  return {
    baseUrl,
    proc,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function removeChildServerData(data: ChildServerData): Promise<void> {
  if (data.pg) await pgAdmin(data.pg.adminUrl, `DROP DATABASE IF EXISTS ${data.pg.dbName} WITH (FORCE)`).catch(() => {});
  await rm(data.dir, { recursive: true, force: true });
}

/** Registers a user over HTTP (m.login.dummy); returns its access token and user ID. */
export async function registerUser(baseUrl: string, username: string): Promise<{ userId: string; accessToken: string }> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'pw-' + username, auth: { type: 'm.login.dummy' } }),
  });
  const body = (await res.json()) as { user_id: string; access_token: string };
  if (res.status !== 200) throw new Error(`register failed ${res.status} ${JSON.stringify(body)}`);
  return { userId: body.user_id, accessToken: body.access_token };
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
