/**
 * PerformanceAnalyticsAgent._create_performance_snapshot, as the original design wrote it:
 * - before: load all content, lazy-load each item's plan (the session's identity map answers a
 *   plan already loaded, as SQLAlchemy's does), aggregate in TypeScript;
 * - seedAfter: one joined load of the content with plan and insight (its joinedload), then SQL
 *   aggregates (totals, GROUP BY format, GROUP BY platform, the top rows).
 * Both store the snapshot row through the ORM.
 */
import { Between, DataSource, EntityManager } from 'typeorm';
import { ContentPlanEntity } from '../../../src/modules/content-plan/content-plan.entity';
import { PerformanceSnapshotEntity } from '../../../src/modules/performance-snapshot/performance-snapshot.entity';
import { PublishedContentEntity } from '../../../src/modules/published-content/published-content.entity';
import { firstRated, SnapshotParams, SnapshotResult, sortGroups } from './common';

const DAY_MS = 86_400_000;
type Group = SnapshotResult['byFormat'][number];

function windowOf(p: SnapshotParams) {
  const asOf = new Date(p.asOf);
  return { asOf, from: new Date(asOf.getTime() - p.windowDays * DAY_MS) };
}

async function store(m: EntityManager, p: SnapshotParams, runId: number, r: SnapshotResult): Promise<SnapshotResult> {
  const lower = (g: Group) => ({ ...g, key: g.key.toLowerCase() });
  await m.save(
    m.create(PerformanceSnapshotEntity, {
      asOf: new Date(p.asOf),
      windowDays: p.windowDays,
      platform: null,
      contentCount: r.contentCount,
      totalImpressions: r.totalImpressions,
      avgEngagementRate: r.avgEngagementRate,
      bestFormat: r.bestFormat?.toLowerCase() ?? null,
      bestPlatform: r.bestPlatform?.toLowerCase() ?? null,
      byFormat: r.byFormat.map(lower),
      byPlatform: r.byPlatform.map(lower),
      topContentIds: r.topContentIds,
      runId,
    }),
  );
  return r;
}

export async function snapshotBefore(ds: DataSource, p: SnapshotParams, runId: number): Promise<SnapshotResult> {
  const { asOf, from } = windowOf(p);
  return ds.transaction(async (m) => {
    const items = (await m.find(PublishedContentEntity)).filter((c) => c.publishedAt >= from && c.publishedAt <= asOf);
    const plans = new Map<number, ContentPlanEntity>();
    const acc = (
      map: Map<string, { n: number; views: number; rateSum: number; rated: number }>,
      key: string,
      c: PublishedContentEntity,
    ) => {
      const g = map.get(key) ?? map.set(key, { n: 0, views: 0, rateSum: 0, rated: 0 }).get(key)!;
      g.n++;
      g.views += c.views ?? 0;
      if (c.engagementRate !== null) {
        g.rateSum += c.engagementRate;
        g.rated++;
      }
    };
    const formats = new Map<string, { n: number; views: number; rateSum: number; rated: number }>();
    const platforms = new Map<string, { n: number; views: number; rateSum: number; rated: number }>();
    let impressions = 0;
    let rateSum = 0;
    let rated = 0;
    for (const c of items) {
      let plan = plans.get(c.contentPlanId);
      if (!plan) {
        plan = (await m.findOneBy(ContentPlanEntity, { id: c.contentPlanId }))!;
        plans.set(plan.id, plan);
      }
      impressions += c.views ?? 0;
      if (c.engagementRate !== null) {
        rateSum += c.engagementRate;
        rated++;
      }
      acc(formats, plan.format, c);
      acc(platforms, c.platform, c);
    }
    const groups = (map: typeof formats): Group[] =>
      sortGroups(
        [...map].map(([key, g]) => ({
          key: key.toUpperCase(),
          contentCount: g.n,
          impressions: g.views,
          avgEngagementRate: g.rated ? g.rateSum / g.rated : null,
        })),
      );
    const byFormat = groups(formats);
    const byPlatform = groups(platforms);
    const top = items
      .filter((c) => c.engagementRate !== null)
      .sort((a, b) => b.engagementRate! - a.engagementRate! || a.id - b.id)
      .slice(0, 100)
      .map((c) => c.id);
    return store(m, p, runId, {
      contentCount: items.length,
      totalImpressions: impressions,
      avgEngagementRate: rated ? rateSum / rated : null,
      bestFormat: firstRated(byFormat),
      bestPlatform: firstRated(byPlatform),
      byFormat,
      byPlatform,
      topContentIds: top,
    });
  });
}

export async function snapshotSeedAfter(ds: DataSource, p: SnapshotParams, runId: number): Promise<SnapshotResult> {
  const { asOf, from } = windowOf(p);
  return ds.transaction(async (m) => {
    const inWindow = { publishedAt: Between(from, asOf) };
    await m.find(PublishedContentEntity, { relations: { contentPlan: { insight: true } }, where: inWindow });
    const qb = () => m.createQueryBuilder(PublishedContentEntity, 'c').where('c.published_at BETWEEN :from AND :asOf', { from, asOf });
    const totals = await qb()
      .select('count(*)', 'n')
      .addSelect('coalesce(sum(c.views), 0)', 'views')
      .addSelect('avg(c.engagement_rate)', 'rate')
      .getRawOne();
    const grouped = async (keySql: string, join: boolean): Promise<Group[]> => {
      let q = qb();
      if (join) q = q.innerJoin('c.contentPlan', 'p');
      const rows = await q
        .select(`${keySql}`, 'key')
        .addSelect('count(*)', 'n')
        .addSelect('coalesce(sum(c.views), 0)', 'views')
        .addSelect('avg(c.engagement_rate)', 'rate')
        .groupBy(keySql)
        .getRawMany();
      return sortGroups(
        rows.map((r) => ({
          key: String(r.key).toUpperCase(),
          contentCount: Number(r.n),
          impressions: Number(r.views),
          avgEngagementRate: r.rate === null ? null : Number(r.rate),
        })),
      );
    };
    const byFormat = await grouped('p.format', true);
    const byPlatform = await grouped('c.platform', false);
    const top = await qb()
      .andWhere('c.engagement_rate IS NOT NULL')
      .select('c.id', 'id')
      .orderBy('c.engagement_rate', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .limit(100)
      .getRawMany();
    return store(m, p, runId, {
      contentCount: Number(totals.n),
      totalImpressions: Number(totals.views),
      avgEngagementRate: totals.rate === null ? null : Number(totals.rate),
      bestFormat: firstRated(byFormat),
      bestPlatform: firstRated(byPlatform),
      byFormat,
      byPlatform,
      topContentIds: top.map((r) => Number(r.id)),
    });
  });
}
