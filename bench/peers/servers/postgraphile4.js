/** PostGraphile 4 as a library, production options, its default inflection on the public schema. */
const http = require('node:http');
const { postgraphile } = require('postgraphile4');
const { fromEnv, stopOnSigterm } = require('./env');

const { port, pool } = fromEnv();
const middleware = postgraphile(pool, 'public', {
  graphiql: false,
  watchPg: false,
  disableQueryLog: true,
  extendedErrors: [],
  showErrorStack: false,
  retryOnInitFail: false,
});
const server = http.createServer(middleware);
server.listen(port, '127.0.0.1', () => process.stdout.write(`postgraphile 4 on ${port}\n`));
stopOnSigterm(server, pool);
