/**
 * The four agents, run once on a freshly seeded database, so that every derived number (scores and
 * tiers, a performance snapshot, a strategy, the agents' statistics) is there at once. They run as
 * the app runs them: its GraphQL mutations, on a server started in this process on a free port,
 * with a one-off admin key.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { start } from '../../src/main';

/** In this order: the strategy is tuned from the snapshot made just before it. */
const RUNS: { agent: string; mutation: string; summary: (data: any) => string }[] = [
  {
    agent: 'ConversionAgent',
    mutation: 'mutation { recomputeEngagementScores { usersScored tiers { tier users } } }',
    summary: ({ recomputeEngagementScores: r }) =>
      `${r.usersScored} users scored; ${r.tiers.map((t: any) => `${t.tier} ${t.users}`).join(', ')}`,
  },
  {
    agent: 'PerformanceAnalyticsAgent',
    mutation: 'mutation { createPerformanceSnapshot { id contentCount } }',
    summary: ({ createPerformanceSnapshot: s }) => `snapshot ${s.id} of ${s.contentCount} published items`,
  },
  {
    agent: 'StrategyTuningAgent',
    mutation: 'mutation { tuneStrategy { version } }',
    summary: ({ tuneStrategy: s }) => `strategy version ${s.version}`,
  },
  {
    agent: 'AnalyticsAgent',
    mutation: 'mutation { analyzeAgentPerformance { stats { agentName } } }',
    summary: ({ analyzeAgentPerformance: a }) => `statistics of ${a.stats.length} agents`,
  },
];

export async function runAgents(url: string, report: (line: string) => void): Promise<void> {
  const key = randomBytes(16).toString('hex');
  const env = { ...process.env, DATABASE_URL: url, PORT: '0', MIGRATIONS_RUN: 'false', API_KEYS: `admin:${key}`, LOG_LEVEL: 'error' };
  const app = await start(loadConfig(env));
  try {
    for (const { agent, mutation, summary } of RUNS) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${app.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: mutation }),
      });
      const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(`${agent} failed: ${body.errors[0].message}`);
      report(`${agent}: ${summary(body.data)} (${Math.round(performance.now() - started)} ms)`);
    }
  } finally {
    await app.stop();
  }
}
