// The homeserver configuration. Keys keep Synapse's homeserver.yaml names where
// the concept is the same, so existing Synapse knowledge (and config snippets)
// carries over; Weft-only keys are marked NOTSPEC.
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from './parseDuration.js';

/** Synapse's resource names: `openid` serves only the OpenID userinfo part of the federation API. */
export type ListenerResource = 'client' | 'federation' | 'openid';

export interface ListenerConfig {
  port: number;
  bind_addresses: string[];
  type: 'http';
  /** Synapse: trust X-Forwarded-For from a reverse proxy. */
  x_forwarded: boolean;
  resources: { names: ListenerResource[] }[];
}

export type DatabaseConfig =
  | { name: 'sqlite3'; args: { database: string } }
  | {
      name: 'psycopg2';
      args: {
        /** NOTSPEC: a postgres:// URL instead of the separate fields. */
        url?: string;
        user?: string;
        password?: string;
        host?: string;
        port?: number;
        database?: string;
        /** Synapse's cp_max. */
        cp_max?: number;
      };
    };

export interface RateLimit {
  per_second: number;
  burst_count: number;
}

export interface HomeserverConfig {
  server_name: string;
  public_baseurl: string | null;
  listeners: ListenerConfig[];
  database: DatabaseConfig;
  /** Absolute (resolved against the config file's directory). */
  signing_key_path: string;
  enable_registration: boolean;
  enable_registration_without_verification: boolean;
  registration_shared_secret: string | null;
  registration_requires_token: boolean;
  allow_guest_access: boolean;
  default_room_version: string;
  rc_message: RateLimit;
  rc_registration: RateLimit;
  rc_login: RateLimit;
  /** NOTSPEC: cap on any request body, bytes (Synapse only has max_upload_size for media). */
  max_request_body_size: number;
  /** Synapse: TURN servers handed to clients for VoIP (empty: GET /voip/turnServer is not served). */
  turn_uris: string[];
  /** Synapse: the coturn `static-auth-secret` (time-limited credentials, TURN REST API). */
  turn_shared_secret: string | null;
  /** Synapse: fixed TURN credentials, used when there is no shared secret. */
  turn_username: string | null;
  turn_password: string | null;
  /** Synapse: lifetime of TURN credentials, ms (YAML accepts "1h" etc.). */
  turn_user_lifetime_ms: number;
  /** Synapse: whether guests get TURN credentials. */
  turn_allow_guests: boolean;
  /** Synapse: where uploaded media is kept (absolute; default "media_store" beside the config). */
  media_store_path: string;
  /** Synapse: largest accepted upload, bytes (YAML accepts "50M" etc.). */
  max_upload_size: number;
  /** Synapse: images with more pixels than this are not thumbnailed (413 M_TOO_LARGE). */
  max_image_pixels: number;
  /** Synapse: lifetime of access tokens issued with a refresh token, ms (YAML accepts "5m" etc.). */
  refreshable_access_token_lifetime_ms: number;
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Directory of the config file; relative paths were resolved against it. */
  config_dir: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Validates a parsed YAML document and fills defaults. Throws ConfigError naming the bad key. */
export function parseConfig(raw: unknown, configDir: string): HomeserverConfig {
  const doc = obj(raw, '(top level)');
  const server_name = str(doc.server_name, 'server_name');
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(server_name)) {
    throw new ConfigError(`server_name: "${server_name}" is not a valid server name (hostname[:port])`);
  }
  const path = (p: string) => (isAbsolute(p) ? p : resolve(configDir, p));

  const listenersRaw = doc.listeners ?? [{ port: 8008, bind_addresses: ['127.0.0.1'], type: 'http', resources: [{ names: ['client'] }] }];
  if (!Array.isArray(listenersRaw) || listenersRaw.length === 0) throw new ConfigError('listeners: must be a non-empty list');
  const listeners = listenersRaw.map((l, i) => parseListener(l, `listeners[${i}]`));

