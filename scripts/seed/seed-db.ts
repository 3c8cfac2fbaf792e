/** Fills a migrated database with the seed dataset (see rows.ts) in one transaction. */
import { Client } from 'pg';
import { copyRows, droppableDdl, resetIdentities, TABLES } from './load';
import { Progress } from './progress';
import { ensureMonths, maintainPartitions, Sql } from '../../src/db/partitions';
import {
  agentLogRows,
  contentRows,
  derivedCounts,
  insightRows,
  interactionRows,
  interactionSpan,
  PlanIndex,
  planRows,
  SeedSpec,
  userRows,
} from './rows';

export interface SeedOptions {
  /** Keep indexes and foreign keys during the load (slower at scale; for measuring). */
  keepIndexes?: boolean;
  quiet?: boolean;
}

export interface SeedReport {
  ms: number;
  rows: Record<string, number>;
  phases: Record<string, number>;
}

export async function seedDatabase(url: string, spec: SeedSpec, opts: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  const counts = derivedCounts(spec);
  const rows = {
    insights: counts.insights,
    content_plans: counts.plans,
    published_content: spec.content,
    community_users: spec.users,
    user_interactions: spec.interactions,
    agent_logs: spec.logs,
  };
  const progress = new Progress(
    Object.values(rows).reduce((a, b) => a + b, 0),
    opts.quiet,
  );
  const client = new Client({ connectionString: url, application_name: 'seed' });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    // The month partitions of the interactions' span exist before the load (else their rows would
    // all land in the default partition): docs/data-model.md "Partitions".
    const sql: Sql = async (text, params) => (await client.query(text, params)).rows;
    const span = interactionSpan(spec);
    await ensureMonths(sql, span.from, span.to);
    await client.query('BEGIN');
    const ddl = opts.keepIndexes ? { indexes: [], foreignKeys: [] } : await droppableDdl(client);
    for (const d of ddl.foreignKeys) await client.query(d.drop);
    for (const d of ddl.indexes) await client.query(d.drop);
    // Truncated in this transaction: COPY FREEZE is allowed.
    await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
    phase('prepare');
    const plans = new PlanIndex(counts.plans);
    await copyRows(client, 'insights', ['id', 'topic', 'summary', 'source', 'score', 'created_at'], insightRows(spec), progress, true);
    await copyRows(
      client,
      'content_plans',
      ['id', 'insight_id', 'title', 'format', 'platform', 'status', 'scheduled_for', 'created_at'],
      planRows(spec, plans),
      progress,
      true,
    );
    // The rows carry their plan's format: its trigger (which would look each plan up) is off for the load.
    await client.query('ALTER TABLE published_content DISABLE TRIGGER trg_published_content_format');
    await copyRows(
      client,
      'published_content',
      ['id', 'content_plan_id', 'platform', 'url', 'published_at', 'views', 'likes', 'comments', 'shares', 'engagement_rate', 'format'],
      contentRows(spec, plans),
      progress,
      true,
    );
    await client.query('ALTER TABLE published_content ENABLE TRIGGER trg_published_content_format');
    await copyRows(client, 'community_users', ['id', 'handle', 'platform', 'display_name', 'created_at'], userRows(spec), progress, true);
    // Partitioned: PostgreSQL refuses COPY FREEZE on a partitioned table.
    await copyRows(
      client,
      'user_interactions',
      ['id', 'user_id', 'content_id', 'interaction_type', 'timestamp'],
      interactionRows(spec),
      progress,
      false,
    );
    await copyRows(
      client,
      'agent_logs',
      ['id', 'agent_name', 'status', 'started_at', 'finished_at', 'execution_time', 'error', 'details'],
      agentLogRows(spec),
      progress,
      true,
    );
    phase('copy');
    progress.stage('indexes');
    for (const d of ddl.indexes) await client.query(d.create);
    phase('indexes');
    progress.stage('foreign keys');
    for (const d of ddl.foreignKeys) await client.query(d.create);
    phase('foreignKeys');
    await resetIdentities(client);
    await client.query('COMMIT');
    // The months between the data and now (and ahead): no gap for a range to fall in.
    await maintainPartitions(sql, { retentionMonths: null });
    phase('commit');
    progress.stage('analyze');
    await client.query(`ANALYZE ${TABLES.join(', ')}`);
    phase('analyze');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
  const ms = Math.round(performance.now() - started);
  progress.finish(
    `seeded ${Object.entries(rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
      .join(', ')} in ${(ms / 1000).toFixed(1)} s`,
  );
  return { ms, rows, phases };
}
