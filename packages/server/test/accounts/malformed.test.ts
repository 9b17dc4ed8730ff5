// No malformed input to an accounts endpoint yields a 500.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../harness.js';

const V3 = '/_matrix/client/v3';

describe('accounts endpoints reject malformed input with 4xx', () => {
  let hs: TestServer;
  before(async () => {
    hs = await startTestServer({ config: { registration_shared_secret: 'x' } });
  });
  after(() => hs.close());

  it('every probe answers 4xx with an errcode', async () => {
    const u = await hs.register('probe', 'pw');
    const uid = encodeURIComponent(u.userId);
    const routes: [string, string][] = [
      ['POST', `${V3}/register`], ['POST', `${V3}/login`], ['POST', `${V3}/refresh`], ['POST', `${V3}/delete_devices`],
      ['PUT', `${V3}/devices/${u.deviceId}`], ['DELETE', `${V3}/devices/${u.deviceId}`], ['POST', `${V3}/account/password`],
      ['POST', `${V3}/account/deactivate`], ['PUT', `${V3}/profile/${uid}/displayname`], ['PUT', `${V3}/profile/${uid}/avatar_url`],
      ['PUT', `${V3}/profile/${uid}/m.custom`], ['POST', '/_synapse/admin/v1/register'],
    ];
    const bodies = [
      'null', '[]', '"x"', '5', '{"auth": 5}', '{"auth": {"type": 5}}', '{"auth": {"type": "m.login.password", "session": 7}}',
      '{"auth": {"type": "m.login.password", "identifier": "x", "password": []}}', '{"username": {}, "password": 1}',
      '{"identifier": "x"}', '{"identifier": {"type": "m.id.user", "user": 5}}', '{"type": "m.login.password", "user": [], "password": "x"}',
      '{"devices": "x"}', '{"devices": [1]}', '{"new_password": 5}', '{"displayname": []}', '{"avatar_url": {}}', '{"display_name": 3}',
      '{"refresh_token": 5}', '{"nonce": 5, "mac": []}', '{"username": "\\u0000", "password": "x", "nonce": "n", "mac": "m"}', '{"erase": "yes"}',
      '{"a":', '\u00ff\u00fe',
    ];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const res = await hs.request(method, path, body, u.accessToken);
        assert.ok(res.status < 500, `${method} ${path} ${body} → ${res.status} ${JSON.stringify(res.body)}`);
        // A UIA challenge (401 with flows) carries no errcode by spec.
        if (res.status >= 400 && !(res.status === 401 && res.body.flows)) assert.equal(typeof res.body.errcode, 'string', `${method} ${path} ${body}`);
      }
    }
    for (const q of ['?username=', '?username=%00', '?username=' + 'a'.repeat(300), '?kind=x', '?token=']) {
      for (const path of [`${V3}/register/available${q}`, `/_matrix/client/v1/register/m.login.registration_token/validity${q}`, `${V3}/register${q}`]) {
        const res = await hs.request(path.includes('available') || path.includes('validity') ? 'GET' : 'POST', path);
        assert.ok(res.status < 500, `${path} → ${res.status}`);
      }
    }
    for (const path of [`${V3}/profile/not-a-user`, `${V3}/profile/${encodeURIComponent('@x:other.server')}`, `${V3}/profile/%40`, `${V3}/devices/${'%FF'}`]) {
      const res = await hs.request('GET', path, undefined, u.accessToken);
      assert.ok(res.status >= 400 && res.status < 500, `${path} → ${res.status}`);
    }
  });
});