  const config: HomeserverConfig = {
    server_name,
    public_baseurl: optStr(doc.public_baseurl, 'public_baseurl') ?? null,
    listeners,
    database: parseDatabase(doc.database, path),
    signing_key_path: path(optStr(doc.signing_key_path, 'signing_key_path') ?? `${server_name}.signing.key`),
    enable_registration: optBool(doc.enable_registration, 'enable_registration') ?? false,
    enable_registration_without_verification: optBool(doc.enable_registration_without_verification, 'enable_registration_without_verification') ?? false,
    registration_shared_secret: optStr(doc.registration_shared_secret, 'registration_shared_secret') ?? null,
    registration_requires_token: optBool(doc.registration_requires_token, 'registration_requires_token') ?? false,
    allow_guest_access: optBool(doc.allow_guest_access, 'allow_guest_access') ?? false,
    default_room_version: String(doc.default_room_version ?? '11'),
    rc_message: rateLimit(doc.rc_message, 'rc_message', { per_second: 10, burst_count: 100 }),
    rc_registration: rateLimit(doc.rc_registration, 'rc_registration', { per_second: 1, burst_count: 10 }),
    rc_login: rateLimit(doc.rc_login, 'rc_login', { per_second: 1, burst_count: 10 }),
    max_request_body_size: int(doc.max_request_body_size ?? 1024 * 1024, 'max_request_body_size', 1024),
    turn_uris: stringList(doc.turn_uris, 'turn_uris'),
    turn_shared_secret: optStr(doc.turn_shared_secret, 'turn_shared_secret') ?? null,
    turn_username: optStr(doc.turn_username, 'turn_username') ?? null,
    turn_password: optStr(doc.turn_password, 'turn_password') ?? null,
    turn_user_lifetime_ms: duration(doc.turn_user_lifetime ?? '1h', 'turn_user_lifetime'),
    turn_allow_guests: optBool(doc.turn_allow_guests, 'turn_allow_guests') ?? true,
    media_store_path: path(optStr(doc.media_store_path, 'media_store_path') ?? 'media_store'),
    max_upload_size: size(doc.max_upload_size ?? '50M', 'max_upload_size'),
    max_image_pixels: size(doc.max_image_pixels ?? '32M', 'max_image_pixels'),
    refreshable_access_token_lifetime_ms: duration(doc.refreshable_access_token_lifetime ?? '5m', 'refreshable_access_token_lifetime'),
    log_level: oneOf(doc.log_level ?? 'info', 'log_level', LOG_LEVELS),
    config_dir: configDir,
  };
  if (config.turn_uris.length > 0 && config.turn_shared_secret === null && (config.turn_username === null || config.turn_password === null)) {
    throw new ConfigError('turn_uris: also set turn_shared_secret (or turn_username and turn_password)');
  }
  if (!/^([1-9]|1[0-2])$/.test(config.default_room_version)) throw new ConfigError('default_room_version: must be one of "1" … "12"');
  // Synapse refuses open registration without verification unless told explicitly.
  if (config.enable_registration && !config.registration_requires_token && !config.enable_registration_without_verification) {
    throw new ConfigError(
      'enable_registration: open registration without e-mail verification lets anyone create accounts; ' +
        'also set enable_registration_without_verification: true (or registration_requires_token: true)',
    );
  }
  return config;
}

function parseListener(raw: unknown, at: string): ListenerConfig {
  const l = obj(raw, at);
  const type = l.type ?? 'http';
  if (type !== 'http') throw new ConfigError(`${at}.type: only "http" is supported`);
  const resourcesRaw = l.resources ?? [{ names: ['client'] }];
  if (!Array.isArray(resourcesRaw)) throw new ConfigError(`${at}.resources: must be a list`);
  const resources = resourcesRaw.map((r, i) => {
    const names = obj(r, `${at}.resources[${i}]`).names;
    if (!Array.isArray(names)) throw new ConfigError(`${at}.resources[${i}].names: must be a list`);
    return { names: names.map((n, j) => oneOf(n, `${at}.resources[${i}].names[${j}]`, ['client', 'federation', 'openid'] as const)) };
  });
  const bind = l.bind_addresses ?? ['127.0.0.1'];
  if (!Array.isArray(bind) || bind.length === 0 || !bind.every((b) => typeof b === 'string')) {
    throw new ConfigError(`${at}.bind_addresses: must be a non-empty list of addresses`);
  }
  return {
    port: int(l.port, `${at}.port`, 0, 65535),
    bind_addresses: bind as string[],
    type: 'http',
    x_forwarded: optBool(l.x_forwarded, `${at}.x_forwarded`) ?? false,
    resources,
  };
}

