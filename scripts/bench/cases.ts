/** The three operations of the original table: parameters, the "ours" mutation, result shapes. */
import type { Dataset } from './datasets';
import { ANCHOR } from './datasets';
import type { AgentStatsResult, SnapshotResult } from './orm/common';
import type { Op } from './orm-worker';

const DAY_MS = 86_400_000;
const fmt = (n: number) => n.toLocaleString('en-US');

export interface Case {
  op: Op;
  title: string;
  datasets: string[];
  size(ds: Dataset): number;
  label(ds: Dataset): string;
  params: Record<string, unknown>;
  mutation: string;
  /** The mutation's data -> the same shape the ORM implementations return (null: compare the table). */
  normalize(data: any): unknown;
}

export const CASES: Case[] = [
  {
    op: 'engagement',
    title: 'Engagement scores (ConversionAgent)',
    datasets: ['s', 'm', 'l', 'xl'],
    size: (d) => d.spec.users,
    label: (d) => `${fmt(d.spec.users)} users / ${fmt(d.spec.interactions)} interactions`,
    // A 30-day window with a 14-day half-life: the decay makes every interaction's weight a float.
    params: { asOf: ANCHOR, windowDays: 30, halfLifeDays: 14 },
    mutation: `mutation($asOf: DateTime, $windowDays: Int, $halfLifeDays: Float) {
      r: recomputeEngagementScores(input: {asOf: $asOf, windowDays: $windowDays, halfLifeDays: $halfLifeDays}) {
        usersScored totalUsers promoted demoted tiers { tier users } } }`,
    normalize: () => null,
  },
  {
    op: 'snapshot',
    title: 'Performance snapshot (PerformanceAnalyticsAgent)',
    datasets: ['s', 'm', 'l', 'xl'],
    size: (d) => d.spec.content,
    label: (d) => `${fmt(d.spec.content)} content`,
    // The seeded content spans 90 days: a 120-day window takes all of it, like the original's .all().
    params: { asOf: ANCHOR, windowDays: 120 },
    mutation: `mutation($asOf: DateTime, $windowDays: Int) {
      r: createPerformanceSnapshot(input: {asOf: $asOf, windowDays: $windowDays}) {
        contentCount totalImpressions avgEngagementRate bestFormat bestPlatform
        byFormat { format contentCount impressions avgEngagementRate }
        byPlatform { platform contentCount impressions avgEngagementRate }
        topContent(first: 100) { id } } }`,
    normalize: (r: any): SnapshotResult => ({
      contentCount: r.contentCount,
      totalImpressions: r.totalImpressions,
      avgEngagementRate: r.avgEngagementRate,
      bestFormat: r.bestFormat,
      bestPlatform: r.bestPlatform,
      byFormat: r.byFormat.map((g: any) => ({
        key: g.format,
        contentCount: g.contentCount,
        impressions: g.impressions,
        avgEngagementRate: g.avgEngagementRate,
      })),
      byPlatform: r.byPlatform.map((g: any) => ({
        key: g.platform,
        contentCount: g.contentCount,
        impressions: g.impressions,
        avgEngagementRate: g.avgEngagementRate,
      })),
      topContentIds: r.topContent.map((c: any) => Number(c.id)),
    }),
  },
  {
    op: 'analysis',
    title: 'Agent analysis (AnalyticsAgent)',
    datasets: ['s', 'l', 'xl'],
    size: (d) => d.spec.logs,
    label: (d) => `${fmt(d.spec.logs)} logs`,
    params: { since: new Date(Date.parse(ANCHOR) - 120 * DAY_MS).toISOString(), until: ANCHOR },
    mutation: `mutation($since: DateTime, $until: DateTime) {
      r: analyzeAgentPerformance(input: {since: $since, until: $until}) {
        stats { agentName totalRuns successfulRuns failedRuns successRate avgExecutionTime p95ExecutionTime lastRunAt } } }`,
    normalize: (r: any): AgentStatsResult[] => r.stats,
  },
];
