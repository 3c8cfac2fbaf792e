/**
 * The floor: the nested read as one prepared join behind node:http, answering ours' JSON shape.
 * No GraphQL, no auth, no validation: what the read costs with nothing but pg and JSON.
 */
const http = require('node:http');
const { fromEnv, stopOnSigterm } = require('./env');

const { port, pool } = fromEnv();
const READ = {
  name: 'peers_floor_nested_read',
  text: `SELECT c.id::text AS id, c.views, p.title, upper(p.format) AS format, i.topic
         FROM published_content c
         JOIN content_plans p ON p.id = c.content_plan_id
         LEFT JOIN insights i ON i.id = p.insight_id
         ORDER BY c.published_at DESC, c.id DESC
         LIMIT 50`,
};

const server = http.createServer((req, res) => {
  req.resume(); // the body (a GraphQL request) is not read: the floor answers one read
  pool.query(READ).then(
    ({ rows }) => {
      const nodes = rows.map((r) => ({
        id: r.id,
        views: r.views === null ? null : Number(r.views),
        contentPlan: { title: r.title, format: r.format, insight: r.topic === null ? null : { topic: r.topic } },
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { contents: { nodes } } }));
    },
    (err) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: err.message }] }));
    },
  );
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`floor on ${port}\n`));
stopOnSigterm(server, pool);
