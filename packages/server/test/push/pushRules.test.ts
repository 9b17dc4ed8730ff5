// Black-box push rule API tests (client-server-api/modules/push.md "Push Rules: API",
// "Push Rules: Events"; data/api/client-server/pushrules.yaml), both engines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';

const V3 = '/_matrix/client/v3';
const PR = `${V3}/pushrules/global`;
type Rule = { rule_id: string; default: boolean; enabled: boolean; actions: unknown[]; conditions?: unknown[]; pattern?: string };

for (const engine of engines()) {
  describe(`push rules (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const req = async (u: TestUser, method: string, path: string, body?: unknown, status = 200) => {
      const res = await hs.request(method, path, body, u.accessToken);
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const ids = (rules: Rule[]) => rules.map((r) => r.rule_id);
    const ruleset = async (u: TestUser) => (await req(u, 'GET', `${V3}/pushrules/`)).global as Record<string, Rule[]>;
    const enc = encodeURIComponent;

    it('default ruleset: all five kinds, the spec\'s defaults, per-user IDs filled in', async () => {
      const alice = await hs.register();
      const all = await req(alice, 'GET', `${V3}/pushrules/`);
      assert.deepEqual(Object.keys(all.global).sort(), ['content', 'override', 'room', 'sender', 'underride']);
      assert.deepEqual(ids(all.global.override), [
        '.m.rule.master', '.m.rule.suppress_notices', '.m.rule.invite_for_me', '.m.rule.member_event',
        '.m.rule.is_user_mention', '.m.rule.is_room_mention', '.m.rule.tombstone', '.m.rule.reaction',
        '.m.rule.room.server_acl', '.m.rule.suppress_edits',
      ]);
      assert.deepEqual(ids(all.global.underride), [
        '.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted',
      ]);
      const invite = all.global.override[2];
      assert.deepEqual(invite.conditions[2], { kind: 'event_match', key: 'state_key', pattern: alice.userId });
      assert.equal(all.global.override[0].enabled, false);
      assert.deepEqual(await req(alice, 'GET', `${V3}/pushrules/global/`), all.global);
      assert.deepEqual(await req(alice, 'GET', `${V3}/pushrules`), all, 'no trailing slash too');
      const one = await req(alice, 'GET', `${PR}/underride/.m.rule.message`);
      assert.deepEqual(one, { rule_id: '.m.rule.message', default: true, enabled: true, conditions: [{ kind: 'event_match', key: 'type', pattern: 'm.room.message' }], actions: ['notify'] });
    });

    it('add, update, reorder and delete user rules', async () => {
      const u = await hs.register();
      await req(u, 'PUT', `${PR}/content/cake`, { pattern: 'cake', actions: ['notify', { set_tweak: 'sound', value: 'cakealarm.wav' }] });
      await req(u, 'PUT', `${PR}/content/lie?before=cake`, { pattern: 'cake*lie', actions: ['notify'] });
      await req(u, 'PUT', `${PR}/content/first`, { pattern: 'first', actions: [] });
      assert.deepEqual(ids((await ruleset(u)).content), ['first', 'lie', 'cake'], 'new rules without before/after go first');
      await req(u, 'PUT', `${PR}/content/first?after=cake`, { pattern: 'first', actions: [] });
      assert.deepEqual(ids((await ruleset(u)).content), ['lie', 'cake', 'first']);
      await req(u, 'PUT', `${PR}/content/first?before=lie&after=cake`, { pattern: 'first', actions: [] });
      assert.deepEqual(ids((await ruleset(u)).content), ['first', 'lie', 'cake'], 'before wins when both are given');
      const cake = await req(u, 'GET', `${PR}/content/cake`);
      assert.deepEqual(cake, { rule_id: 'cake', default: false, enabled: true, pattern: 'cake', actions: ['notify', { set_tweak: 'sound', value: 'cakealarm.wav' }] });

      // Override rules sit after .m.rule.master and before the other defaults.
      const conditions = [{ kind: 'event_match', key: 'content.body', pattern: 'beer' }, { kind: 'room_member_count', is: '<=10' }];
      await req(u, 'PUT', `${PR}/override/beer`, { conditions, actions: ['notify', { set_tweak: 'sound', value: 'beeroclock.wav' }] });
      const rs = await ruleset(u);
      assert.deepEqual(ids(rs.override).slice(0, 3), ['.m.rule.master', 'beer', '.m.rule.suppress_notices']);
      assert.deepEqual(rs.override[1].conditions, conditions);
      await req(u, 'PUT', `${PR}/underride/low`, { actions: ['dont_notify'] });
      const low = await req(u, 'GET', `${PR}/underride/low`);
      assert.deepEqual([low.conditions, low.actions], [[], []], 'conditions default to []; historical actions stripped');
      assert.equal((await ruleset(u)).underride[0].rule_id, 'low', 'user underrides before the default underrides');

      // Room and sender rules: the rule ID is the room / user ID.
      const room = '!dj234r78wl45Gh4D:matrix.org';
      await req(u, 'PUT', `${PR}/room/${enc(room)}`, { actions: [] });
      await req(u, 'PUT', `${PR}/sender/${enc('@spambot:matrix.org')}`, { actions: [] });
      const r2 = await ruleset(u);
      assert.deepEqual(r2.room, [{ rule_id: room, default: false, enabled: true, actions: [] }]);
      assert.deepEqual(ids(r2.sender), ['@spambot:matrix.org']);

      // Update keeps the position and the enabled flag.
      await req(u, 'PUT', `${PR}/content/lie/enabled`, { enabled: false });
      await req(u, 'PUT', `${PR}/content/lie`, { pattern: 'cake*lies', actions: ['notify'] });
      const lie = (await ruleset(u)).content[1];
      assert.deepEqual([lie.rule_id, lie.pattern, lie.enabled], ['lie', 'cake*lies', false]);

      await req(u, 'DELETE', `${PR}/content/lie`);
      await req(u, 'DELETE', `${PR}/room/${enc(room)}`);
      const r3 = await ruleset(u);
      assert.deepEqual(ids(r3.content), ['first', 'cake']);
      assert.deepEqual(r3.room, []);
      await req(u, 'GET', `${PR}/content/lie`, undefined, 404);
      await req(u, 'DELETE', `${PR}/content/lie`, undefined, 404);
    });

    it('enable/disable and actions, for user and server-default rules', async () => {
      const u = await hs.register();
      assert.deepEqual(await req(u, 'GET', `${PR}/override/.m.rule.master/enabled`), { enabled: false });
      await req(u, 'PUT', `${PR}/override/.m.rule.master/enabled`, { enabled: true });
      assert.deepEqual(await req(u, 'GET', `${PR}/override/.m.rule.master/enabled`), { enabled: true });
      assert.equal((await ruleset(u)).override[0].enabled, true);

      assert.deepEqual(await req(u, 'GET', `${PR}/underride/.m.rule.message/actions`), { actions: ['notify'] });
      const noisy = ['notify', { set_tweak: 'sound', value: 'default' }, { set_tweak: 'highlight', value: false }];
      await req(u, 'PUT', `${PR}/underride/.m.rule.message/actions`, { actions: noisy });
      assert.deepEqual(await req(u, 'GET', `${PR}/underride/.m.rule.message/actions`), { actions: noisy });
      const msg = (await ruleset(u)).underride.find((r) => r.rule_id === '.m.rule.message')!;
      assert.deepEqual([msg.default, msg.actions], [true, noisy], 'still a default rule, with the new actions');

      await req(u, 'PUT', `${PR}/sender/${enc('@x:y')}`, { actions: ['notify'] });
      await req(u, 'PUT', `${PR}/sender/${enc('@x:y')}/enabled`, { enabled: false });
      await req(u, 'PUT', `${PR}/sender/${enc('@x:y')}/actions`, { actions: [] });
      assert.deepEqual(await req(u, 'GET', `${PR}/sender/${enc('@x:y')}`), { rule_id: '@x:y', default: false, enabled: false, actions: [] });

      // Another user is not affected.
      const other = await hs.register();
      assert.equal((await ruleset(other)).override[0].enabled, false);
      assert.deepEqual((await ruleset(other)).sender, []);
    });

    it('errors', async () => {
      const u = await hs.register();
      const err = async (method: string, path: string, body: unknown, status: number, errcode: string) => {
        const b = await req(u, method, path, body, status);
        assert.equal(b.errcode, errcode, `${method} ${path}`);
      };
      await err('GET', `${PR}/override/nope`, undefined, 404, 'M_NOT_FOUND');
      await err('GET', `${PR}/override/nope/enabled`, undefined, 404, 'M_NOT_FOUND');
      await err('GET', `${PR}/content/.m.rule.master/actions`, undefined, 404, 'M_NOT_FOUND');
      await err('PUT', `${PR}/override/nope/enabled`, { enabled: true }, 404, 'M_NOT_FOUND');
      await err('PUT', `${PR}/override/nope/actions`, { actions: [] }, 404, 'M_NOT_FOUND');
      await err('GET', `${PR}/bogus/x`, undefined, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/bogus/x`, { actions: [] }, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/override/.mine`, { actions: [] }, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/override/.m.rule.master`, { actions: [] }, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/override/a${enc('\\')}b`, { actions: [] }, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/override/a${enc('/')}b`, { actions: [] }, 400, 'M_INVALID_PARAM');
      await err('DELETE', `${PR}/override/.m.rule.master`, undefined, 400, 'M_INVALID_PARAM');
      await err('PUT', `${PR}/override/x`, {}, 400, 'M_MISSING_PARAM');
      await err('PUT', `${PR}/override/x`, { actions: 'notify' }, 400, 'M_BAD_JSON');
      await err('PUT', `${PR}/override/x`, { actions: ['explode'] }, 400, 'M_BAD_JSON');
      await err('PUT', `${PR}/override/x`, { actions: [{ value: 1 }] }, 400, 'M_BAD_JSON');
      await err('PUT', `${PR}/override/x`, { actions: [], conditions: [{ key: 'type' }] }, 400, 'M_BAD_JSON');
      await err('PUT', `${PR}/content/x`, { actions: [] }, 400, 'M_MISSING_PARAM');
      await err('PUT', `${PR}/override/x?before=missing`, { actions: [] }, 400, 'M_UNKNOWN');
      await err('PUT', `${PR}/override/x?after=.m.rule.master`, { actions: [] }, 400, 'M_UNKNOWN');
      await err('PUT', `${PR}/override/.m.rule.master/enabled`, { enabled: 'yes' }, 400, 'M_BAD_JSON');
      await err('PUT', `${PR}/override/.m.rule.master/enabled`, {}, 400, 'M_MISSING_PARAM');
      await err('PUT', `${PR}/override/.m.rule.master/actions`, {}, 400, 'M_MISSING_PARAM');
      await err('GET', `${V3}/pushrules/device/x/override/y`, undefined, 404, 'M_UNRECOGNIZED');
      const anon = await hs.request('GET', `${V3}/pushrules/`);
      assert.equal(anon.status, 401);
      // Nothing above changed anything.
      const rs = await ruleset(u);
      assert.deepEqual(ids(rs.override).length + ids(rs.underride).length + rs.content.length, 15);
      assert.deepEqual(await req(u, 'GET', `${V3}/pushers`), { pushers: [] });
    });

    it('m.push_rules reaches /sync: defaults initially, the new rules after a change (and wakes a long-poll)', async () => {
      const u = await hs.register();
      const sync = async (qs: string) => req(u, 'GET', `${V3}/sync${qs}`);
      const pushRulesOf = (s: { account_data?: { events?: { type: string; content: unknown }[] } }) =>
        s.account_data?.events?.find((e) => e.type === 'm.push_rules')?.content as { global: Record<string, Rule[]> } | undefined;
      const first = await sync('');
      assert.deepEqual(pushRulesOf(first), await req(u, 'GET', `${V3}/pushrules/`));

      const waiting = sync(`?since=${first.next_batch}&timeout=10000`);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await req(u, 'PUT', `${PR}/room/${enc('!quiet:example.org')}`, { actions: [] });
      const next = await waiting;
      assert.ok(Date.now() - started < 5000, 'the long-poll returned on the change');
      const delivered = pushRulesOf(next);
      assert.ok(delivered, JSON.stringify(next.account_data));
      assert.deepEqual(delivered, await req(u, 'GET', `${V3}/pushrules/`));
      assert.deepEqual(ids(delivered.global.room), ['!quiet:example.org']);

      const again = await sync(`?since=${next.next_batch}&timeout=0`);
      assert.equal(pushRulesOf(again), undefined, 'not repeated without a change');
      const fresh = await sync('');
      assert.deepEqual(ids(pushRulesOf(fresh)!.global.room), ['!quiet:example.org'], 'initial sync has the stored rules');
      // The rules cannot be set through the account data API (server-managed type).
      const direct = await hs.request('PUT', `${V3}/user/${enc(u.userId)}/account_data/m.push_rules`, { global: {} }, u.accessToken);
      assert.equal(direct.status, 405);
    });

    it('rules survive a restart (a new server on the same database)', async () => {
      const first = await startTestServer({ engine });
      try {
        const u = await first.register();
        const put = async (path: string, body: unknown) => assert.equal((await first.request('PUT', path, body, u.accessToken)).status, 200);
        await put(`${PR}/override/keep`, { conditions: [{ kind: 'event_match', key: 'type', pattern: 'x.y' }], actions: ['notify'] });
        await put(`${PR}/underride/.m.rule.call/enabled`, { enabled: false });
        const before = (await first.request('GET', `${V3}/pushrules/`, undefined, u.accessToken)).body;
        await first.hs.close();
        const second = await startTestServer({ engine, config: { database: first.hs.config.database } });
        try {
          const after = await second.request('GET', `${V3}/pushrules/`, undefined, u.accessToken);
          assert.equal(after.status, 200, JSON.stringify(after.body));
          assert.deepEqual(after.body, before);
          assert.equal(after.body.global.override[1].rule_id, 'keep');
          assert.equal(after.body.global.underride[0].enabled, false);
        } finally {
          await second.close();
        }
      } finally {
        await first.close();
      }
    });
  });
}
