import type { Db } from '../../db/db';
import { violatedForeignKey } from '../../db/pg-errors';
import { INT4_MAX } from '../../db/sql/params';
import { PlanStatus, toDb } from '../../graphql/enums';
import { unknownRef } from '../../graphql/validation';
import { entityId } from '../../graphql/validators';
import type { CreateContentPlanInput } from './content-plan.inputs';
import { ContentPlan, CONTENT_PLAN_COLUMNS } from './content-plan.type';

/**
 * One INSERT; an unknown insightId fails the foreign key (no row written) and becomes
 * BAD_USER_INPUT, which also covers an insight deleted while the request runs.
 */
export async function createContentPlan(db: Db, input: CreateContentPlanInput): Promise<ContentPlan> {
  const insightId = entityId(input.insightId);
  if (insightId !== null && insightId > INT4_MAX) throw unknownRef('input.insightId', 'insight', insightId);
  try {
    const row = await db.one<ContentPlan>(
      `INSERT INTO content_plans AS t (insight_id, title, format, platform, status, scheduled_for)
       VALUES ($1::int4, $2, $3, $4, $5, $6::timestamptz) RETURNING ${CONTENT_PLAN_COLUMNS}`,
      [
        insightId,
        input.title.trim(),
        toDb(input.format),
        toDb(input.platform),
        toDb(input.status ?? PlanStatus.DRAFT),
        input.scheduledFor ?? null,
      ],
    );
    return row!;
  } catch (err) {
    if (violatedForeignKey(err) === 'fk_content_plans_insight') throw unknownRef('input.insightId', 'insight', insightId!);
    throw err;
  }
}
