// Entry point that runs the `weft` CLI from sources, for tests and benchmarks
// that start the server as a separate process (node --conditions=weft-src --import tsx).
import { main } from '../../src/cli.js';

await main(process.argv.slice(2));
