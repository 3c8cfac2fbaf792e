/**
 * The one filter over published content (alias `t`) that contents, contentBreakdown,
 * engagementTimeSeries and bestPostingTimes share. The content plan (alias `cp`) is joined only
 * when a condition or the caller needs it: most reads never touch content_plans.
 */
import type { Params } from './params';

/** What to keep; enum values as stored (lower-case text). Absent or null: no condition. */
export interface ContentScope {
  platform?: string | null;
  format?: string | null;
  /** Inclusive bounds on published_at. */
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
  insightId?: number | null;
}

export interface ContentFilterSql {
  from: string;
  /** The conditions, binding their values through p (called once per statement). */
  conds: (p: Params) => string[];
}

const CONTENT = 'published_content t';
const CONTENT_WITH_PLAN = 'published_content t JOIN content_plans cp ON cp.id = t.content_plan_id';

/** `withPlan`: the caller reads plan columns (cp.insight_id) itself. */
export function contentFilter(scope: ContentScope, opts: { withPlan?: boolean } = {}): ContentFilterSql {
  const insightId = scope.insightId ?? null;
  const needsPlan = Boolean(opts.withPlan || insightId !== null);
  return {
    from: needsPlan ? CONTENT_WITH_PLAN : CONTENT,
    conds: (p) => {
      const c: string[] = [];
      if (scope.platform) c.push(`t.platform = ${p.add(scope.platform)}`);
      // The plan's format, carried on the content row (docs/data-model.md).
      if (scope.format) c.push(`t.format = ${p.add(scope.format)}`);
      if (scope.publishedAfter) c.push(`t.published_at >= ${p.add(scope.publishedAfter)}`);
      if (scope.publishedBefore) c.push(`t.published_at <= ${p.add(scope.publishedBefore)}`);
      if (insightId !== null) c.push(`cp.insight_id = ${p.add(insightId)}::int8`);
      return c;
    },
  };
}
