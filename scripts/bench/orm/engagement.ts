/**
 * ConversionAgent._update_engagement_scores, as the original design wrote it, in TypeORM:
 * - before: load every user, query each user's interactions (N+1), score in TypeScript, save each;
 * - seedAfter: one GROUP BY aggregate, then the same per-user ORM saves.
 * Both save only users whose score or tier changed (an ORM session writes only dirty rows).
 */
import { Between, DataSource, EntityManager } from 'typeorm';
import { CommunityUserEntity } from '../../../src/modules/community-user/community-user.entity';
import { UserInteractionEntity } from '../../../src/modules/user-interaction/user-interaction.entity';
import { EngagementParams, tierOf, WEIGHTS } from './common';

const DAY_MS = 86_400_000;

function windowOf(p: EngagementParams) {
  const asOf = new Date(p.asOf);
  return { asOf, cutoff: new Date(asOf.getTime() - p.windowDays * DAY_MS) };
}

async function saveIfChanged(m: EntityManager, user: CommunityUserEntity, score: number, asOf: Date) {
  const tier = tierOf(score);
  if (score === user.engagementScore && tier === user.tier) return;
  user.engagementScore = score;
  user.tier = tier;
  user.scoreUpdatedAt = asOf;
  await m.save(user);
}

export function engagementBefore(ds: DataSource, p: EngagementParams) {
  const { asOf, cutoff } = windowOf(p);
  return ds.transaction(async (m) => {
    const users = await m.find(CommunityUserEntity);
    for (const user of users) {
      const interactions = await m.find(UserInteractionEntity, { where: { userId: user.id, timestamp: Between(cutoff, asOf) } });
      let score = 0;
      for (const i of interactions) {
        const decay = p.halfLifeDays === null ? 1 : Math.pow(0.5, (asOf.getTime() - i.timestamp.getTime()) / 1000 / 86400 / p.halfLifeDays);
        score += WEIGHTS[i.interactionType] * decay;
      }
      await saveIfChanged(m, user, score, asOf);
    }
    return users.length;
  });
}

export function engagementSeedAfter(ds: DataSource, p: EngagementParams) {
  const { asOf, cutoff } = windowOf(p);
  const weight = `CASE i.interaction_type ${Object.entries(WEIGHTS)
    .map(([t, w]) => `WHEN '${t}' THEN ${w}`)
    .join(' ')} END`;
  const decay = p.halfLifeDays === null ? '1' : `power(0.5, extract(epoch FROM (:asOf::timestamptz - i.timestamp)) / 86400 / :halfLife)`;
  return ds.transaction(async (m) => {
    const stats: { userId: number; total: number }[] = await m
      .createQueryBuilder(UserInteractionEntity, 'i')
      .select('i.user_id', 'userId')
      .addSelect('count(i.id)', 'count')
      .addSelect(`sum(${weight} * ${decay})`, 'total')
      .where('i.timestamp BETWEEN :cutoff AND :asOf', { cutoff, asOf })
      .setParameter('halfLife', p.halfLifeDays)
      .groupBy('i.user_id')
      .getRawMany();
    const byUser = new Map(stats.map((s) => [Number(s.userId), Number(s.total)]));
    const users = await m.find(CommunityUserEntity);
    for (const user of users) await saveIfChanged(m, user, byUser.get(user.id) ?? 0, asOf);
    return users.length;
  });
}
