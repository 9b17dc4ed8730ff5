// Helper for the sync benchmarks (not a benchmark itself): runs a test server in its own process (so the
// benchmark's HTTP clients do not share the server's event loop), reports its
// base URL over IPC and stops when told to.
import { startTestServer, type Engine } from '../../packages/server/test/harness.js';

const engine = (process.argv[2] ?? 'sqlite') as Engine;
const hs = await startTestServer({ engine });
process.send!({ baseUrl: hs.baseUrl });
process.on('message', async (msg) => {
  if (msg === 'close') {
    await hs.close();
    process.exit(0);
  }
});
