// POST /user_directory/search (users.yaml): users sharing a room with the
// requester and users in public or world-readable rooms; case-insensitive on
// user IDs and display names; limit and limited; deactivated users left out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, setState } from '../events/helpers.js';

const V3 = '/_matrix/client/v3';
type Result = { user_id: string; display_name?: string; avatar_url?: string };

for (const engine of engines()) {
  describe(`user directory (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    const users: Record<string, TestUser> = {};
    const search = async (term: string, extra: Record<string, unknown> = {}, who: TestUser = alice) => {
      const res = await hs.request('POST', `${V3}/user_directory/search`, { search_term: term, ...extra }, who.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { results: Result[]; limited: boolean };
    };
    const found = async (term: string) => (await search(term)).results.map((r) => r.user_id);

    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      for (const name of ['bob', 'carol', 'dave', 'eve', 'frank', 'ann', 'joanna', 'gone']) users[name] = await hs.register(name);
      // bob, ann, joanna and gone share a private room with alice.
      const shared = await createRoom(hs, alice, { preset: 'private_chat' });
      for (const name of ['bob', 'ann', 'joanna', 'gone']) {
        await membershipAction(hs, alice, shared, 'invite', { user_id: users[name]!.userId });
        await membershipAction(hs, users[name]!, shared, 'join');
      }
      // carol is in a public room alice is not in; frank in a world-readable invite-only one.
      await createRoom(hs, users.carol!, { preset: 'public_chat' });
      const readable = await createRoom(hs, users.frank!, { preset: 'private_chat' });
      await setState(hs, users.frank!, readable, 'm.room.history_visibility', { history_visibility: 'world_readable' });
      // dave and eve share an invite-only room alice cannot see.
      const hidden = await createRoom(hs, users.dave!, { preset: 'private_chat' });
      await membershipAction(hs, users.dave!, hidden, 'invite', { user_id: users.eve!.userId });
      await membershipAction(hs, users.eve!, hidden, 'join');
      const profile = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(users.bob!.userId)}/displayname`, { displayname: 'Robert Paulson' }, users.bob!.accessToken);
      assert.equal(profile.status, 200);
    });
    after(() => hs.close());

    it('finds users sharing a room, and users in public or world-readable rooms; not others', async () => {
      assert.deepEqual(await found('bob'), [users.bob!.userId]);
      assert.deepEqual(await found('carol'), [users.carol!.userId]);
      assert.deepEqual(await found('frank'), [users.frank!.userId]);
      assert.deepEqual(await found('dave'), []);
      assert.deepEqual(await found('eve'), []);
      // dave sees eve (they share a room).
      assert.deepEqual((await search('eve', {}, users.dave!)).results.map((r) => r.user_id), [users.eve!.userId]);
    });

    it('matches display names and user IDs case-insensitively, every word, with the profile in the result', async () => {
      const res = await search('PAULSON');
      assert.deepEqual(res.results, [{ user_id: users.bob!.userId, display_name: 'Robert Paulson' }]);
      assert.deepEqual(await found('robert paul'), [users.bob!.userId]);
      assert.deepEqual(await found('robert carol'), []);
      assert.deepEqual(await found(`bob:${hs.serverName}`), [users.bob!.userId]);
      assert.deepEqual(await found('   '), []);
    });

    it('ranks a word start before a match inside a word; limit and limited', async () => {
      const ann = await found('ann');
      assert.deepEqual(ann, [users.ann!.userId, users.joanna!.userId]);
      const one = await search(hs.serverName, { limit: 2 });
      assert.equal(one.results.length, 2);
      assert.equal(one.limited, true);
      const all = await search(hs.serverName, { limit: 50 });
      assert.equal(all.limited, false);
      assert.ok(all.results.length >= 7, JSON.stringify(all.results));
    });

    it('a deactivated user is not listed', async () => {
      const gone = users.gone!;
      const first = await hs.request('POST', `${V3}/account/deactivate`, {}, gone.accessToken);
      const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'gone' }, password: 'correct horse battery staple', session: first.body.session };
      assert.equal((await hs.request('POST', `${V3}/account/deactivate`, { auth }, gone.accessToken)).status, 200);
      assert.deepEqual(await found('gone'), []);
    });

    it('bad requests: no search_term → 400 M_MISSING_PARAM; bad limit → 400 M_BAD_JSON; no token → 401', async () => {
      const missing = await hs.request('POST', `${V3}/user_directory/search`, {}, alice.accessToken);
      assert.equal(missing.status, 400);
      assert.equal(missing.body.errcode, 'M_MISSING_PARAM');
      const bad = await hs.request('POST', `${V3}/user_directory/search`, { search_term: 'a', limit: 'ten' }, alice.accessToken);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_BAD_JSON');
      assert.equal((await hs.request('POST', `${V3}/user_directory/search`, { search_term: 'a' })).status, 401);
    });
  });
}
