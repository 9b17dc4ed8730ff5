// Field-level fuzz driven by the spec's OpenAPI: for every registered route with
// a JSON body described in the spec, start from the spec's example body and set
// one declared property at a time to a value of the wrong type (numbers for
// strings, huge strings, nested garbage, lone surrogates, NUL, 1e400, 2^53+1…).
// Every answer must be < 500, in time, and a Matrix error when 4xx.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';
import { Findings } from './probe.js';
import { buildWorld, type World } from './world.js';
import { send, stillAlive, takesBody } from './routeProbes.js';
import { encodeBody, normalise, specBodies, wrongValues } from './specBodies.js';

for (const engine of engines()) {
  describe(`hardening: spec body fields of the wrong type (${engine})`, () => {
    let server: TestServer;
    let world: World;
    before(async () => {
      server = await startTestServer({ engine, config: { max_request_body_size: 256 * 1024 } });
      world = await buildWorld(server);
    });
    after(() => server.close());

    it('every declared property, wrong-typed, never 5xx', { timeout: 600_000 }, async (t) => {
      const bodies = new Map(specBodies().map((b) => [b.key, b]));
      const f = new Findings();
      let covered = 0;
      for (const route of world.routes) {
        if (!takesBody(route)) continue;
        const spec = bodies.get(`${route.method} ${normalise(route.url)}`);
        if (!spec) continue;
        covered++;
        const base = spec.example ?? {};
        for (const [prop, type] of Object.entries(spec.properties)) {
          for (const bad of wrongValues(type)) {
            const x = await send(world, route, { body: encodeBody({ ...base, [prop]: bad }) });
            f.check(x.req, x.res);
          }
        }
      }
      t.diagnostic(`${covered} routes matched a spec body`);
      assert.ok(covered >= 30, `only ${covered} routes matched a spec body`);
      assert.ok(await stillAlive(world), 'server no longer answers /versions');
      assert.equal(f.items.length, 0, f.report());
    });
  });
}
