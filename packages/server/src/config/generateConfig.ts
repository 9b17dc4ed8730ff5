// `weft generate-config`: writes DIR/homeserver.yaml (commented, Synapse key
// names) and DIR/<server_name>.signing.key. Used by `npm start` on first start.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeNewSigningKeyFile } from './signingKey.js';

export interface GenerateConfigOptions {
  serverName: string;
  dataDir: string;
  clientPort?: number;
  /** Omit for no federation listener. */
  federationPort?: number;
  bindAddress?: string;
  /** Quick-start default: open registration on a loopback-only server. */
  enableRegistration?: boolean;
  /** NOTSPEC convenience: a postgres:// URL instead of SQLite. */
  postgresUrl?: string;
}

export function renderConfig(o: GenerateConfigOptions & { registrationSharedSecret: string; signingKeyFile: string }): string {
  const bind = o.bindAddress ?? '127.0.0.1';
  const listeners = [
    `  # Client-server API (what Element and other clients talk to).
  - port: ${o.clientPort ?? 8008}
    bind_addresses: ['${bind}']
    type: http
    # Set to true when behind a reverse proxy that sets X-Forwarded-For.
    x_forwarded: false
    resources:
      - names: [client]`,
  ];
  if (o.federationPort !== undefined) {
    listeners.push(`  # Server-server (federation) API.
  - port: ${o.federationPort}
    bind_addresses: ['${bind}']
    type: http
    x_forwarded: false
    resources:
      - names: [federation]`);
  }
  const database = o.postgresUrl
    ? `database:
  name: psycopg2
  args:
    # NOTSPEC: Weft also accepts a URL; Synapse's user/password/host/port/database work too.
    url: ${JSON.stringify(o.postgresUrl)}`
    : `database:
  # sqlite3 (a single file, nothing to install) or psycopg2 (PostgreSQL, for production):
  #   name: psycopg2
  #   args: { user: weft, password: secret, host: localhost, port: 5432, database: weft }
  name: sqlite3
  args:
    # Relative paths are resolved against this file's directory.
    database: homeserver.db`;
  return `# Weft homeserver configuration.
# Key names follow Synapse's homeserver.yaml wherever the concept is the same.
# Relative paths are resolved against the directory of this file.

# The domain part of user IDs (@alice:${o.serverName}) and room aliases. Cannot be changed later.
server_name: ${JSON.stringify(o.serverName)}

# The public URL clients use to reach the client API (advertised in /.well-known/matrix/client).
# public_baseurl: https://matrix.example.com/

listeners:
${listeners.join('\n')}

${database}

# Ed25519 key this server signs events and federation requests with. Keep it secret and backed up.
signing_key_path: ${JSON.stringify(o.signingKeyFile)}

# Anyone who can reach the client API may create an account.
${o.enableRegistration ? `# On for the quick start: the server only listens on ${bind}. Turn it off (or require
# registration tokens) before exposing the server.
enable_registration: true` : 'enable_registration: false'}
# Weft never verifies e-mail or phone numbers, so open registration requires this as in Synapse.
enable_registration_without_verification: ${o.enableRegistration ? 'true' : 'false'}
# Require a registration token (m.login.registration_token) to register.
registration_requires_token: false

# Shared secret for \`weft register\` and Synapse's register_new_matrix_user tool
# (/_synapse/admin/v1/register). Anyone who knows it can create admin accounts.
registration_shared_secret: ${JSON.stringify(o.registrationSharedSecret)}

# Room version for new rooms (rooms versions 1-12 are supported).
default_room_version: "11"

# Rate limits (token buckets): per user for messages, per client IP for registration and login.
rc_message:
  per_second: 10
  burst_count: 100
rc_registration:
  per_second: 1
  burst_count: 10
rc_login:
  per_second: 1
  burst_count: 10

# NOTSPEC: largest accepted request body, in bytes (media uploads: max_upload_size).
max_request_body_size: 1048576

# Media repository: where uploads are kept (relative to this file), the largest
# upload, and the largest image (in pixels) that gets thumbnailed.
media_store_path: media_store
max_upload_size: 50M
max_image_pixels: 32M

# TURN servers for VoIP calls (e.g. coturn with use-auth-secret): clients get
# time-limited credentials from GET /voip/turnServer. Unset: no TURN endpoint.
#turn_uris: ["turn:turn.example.com:3478?transport=udp", "turn:turn.example.com:3478?transport=tcp"]
#turn_shared_secret: "the coturn static-auth-secret"
#turn_user_lifetime: 1h

# Lifetime of access tokens for clients that asked for a refresh token.
refreshable_access_token_lifetime: 5m

# fatal, error, warn, info, debug, trace or silent.
log_level: info
`;
}

/** Writes the config and key; refuses to overwrite an existing config. Returns the config path. */
export async function generateConfig(o: GenerateConfigOptions): Promise<string> {
  const dir = resolve(o.dataDir);
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, 'homeserver.yaml');
  if (existsSync(configPath)) throw new Error(`${configPath} already exists; not overwriting it`);
  const signingKeyFile = `${o.serverName.replace(/[^A-Za-z0-9.-]/g, '_')}.signing.key`;
  if (!existsSync(join(dir, signingKeyFile))) await writeNewSigningKeyFile(join(dir, signingKeyFile));
  const text = renderConfig({ ...o, registrationSharedSecret: randomBytes(24).toString('base64url'), signingKeyFile });
  await writeFile(configPath, text, { mode: 0o600, flag: 'wx' });
  return configPath;
}
