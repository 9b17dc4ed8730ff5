#!/usr/bin/env node
// The `weft` command. Runs the compiled server (npm ci / npm run build produce dist/).
import('../dist/cli.js').then((cli) => cli.main(process.argv.slice(2))).catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
