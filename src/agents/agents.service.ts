/**
 * The four agent mutations: defaults applied to already validated inputs (agent.inputs.ts), then
 * one runAgent call each. The agents' SQL lives in the *.agent.ts files beside this one. A job of
 * the queue (job-queue.ts) calls the same functions with its attempt (`queued`).
 */
import type { Db } from '../db/db';
import { retentionCutoff } from '../db/partitions';
import { invalidArgs } from '../graphql/validation';
import { toDb } from '../graphql/enums';
import type { PerformanceSnapshot } from '../modules/performance-snapshot/performance-snapshot.type';
import type { StrategyRow } from '../modules/strategy/strategy.type';
import type { AnalyzeAgentsInput, PerformanceSnapshotInput, RecomputeEngagementInput, TuneStrategyInput } from './agent.inputs';
import type { AgentAnalysis, EngagementRecompute } from './agent-stats.type';
import { analyticsAgent } from './analytics.agent';
import { conversionAgent } from './conversion.agent';
import { performanceAnalyticsAgent } from './performance-analytics.agent';
import { AgentSettings, QueuedAttempt, runAgent } from './run-agent';
import { strategyTuningAgent } from './strategy-tuning.agent';

export async function recomputeEngagementScores(
  db: Db,
  settings: AgentSettings,
  input: RecomputeEngagementInput | null,
  queued: QueuedAttempt | null = null,
): Promise<EngagementRecompute> {
  const windowDays = input?.windowDays ?? 30;
  const halfLifeDays = input?.halfLifeDays ?? null;
  const asOf = input?.asOf ?? null;
  checkRetainedWindow(settings.interactionsRetentionMonths, windowDays, asOf);
  const { result, run } = await runAgent(
    db,
    settings,
    'ConversionAgent',
    { windowDays, halfLifeDays, asOf },
    (tx, r) => conversionAgent(tx, { asOf: asOf ?? r.startedAt, windowDays, halfLifeDays }),
    queued,
  );
  return { ...result, run };
}

/**
 * With INTERACTIONS_RETENTION_MONTHS, interactions older than that many months before now are gone
 * (their partitions dropped): a ConversionAgent window that starts before that cutoff would score
 * from part of its interactions, so it is refused, BAD_USER_INPUT on input.windowDays, before any
 * run is recorded (docs/agents.md "Retention"). Any window of up to 28 x months days ending now fits.
 */
export function checkRetainedWindow(retentionMonths: number | null, windowDays: number, asOf: Date | null, now = new Date()): void {
  if (!retentionMonths) return;
  const cutoff = retentionCutoff(retentionMonths, now);
  const start = new Date((asOf ?? now).getTime() - windowDays * 86_400_000);
  if (start >= cutoff) return;
  throw invalidArgs([
    {
      path: 'input.windowDays',
      problem:
        `the window would start at ${start.toISOString()}, before ${cutoff.toISOString()}: interactions are kept ` +
        `${retentionMonths} months (INTERACTIONS_RETENTION_MONTHS); shorten windowDays or move asOf later`,
    },
  ]);
}

export async function createPerformanceSnapshot(
  db: Db,
  settings: AgentSettings,
  input: PerformanceSnapshotInput | null,
  queued: QueuedAttempt | null = null,
): Promise<PerformanceSnapshot> {
  const windowDays = input?.windowDays ?? 30;
  const platform = input?.platform ?? null;
  const asOf = input?.asOf ?? null;
  const { result } = await runAgent(
    db,
    settings,
    'PerformanceAnalyticsAgent',
    { windowDays, platform, asOf },
    (tx, r) => performanceAnalyticsAgent(tx, { asOf: asOf ?? r.startedAt, windowDays, platform: platform && toDb(platform) }, r.id),
    queued,
  );
  return result;
}

export async function tuneStrategy(
  db: Db,
  settings: AgentSettings,
  input: TuneStrategyInput | null,
  queued: QueuedAttempt | null = null,
): Promise<StrategyRow> {
  const learningRate = input?.learningRate ?? 0.3;
  const { result } = await runAgent(
    db,
    settings,
    'StrategyTuningAgent',
    { learningRate },
    (tx, r) => strategyTuningAgent(tx, { learningRate }, r.id),
    queued,
  );
  return result;
}

export async function analyzeAgentPerformance(
  db: Db,
  settings: AgentSettings,
  input: AnalyzeAgentsInput | null,
  queued: QueuedAttempt | null = null,
): Promise<AgentAnalysis> {
  const since = input?.since ?? null;
  const until = input?.until ?? null;
  const { result, run } = await runAgent(
    db,
    settings,
    'AnalyticsAgent',
    { since, until },
    (tx, r) => analyticsAgent(tx, { since, until }, r.id),
    queued,
  );
  return { run, since, until, stats: result };
}
