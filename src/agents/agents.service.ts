/**
 * The four agent mutations: defaults applied to already validated inputs (agent.inputs.ts), then
 * one runAgent call each. The agents' SQL lives in the *.agent.ts files beside this one. A job of
 * the queue (job-queue.ts) calls the same functions with its attempt (`queued`).
 */
import type { Db } from '../db/db';
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
