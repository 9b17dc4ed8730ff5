// Real-client test with Debian's python3-matrix-nio (0.20), an older client that speaks only the
// /_matrix/client/r0 API (issue: "every v3 endpoint also answers under the r0 prefix"). The Python
// side (nio_client.py) registers, logs in, syncs, creates a room with an invite, joins, sends both
// ways, types, sends a receipt and reads /messages, then exercises ~25 more r0 endpoints through nio's
// schema-validated responses; it reports each step as a JSON line, asserted here.
// Skips (with the reason) when no python3 on this machine can `import nio`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engines, startTestServer, type TestServer } from '../harness.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'nio_client.py');

/** The first python3 that can import nio (pyenv shims may hide Debian's dist-packages). */
function findPython(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import nio'], { stdio: 'ignore', timeout: 20_000 });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

interface Step {
  step: string;
  ok: boolean;
  error?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [fact: string]: any;
}

/** Runs the nio script against `baseUrl` (asynchronously: the server runs in this process). */
function runNio(python: string, baseUrl: string, timeoutMs = 90_000): Promise<{ code: number | null; steps: Step[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT, baseUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const steps = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Step);
      resolve({ code, steps, stderr });
    });
  });
}

const python = findPython();

for (const engine of engines()) {
  describe(`matrix-nio (r0 API) on ${engine}`, { skip: python ? false : 'python3-matrix-nio is not installed (apt-get install python3-matrix-nio)' }, () => {
    let hs: TestServer;
    let steps: Step[] = [];
    let failure = '';

    before(async () => {
      hs = await startTestServer({ engine });
      const run = await runNio(python!, hs.baseUrl);
      steps = run.steps;
      const bad = steps.find((s) => !s.ok);
      if (run.code !== 0 || bad) failure = `nio exited ${run.code}; failed step: ${JSON.stringify(bad)}; stderr: ${run.stderr.slice(-1500)}`;
    });

    after(async () => {
      await hs?.close();
    });

    const step = (name: string): Step => {
      const s = steps.find((x) => x.step === name);
      assert.ok(s, `step ${name} not reached. ${failure}`);
      assert.ok(s.ok, `step ${name} failed: ${s.error}. ${failure}`);
      return s;
    };

    it('registers (r0 UIA dummy) and logs in with a password', () => {
      assert.match(step('register').user_id, new RegExp(`^@nio_alice_[0-9a-f]+:${hs.serverName.replace('.', '\\.')}$`));
      const login = step('login');
      assert.match(login.user_id, /^@nio_alice_/);
      assert.ok(login.device_id);
      assert.equal(step('initial_sync').next_batch, true);
    });

    it('creates a room with an invite that the other user sees in sync and joins', () => {
      assert.match(step('room_create').room_id, /^!/);
      assert.equal(step('invite_seen').invited_room_name, 'nio room', 'invite_state carries m.room.name');
      const members = step('join').joined_members as string[];
      assert.equal(members.length, 2);
    });

    it('messages go both ways through /sync', () => {
      const toBob = step('message_to_bob');
      assert.equal(toBob.body, 'hello from nio alice');
      assert.match(toBob.sender, /^@nio_alice_/);
      const toAlice = step('message_to_alice');
      assert.equal(toAlice.body, 'hello from nio bob');
      assert.match(toAlice.sender, /^@nio_bob_/);
    });

    it('typing and read receipts arrive as ephemeral events', () => {
      assert.match(step('typing').user, /^@nio_bob_/);
      assert.match(step('receipt').user, /^@nio_bob_/);
    });

    it('/messages pages back through the conversation', () => {
      const msgs = step('room_messages');
      assert.deepEqual(msgs.bodies, ['hello from nio bob', 'hello from nio alice'], 'newest first, both messages');
    });

    it('state, event, context, redaction, profile, alias, presence, filter, device and moderation endpoints parse in nio', () => {
      const roomId = step('room_create').room_id as string;
      assert.match(step('whoami').user_id, /^@nio_alice_/);
      assert.equal(step('joined_rooms').has_room, true);
      assert.ok(step('devices').count >= 2, 'register + login devices (nio requires display_name/last_seen_* keys)');
      step('update_device');
      step('room_put_state');
      assert.deepEqual(step('room_get_state_event').content, { n: 1 });
      assert.ok((step('room_get_state').types as string[]).includes('org.weft.nio'));
      assert.equal(step('room_get_event').body, 'hello from nio alice');
      const ctx = step('room_context');
      assert.ok(ctx.before >= 1 && ctx.after >= 1 && ctx.state >= 1, JSON.stringify(ctx));
      step('room_redact');
      assert.equal(step('redacted_event').type, 'RedactedEvent');
      step('set_displayname');
      assert.equal(step('get_displayname').displayname, 'Nio Bob');
      assert.equal(step('get_profile').displayname, 'Nio Bob');
      step('room_put_alias');
      assert.equal(step('room_resolve_alias').room_id, roomId);
      step('room_delete_alias');
      assert.equal(step('room_get_visibility').visibility, 'private');
      step('set_presence');
      assert.deepEqual([step('get_presence').presence, step('get_presence').status_msg], ['online', 'nio here']);
      assert.ok(step('upload_filter').filter_id);
      for (const s of ['room_read_markers', 'room_kick', 'room_ban', 'room_unban', 'room_leave', 'room_forget', 'logout']) step(s);
    });

    it('every nio step succeeded and the script exited 0', () => {
      assert.equal(failure, '', failure);
    });
  });
}
