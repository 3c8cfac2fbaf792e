/** PostGraphile 5 (the Amber preset, its default inflection) on node:http, production options. */
const http = require('node:http');
const { postgraphile } = require('postgraphile');
const { PostGraphileAmberPreset } = require('postgraphile/presets/amber');
const { makePgService } = require('postgraphile/adaptors/pg');
const { grafserv } = require('postgraphile/grafserv/node');
const { fromEnv, stopOnSigterm } = require('./env');

const { port, pool } = fromEnv();
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});
const server = http.createServer();
pgl
  .createServ(grafserv)
  .addTo(server)
  .then(() => server.listen(port, '127.0.0.1', () => process.stdout.write(`postgraphile 5 on ${port}\n`)))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
stopOnSigterm(server, pool);
