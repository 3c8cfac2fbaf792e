/**
 * Which tables each cached answer reads and each mutation writes: the cache keeps one generation
 * per table, so a write invalidates exactly the answers that read what it wrote (docs/api.md
 * "Result cache"). A new cached field must be listed in READS (cached() takes only these names); a
 * new Mutation field belongs in WRITES (a test checks the schema against it; until then it counts
 * as writing every table).
 */
import { Table, TABLES } from '../db/tables';

export { TABLES };
export type { Table };

/** The tables each cached aggregate reads (content_plans: the format and insight filters and groups). */
export const READS = {
  engagementTimeSeries: ['published_content', 'content_plans'],
  contentBreakdown: ['published_content', 'content_plans'],
  bestPostingTimes: ['published_content', 'content_plans'],
  tierDistribution: ['community_users'],
  agentPerformance: ['agent_logs'],
} as const satisfies Record<string, readonly Table[]>;
export type CachedField = keyof typeof READS;

/** The tables that some cached answer reads: a write to any other table invalidates nothing. */
export const CACHED_TABLES: ReadonlySet<string> = new Set(Object.values(READS).flat());

/** The tables each Mutation field writes; an agent writes its run row in agent_logs, also when it fails. */
export const WRITES: Record<string, readonly Table[]> = {
  createInsight: ['insights'],
  createContentPlan: ['content_plans'],
  publishContent: ['content_plans', 'published_content'],
  updateContentMetrics: ['published_content'],
  upsertCommunityUser: ['community_users'],
  recordInteractions: ['user_interactions'],
  recordInteractionColumns: ['user_interactions'],
  recordAgentRun: ['agent_logs'],
  recomputeEngagementScores: ['agent_logs', 'community_users'],
  createPerformanceSnapshot: ['agent_logs', 'performance_snapshots'],
  tuneStrategy: ['agent_logs', 'strategies'],
  analyzeAgentPerformance: ['agent_logs'],
  // The queued run row; the run itself invalidates when a worker has run it (src/agents/job-queue.ts).
  enqueueAgentRun: ['agent_logs'],
};

/**
 * The tables a run of each agent writes: those of its mutation, whoever runs it (a mutation, a job
 * of the queue in any process). A run of another agent name (recordAgentRun) writes its row only.
 */
export const AGENT_WRITES: Record<string, readonly Table[]> = {
  ConversionAgent: WRITES.recomputeEngagementScores,
  PerformanceAnalyticsAgent: WRITES.createPerformanceSnapshot,
  StrategyTuningAgent: WRITES.tuneStrategy,
  AnalyticsAgent: WRITES.analyzeAgentPerformance,
};

/**
 * What a committed status change of a run wrote: its row, and once the run is final (success or
 * failure) what its agent writes (a failed run wrote nothing else, but invalidating more is safe).
 */
export function tablesWrittenByRun(agentName: string, status: string): Table[] {
  const final = !['QUEUED', 'RUNNING'].includes(status.toUpperCase());
  return final ? [...(AGENT_WRITES[agentName] ?? ['agent_logs'])] : ['agent_logs'];
}

/** The tables that these Mutation fields write, each once. */
export function tablesWrittenBy(fields: Iterable<string>): Table[] {
  const tables = new Set<Table>();
  for (const field of fields) for (const table of WRITES[field] ?? TABLES) tables.add(table);
  return [...tables];
}
