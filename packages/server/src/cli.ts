// The `weft` command (bin/weft.js → dist/cli.js). Heavy modules (the server,
// database drivers) are imported only by the commands that need them.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';

const USAGE = `Usage:
  weft start [--config FILE]
      Run the homeserver. Without --config, uses ./data/homeserver.yaml and creates it
      (server_name localhost, SQLite in ./data, client API on 127.0.0.1:8008) on first start.
  weft generate-config --server-name NAME --data-dir DIR [--client-port N] [--federation-port N]
                       [--bind-address ADDR] [--postgres-url URL] [--enable-registration]
      Write DIR/homeserver.yaml (commented) and a new Ed25519 signing key.
  weft register --config FILE --user NAME --password PW [--admin]
      Create an account directly in the server's database.
`;

type Flags = Record<string, string | true>;

function parseFlags(args: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) flags[a.slice(2)] = args[++i]!;
    else flags[a.slice(2)] = true;
  }
  return flags;
}

class UsageError extends Error {}

function str(flags: Flags, name: string, required: true): string;
function str(flags: Flags, name: string, required?: false): string | undefined;
function str(flags: Flags, name: string, required = false): string | undefined {
  const v = flags[name];
  if (v === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

function port(flags: Flags, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number (0: any free port)`);
  return n;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(parseFlags(rest));
      case 'generate-config':
        return await generate(parseFlags(rest));
      case 'register':
        return await register(parseFlags(rest));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`weft: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    if ((err as Error)?.name === 'ConfigError') {
      process.stderr.write(`weft: ${(err as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

async function generate(flags: Flags): Promise<void> {
  const { generateConfig } = await import('./config/generateConfig.js');
  const path = await generateConfig({
    serverName: str(flags, 'server-name', true),
    dataDir: str(flags, 'data-dir', true),
    clientPort: port(flags, 'client-port'),
    // No federation listener unless asked for: Weft serves no federation API yet,
    // and a listener that answers only 404s would occupy 8448 for nothing.
    federationPort: port(flags, 'federation-port'),
    bindAddress: str(flags, 'bind-address'),
    postgresUrl: str(flags, 'postgres-url'),
    enableRegistration: flags['enable-registration'] === true,
  });
  process.stdout.write(`Wrote ${path}\n`);
}

async function start(flags: Flags): Promise<void> {
  let configPath = str(flags, 'config');
  if (configPath === undefined) {
    configPath = resolve('data', 'homeserver.yaml');
    if (!existsSync(configPath)) {
      const { generateConfig } = await import('./config/generateConfig.js');
      await generateConfig({ serverName: 'localhost', dataDir: resolve('data'), clientPort: 8008, enableRegistration: true });
      process.stdout.write(`Created ${configPath} (server_name "localhost", SQLite database in ${join('data', 'homeserver.db')}).\n`);
    }
  }
  const [{ loadConfig }, { startHomeserver }] = await Promise.all([import('./config/loadConfig.js'), import('./main.js')]);
  const config = await loadConfig(configPath);
  const hs = await startHomeserver(config);
  // bin/weft.js held the young generation at its initial size during start-up; V8's default from here.
  setFlagsFromString('--semi-space-growth-factor=2');
  process.stdout.write(`Weft is serving ${config.server_name}: client API at ${hs.clientUrl}\n`);
  if (hs.federationUrl) process.stdout.write(`Federation API at ${hs.federationUrl}\n`);
  const stop = (signal: string) => {
    hs.logger.info({ signal }, 'shutting down');
    hs.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function register(flags: Flags): Promise<void> {
  const configPath = str(flags, 'config', true);
  const user = str(flags, 'user', true);
  const password = str(flags, 'password', true);
  const [{ loadConfig }, { registerUserOffline }] = await Promise.all([import('./config/loadConfig.js'), import('./users/registerUserOffline.js')]);
  const config = await loadConfig(configPath);
  const userId = await registerUserOffline(config, { user, password, admin: flags.admin === true });
  process.stdout.write(`Registered ${userId}${flags.admin === true ? ' (admin)' : ''}\n`);
}
