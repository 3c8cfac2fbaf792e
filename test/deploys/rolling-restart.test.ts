/**
 * Rolling restart: two server processes on one database; each in turn gets SIGTERM, exits, and a
 * new one starts (running the migrations, none pending) while two client loops keep sending reads
 * and writes to whichever instance answers. Every request opens its own connection: a refused
 * connection goes to the other instance. A write that got no HTTP answer at all (refused, or cut
 * before its response) is sent again with the same identity: its batch's own timestamp, which no
 * other write uses. Then:
 * - no request that got an HTTP answer failed, and every operation succeeded in the end;
 * - every acknowledged write is in the table exactly once (BATCH rows with its timestamp, never
 *   2 x BATCH), and there is no other row: nothing lost, nothing written twice;
 * - the stopped processes exited 0, and the new ones served requests.
 */
import http from 'node:http';
import { ChildServer, spawnServer } from '../support/child-server';
import { useTestServer } from '../support/use-test-server';
import { sleep, until } from '../support/wait';

const BATCH = 5;
const LOOPS = 2;
const BASE = Date.parse('2026-01-01T00:00:00Z');

const { db, cleanup } = useTestServer('rolling', null);
db.pool.on('error', () => undefined);
let userId: string;

beforeAll(async () => {
  const { rows } = await db.pool.query(`INSERT INTO community_users (handle, platform) VALUES ('rolling', 'youtube') RETURNING id`);
  userId = String(rows[0].id);
});

interface Answer {
  /** The connection was made and the request sent (a refused one was never seen by a server). */
  accepted: boolean;
  status?: number;
  body?: { data?: any; errors?: unknown[] };
  error?: string;
}

/** One POST /graphql on a connection of its own. */
function post(port: number, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const payload = JSON.stringify({ query, variables });
  return new Promise((resolve) => {
    let accepted = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolve({ accepted: true, status: res.statusCode, body: JSON.parse(text) });
          } catch {
            resolve({ accepted: true, status: res.statusCode, error: `not JSON: ${text.slice(0, 200)}` });
          }
        });
        res.on('error', (err) => resolve({ accepted: true, status: res.statusCode, error: `cut mid-response: ${err.message}` }));
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (accepted = true)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ accepted, error: err.code ?? err.message }));
    req.end(payload);
  });
}

const READ = '{ communityUsers(first: 5) { totalCount nodes { id handle } } }';
const WRITE = 'mutation W($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }';

test('restarting two instances one at a time under reads and writes loses nothing and writes nothing twice', async () => {
  const slots: ChildServer[] = await Promise.all([spawnServer({ DATABASE_URL: db.url }), spawnServer({ DATABASE_URL: db.url })]);
  cleanup(() => Promise.all(slots.map((s) => s.stop())));
  const servedBy = new Map<number, number>();
  const failures: string[] = [];
  const acknowledged: number[] = [];
  let resent = 0;
  let seq = 0;
  let running = true;

  /** Sends one operation to the instances, starting with slot `first`, until one answers. */
  async function send(first: number, query: string, variables?: Record<string, unknown>): Promise<boolean> {
    for (let attempt = 0; attempt < 400; attempt++) {
      const port = slots[(first + attempt) % slots.length].port;
      const answer = await post(port, query, variables);
      if (answer.status !== undefined && !answer.error) {
        if (answer.status !== 200 || answer.body?.errors?.length) {
          failures.push(`${answer.status} from ${port}: ${JSON.stringify(answer.body?.errors)}`);
          return false;
        }
        servedBy.set(port, (servedBy.get(port) ?? 0) + 1);
        return true;
      }
      if (answer.status !== undefined) {
        failures.push(`answer from ${port} broken: ${answer.error}`); // an HTTP answer that did not arrive whole
        return false;
      }
      if (answer.accepted) resent++; // cut before any answer: sent again with the same identity
      if (attempt % slots.length === slots.length - 1) await sleep(20);
    }
    failures.push(`no instance answered: ${query.slice(0, 40)}`);
    return false;
  }

  const loop = async (n: number) => {
    for (let i = 0; running; i++) {
      if (i % 2 === 0) {
        await send(i + n, READ);
        continue;
      }
      const identity = BASE + ++seq * 1000;
      const input = Array.from({ length: BATCH }, () => ({ userId, type: 'VIEW', timestamp: new Date(identity).toISOString() }));
      if (await send(i + n, WRITE, { input })) acknowledged.push(identity);
    }
  };
  const loops = Array.from({ length: LOOPS }, (_, n) => loop(n));
  try {
    const served = (port: number) => servedBy.get(port) ?? 0;
    await until('both instances to serve', () => slots.every((s) => served(s.port) >= 5), 60_000);
    for (let i = 0; i < slots.length; i++) {
      const old = slots[i];
      await old.stop();
      expect(await old.exited).toEqual({ code: 0, signal: null });
      expect(old.stderr()).toBe('');
      slots[i] = await spawnServer({ DATABASE_URL: db.url, MIGRATIONS_RUN: 'true' });
      await until(`the new instance ${i} to serve`, () => served(slots[i].port) >= 5, 60_000);
    }
  } finally {
    running = false;
    await Promise.all(loops);
  }

  expect(failures).toEqual([]);
  expect(acknowledged.length).toBeGreaterThan(10);
  const { rows } = await db.pool.query(
    `SELECT extract(epoch FROM "timestamp") * 1000 AS identity, count(*)::int AS n FROM user_interactions GROUP BY 1 ORDER BY 1`,
  );
  expect(rows.map((r) => [Number(r.identity), r.n])).toEqual(acknowledged.sort((a, b) => a - b).map((id) => [id, BATCH]));
  console.log(
    `rolling restart: ${acknowledged.length} writes and ${[...servedBy.values()].reduce((a, b) => a + b, 0) - acknowledged.length} reads ` +
      `answered by ${servedBy.size} processes; ${resent} sent again after a cut connection`,
  );
}, 300_000);
