// The `weft` CLI: generate-config, register, start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startHomeserver } from '../../src/main.js';

describe('weft CLI', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weft-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('generate-config writes a commented config and a Synapse-format signing key', async () => {
    await main(['generate-config', '--server-name', 'example.org', '--data-dir', dir, '--client-port', '0', '--federation-port', '0']);
    const text = await readFile(join(dir, 'homeserver.yaml'), 'utf8');
    assert.match(text, /^# /m);
    const doc = parse(text);
    assert.equal(doc.server_name, 'example.org');
    assert.equal(doc.database.name, 'sqlite3');
    assert.equal(doc.default_room_version, '11');
    assert.equal(typeof doc.registration_shared_secret, 'string');
    const key = await readFile(join(dir, doc.signing_key_path), 'utf8');
    assert.match(key, /^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$/);
    const config = await loadConfig(join(dir, 'homeserver.yaml'));
    assert.equal(config.enable_registration, false);
    assert.deepEqual(config.listeners.map((l) => l.resources[0]!.names[0]), ['client', 'federation']);
  });

  it('register creates an account that can log in', async () => {
    await main(['register', '--config', join(dir, 'homeserver.yaml'), '--user', 'admin', '--password', 'pw', '--admin']);
    const config = await loadConfig(join(dir, 'homeserver.yaml'));
    const hs = await startHomeserver(config, { logLevel: 'silent' });
    try {
      const user = await hs.storage.users.getUser('@admin:example.org');
      assert.equal(user?.admin, true);
      const res = await fetch(`${hs.clientUrl}/_matrix/client/v3/login`, {
        method: 'POST',
        body: JSON.stringify({ type: 'm.login.password', user: 'admin', password: 'pw' }),
      });
      assert.equal(res.status, 200);
    } finally {
      await hs.close();
    }
  });

  it('bad config fails with a message naming the key', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'server_name: example.org\nlisteners:\n  - port: 99999\n');
    await assert.rejects(loadConfig(bad), /listeners\[0\]\.port/);
    await writeFile(bad, 'server_name: example.org\ndatabase: { name: mysql }\n');
    await assert.rejects(loadConfig(bad), /database\.name/);
    await writeFile(bad, 'server_name: "not a name!"\n');
    await assert.rejects(loadConfig(bad), /server_name/);
  });

  it('start prints where the client API listens and answers', async () => {
    const child = spawn(process.execPath, ['--conditions=weft-src', '--import', 'tsx', '-e',
      `import('${join(import.meta.dirname, '../../src/cli.ts')}').then((m) => m.main(['start', '--config', ${JSON.stringify(join(dir, 'homeserver.yaml'))}]))`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await clientUrlPrinted(child);
      const res = await fetch(`${url}/_matrix/client/versions`);
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

// What `npm start` runs: bin/weft.js on the build — after `npm ci` or `npm run build` the
// start-up bundle, which carries better-sqlite3's JavaScript and loads its addon by path.
describe('weft command as built (bin/weft.js)', () => {
  const bin = join(import.meta.dirname, '../../bin/weft.js');
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weft-bin-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts on SQLite and serves a register → createRoom → send → /messages round trip, and a thumbnail', { skip: !existsSync(bin.replace('bin/weft.js', 'dist/cli.js')) && 'no build (npm run build)' }, async () => {
    await run([bin, 'generate-config', '--server-name', 'bin.test', '--data-dir', dir, '--client-port', '0', '--enable-registration']);
    const child = spawn(process.execPath, [bin, 'start', '--config', join(dir, 'homeserver.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await clientUrlPrinted(child);
      const post = async (path: string, body: unknown, token?: string, method = 'POST') => {
        const res = await fetch(`${url}${path}`, { method, body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });
        return { status: res.status, body: (await res.json()) as Record<string, any> };
      };
      const reg = await post('/_matrix/client/v3/register', { username: 'alice', password: 'pw', auth: { type: 'm.login.dummy' } });
      assert.equal(reg.status, 200, JSON.stringify(reg.body));
      const room = await post('/_matrix/client/v3/createRoom', {}, reg.body.access_token);
      const sent = await post(`/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'from the build' }, reg.body.access_token, 'PUT');
      assert.equal(sent.status, 200);
      const msgs = await fetch(`${url}/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/messages?dir=b&limit=1`, { headers: { authorization: `Bearer ${reg.body.access_token}` } });
      const chunk = ((await msgs.json()) as { chunk: { event_id: string; content: { body: string } }[] }).chunk;
      assert.equal(chunk[0]?.event_id, sent.body.event_id);
      assert.equal(chunk[0]?.content.body, 'from the build');
      // Media: sharp (external to the bundle, loaded on the first thumbnail) works from the build.
      const { default: sharp } = await import('sharp');
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#08f' } }).png().toBuffer();
      const auth = { authorization: `Bearer ${reg.body.access_token}` };
      const up = await fetch(`${url}/_matrix/media/v3/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'image/png' }, body: new Uint8Array(png) });
      const mxc = ((await up.json()) as { content_uri: string }).content_uri.slice('mxc://'.length);
      const thumb = await fetch(`${url}/_matrix/client/v1/media/thumbnail/${mxc}?width=32&height=32&method=crop`, { headers: auth });
      assert.equal(thumb.status, 200);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [32, 32]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** The client API URL a starting server prints (its output so far in the error if it exits or stays silent). */
function clientUrlPrinted(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /client API at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000).unref();
  });
}
