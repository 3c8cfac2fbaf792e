/**
 * The floor: the read as one prepared join behind node:http, answering ours' JSON shape.
 * No GraphQL, no auth, no validation: what the read costs with nothing but pg and JSON.
 * BENCH_READ picks the read (bench/peers/peers.ts): `nested` (50 contents -> plan -> insight) or
 * `detail` (insight BENCH_INSIGHT -> its 10 newest content plans).
 */
const http = require('node:http');
const { fromEnv, stopOnSigterm } = require('./env');

const { port, pool } = fromEnv();

const READS = {
  nested: {
    query: {
      name: 'peers_floor_nested_read',
      text: `SELECT c.id::text AS id, c.views, p.title, upper(p.format) AS format, i.topic
             FROM published_content c
             JOIN content_plans p ON p.id = c.content_plan_id
             LEFT JOIN insights i ON i.id = p.insight_id
             ORDER BY c.published_at DESC, c.id DESC
             LIMIT 50`,
    },
    answer: (rows) => ({
      contents: {
        nodes: rows.map((r) => ({
          id: r.id,
          views: r.views === null ? null : Number(r.views),
          contentPlan: { title: r.title, format: r.format, insight: r.topic === null ? null : { topic: r.topic } },
        })),
      },
    }),
  },
  detail: {
    query: {
      name: 'peers_floor_detail_read',
      text: `SELECT i.topic, p.id::text AS id, p.title, upper(p.format) AS format
             FROM insights i
             LEFT JOIN LATERAL (SELECT id, title, format FROM content_plans
                                WHERE insight_id = i.id ORDER BY created_at DESC, id DESC LIMIT 10) p ON true
             WHERE i.id = $1`,
      values: [Number(process.env.BENCH_INSIGHT)],
    },
    answer: (rows) =>
      rows.length === 0
        ? { insight: null }
        : {
            insight: {
              topic: rows[0].topic,
              contentPlans: { nodes: rows.filter((r) => r.id !== null).map((r) => ({ id: r.id, title: r.title, format: r.format })) },
            },
          },
  },
};

const read = READS[process.env.BENCH_READ || 'nested'];
if (!read) throw new Error(`BENCH_READ must be one of ${Object.keys(READS).join(', ')}`);

const server = http.createServer((req, res) => {
  req.resume(); // the body (a GraphQL request) is not read: the floor answers one read
  pool.query(read.query).then(
    ({ rows }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: read.answer(rows) }));
    },
    (err) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: err.message }] }));
    },
  );
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`floor on ${port}\n`));
stopOnSigterm(server, pool);
