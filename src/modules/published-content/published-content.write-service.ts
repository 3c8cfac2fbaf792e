import type { Db } from '../../db/db';
import { toDb } from '../../graphql/enums';
import { unknownRef } from '../../graphql/validation';
import { entityId } from '../../graphql/validators';
import type { PublishContentInput, UpdateContentMetricsInput } from './published-content.inputs';
import { PublishedContent, PUBLISHED_CONTENT_COLUMNS } from './published-content.type';

/**
 * One statement, so one transaction: the plan becomes 'published' and the content row is inserted
 * from the plan's row (its platform is the default, its format the content's format). No plan: no rows, nothing written. Ids compare
 * as int8, so one beyond the int4 key range finds no plan instead of failing the cast.
 */
export async function publishContent(db: Db, input: PublishContentInput): Promise<PublishedContent> {
  const planId = entityId(input.contentPlanId);
  const row = await db.one<PublishedContent>(
    `WITH plan AS (
       UPDATE content_plans SET status = 'published' WHERE id = $1::int8 RETURNING id, platform, format
     )
     INSERT INTO published_content AS t (content_plan_id, platform, url, published_at, format)
     SELECT plan.id, coalesce($2::text, plan.platform), $3::text, coalesce($4::timestamptz, now()), plan.format FROM plan
     RETURNING ${PUBLISHED_CONTENT_COLUMNS}`,
    [planId, input.platform ? toDb(input.platform) : null, input.url ?? null, input.publishedAt ?? null],
  );
  if (!row) throw unknownRef('input.contentPlanId', 'content plan', planId);
  return row;
}

/**
 * One UPDATE. A metric left out (or null) keeps its value ($n IS NULL -> old column). Unless
 * engagementRate is given, it is derived from the resulting counts when views > 0 (nulls count as 0);
 * with no views it keeps its value. SET expressions see the old row, hence coalesce($n, column).
 */
export async function updateContentMetrics(db: Db, input: UpdateContentMetricsInput): Promise<PublishedContent> {
  const contentId = entityId(input.contentId);
  const row = await db.one<PublishedContent>(
    `UPDATE published_content t SET
       views = coalesce($2::int8, t.views),
       likes = coalesce($3::int8, t.likes),
       comments = coalesce($4::int8, t.comments),
       shares = coalesce($5::int8, t.shares),
       engagement_rate = CASE
         WHEN $6::float8 IS NOT NULL THEN $6::float8
         WHEN coalesce($2::int8, t.views) > 0 THEN
           (coalesce($3::int8, t.likes, 0)::float8 + coalesce($4::int8, t.comments, 0) + coalesce($5::int8, t.shares, 0))
             / coalesce($2::int8, t.views)
         ELSE t.engagement_rate
       END
     WHERE t.id = $1::int8
     RETURNING ${PUBLISHED_CONTENT_COLUMNS}`,
    [contentId, input.views ?? null, input.likes ?? null, input.comments ?? null, input.shares ?? null, input.engagementRate ?? null],
  );
  if (!row) throw unknownRef('input.contentId', 'published content', contentId);
  return row;
}
