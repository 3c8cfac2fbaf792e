/**
 * GraphQL over HTTP: graphql-http's server audit suite against the live server. Any "error" (a MUST
 * the server breaks) fails the test; the counts are printed. Apollo Server alone scores 55 ok,
 * 3 notice, 3 warn of 61: the three warnings are "SHOULD use 200 ... when accepting
 * application/json", which src/graphql/json-status.ts fixes.
 */
import { serverAudits } from 'graphql-http';
import { useTestServer } from './support/use-test-server';

const { server } = useTestServer('audit');

test('graphql-http server audits: no errors, better than Apollo alone', async () => {
  const results = [];
  for (const audit of serverAudits({ url: server.url })) results.push(await audit.fn());
  const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
  for (const r of results) counts[r.status] += 1;
  const notOk = results
    .filter((r) => r.status !== 'ok')
    .map((r) => `${r.status.padEnd(6)} ${r.id} ${r.name}${'reason' in r ? `: ${r.reason}` : ''}`);
  console.log(`graphql-http audits (${results.length}): ${JSON.stringify(counts)}\n${notOk.join('\n')}`);
  expect(results.filter((r) => r.status === 'error').map((r) => r.name)).toEqual([]);
  expect(results.filter((r) => r.status === 'warn').map((r) => r.name)).toEqual([]);
  expect(counts.ok).toBeGreaterThan(55);
});
