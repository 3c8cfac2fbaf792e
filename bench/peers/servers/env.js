/** What every peer server reads from its environment: the database, the port, one pool size for all. */
const { Pool } = require('pg');

function fromEnv() {
  const url = process.env.DATABASE_URL;
  const port = Number(process.env.PORT);
  if (!url || !port) throw new Error('DATABASE_URL and PORT are required');
  // The same pool size as ours (DB_POOL_MAX, default 10), so no server gets more connections.
  const pool = new Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX ?? 10) });
  return { url, port, pool };
}

/** Closes the server and the pool on SIGTERM, so the harness can stop a peer cleanly. */
function stopOnSigterm(server, pool) {
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections?.();
    pool.end().finally(() => process.exit(0));
  });
}

module.exports = { fromEnv, stopOnSigterm };
