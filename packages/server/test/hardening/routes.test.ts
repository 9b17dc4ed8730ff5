// Black-box robustness: every registered client route (read from the Router)
// gets bad tokens, malformed JSON, non-object JSON, garbage objects, bad query
// parameters, garbage path parameters and an over-cap body. Each answer must be
// < 500, arrive in time, and (for 4xx) be {"errcode":"M_…","error":"…"} with
// the spec's status where the spec gives one (issue 3 point 8). The server must
// still answer /versions after each battery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';
import { Findings } from './probe.js';
import { buildWorld, type World } from './world.js';
import { authBattery, garbageBattery, jsonBattery, oversizeBattery, pathBattery, queryBattery, stillAlive } from './routeProbes.js';

/** Known, reported, not-yet-fixed findings (each names the issue); empty when all are fixed. */
const KNOWN: RegExp[] = [];

for (const engine of engines()) {
  describe(`hardening: every client route (${engine})`, () => {
    let server: TestServer;
    let world: World;
    before(async () => {
      server = await startTestServer({ engine, config: { max_request_body_size: 256 * 1024, max_upload_size: '512K' } });
      world = await buildWorld(server);
    });
    after(() => server.close());

    const battery = (name: string, run: (w: World, f: Findings) => Promise<void>) =>
      it(name, { timeout: 300_000 }, async () => {
        const f = new Findings(KNOWN);
        await run(world, f);
        assert.ok(await stillAlive(world), 'server no longer answers /versions');
        assert.equal(f.items.length, 0, f.report());
      });

    it('the router lists the client API', () => {
      const urls = new Set(world.routes.map((r) => `${r.method} ${r.url}`));
      assert.ok(world.routes.length >= 60, `only ${world.routes.length} routes`);
      for (const must of ['GET /_matrix/client/v3/sync', 'POST /_matrix/client/v3/createRoom', 'PUT /_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId', 'GET /_matrix/client/versions']) {
        assert.ok(urls.has(must), `${must} missing from Router.routes()`);
      }
    });

    battery('missing / unknown / malformed tokens → 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN', authBattery);
    battery('malformed JSON → 400 M_NOT_JSON; non-object JSON → 400 M_BAD_JSON', jsonBattery);
    battery('garbage objects (wrong types, huge strings, deep nesting, NUL, lone surrogates) never 5xx', garbageBattery);
    battery('query parameters of the wrong type never 5xx or hang', queryBattery);
    battery('garbage, over-long and oddly percent-encoded path parameters never 5xx', pathBattery);
    battery('a body over the request cap → 413 M_TOO_LARGE', oversizeBattery);
  });
}