function parseDatabase(raw: unknown, path: (p: string) => string): DatabaseConfig {
  if (raw === undefined || raw === null) return { name: 'sqlite3', args: { database: path('homeserver.db') } };
  const d = obj(raw, 'database');
  const args = d.args === undefined ? {} : obj(d.args, 'database.args');
  if (d.name === 'sqlite3') {
    return { name: 'sqlite3', args: { database: args.database === ':memory:' ? ':memory:' : path(str(args.database ?? 'homeserver.db', 'database.args.database')) } };
  }
  if (d.name === 'psycopg2' || d.name === 'postgres') {
    const url = optStr(args.url, 'database.args.url');
    if (url && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('database.args.url: must start with postgres://');
    return {
      name: 'psycopg2',
      args: {
        url,
        user: optStr(args.user, 'database.args.user'),
        password: optStr(args.password, 'database.args.password'),
        host: optStr(args.host, 'database.args.host'),
        port: args.port === undefined ? undefined : int(args.port, 'database.args.port', 1, 65535),
        database: optStr(args.database, 'database.args.database'),
        cp_max: args.cp_max === undefined ? undefined : int(args.cp_max, 'database.args.cp_max', 1),
      },
    };
  }
  throw new ConfigError(`database.name: must be "sqlite3" or "psycopg2" (got ${JSON.stringify(d.name)})`);
}

function rateLimit(raw: unknown, at: string, def: RateLimit): RateLimit {
  if (raw === undefined || raw === null) return def;
  const r = obj(raw, at);
  const per_second = r.per_second === undefined ? def.per_second : Number(r.per_second);
  const burst_count = r.burst_count === undefined ? def.burst_count : Number(r.burst_count);
  if (!(per_second > 0) || !Number.isFinite(per_second)) throw new ConfigError(`${at}.per_second: must be a positive number`);
  if (!(burst_count >= 1) || !Number.isFinite(burst_count)) throw new ConfigError(`${at}.burst_count: must be a number >= 1`);
  return { per_second, burst_count };
}

function obj(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${at}: must be a mapping`);
  return v as Record<string, unknown>;
}
function str(v: unknown, at: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${at}: must be a non-empty string`);
  return v;
}
function optStr(v: unknown, at: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, at);
}
function optBool(v: unknown, at: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`${at}: must be true or false`);
  return v;
}
function int(v: unknown, at: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${at}: must be an integer between ${min} and ${max}`);
  return n;
}
function oneOf<T extends string>(v: unknown, at: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new ConfigError(`${at}: must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
  return v as T;
}
function stringList(v: unknown, at: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) throw new ConfigError(`${at}: must be a list of strings`);
  return v as string[];
}
/** A byte or pixel count as Synapse writes them: 1048576, "1024K", "50M", "1G". */
function size(v: unknown, at: string): number {
  const m = typeof v === 'number' ? [String(v), String(v), ''] : typeof v === 'string' ? /^(\d+)\s*([KMG]?)$/i.exec(v.trim()) : null;
  const n = m ? Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(`${at}: must be a size like 50M, 1024K or a number of bytes`);
  return n;
}
function duration(v: unknown, at: string): number {
  const ms = parseDuration(v);
  if (ms === undefined) throw new ConfigError(`${at}: must be a duration like 5m, 1h, 30s or a number of milliseconds`);
  return ms;
}
