import type { Db } from '../../db/db';
import type { ContentScope } from '../../db/sql/content-filter';
import { contentFilter } from '../../db/sql/content-filter';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage, ToOneJoin } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import { ContentFormat, ContentOrderField, Platform, SortDirection, toDb } from '../../graphql/enums';
import { entityId } from '../../graphql/validators';
import type { ContentOrder, ContentsArgs } from './published-content.inputs';
import { CONTENT_PLAN_COLUMNS } from '../content-plan/content-plan.type';
import { INSIGHT_COLUMNS } from '../insight/insight.type';
import { PublishedContent, PUBLISHED_CONTENT_COLUMNS } from './published-content.type';

const ORDER_KEYS: Record<ContentOrderField, Pick<KeysetOrder, 'key' | 'keyCast' | 'nullable'>> = {
  [ContentOrderField.PUBLISHED_AT]: { key: 't.published_at', keyCast: 'timestamptz', nullable: false },
  [ContentOrderField.VIEWS]: { key: 't.views', keyCast: 'int8', nullable: true },
  [ContentOrderField.ENGAGEMENT_RATE]: { key: 't.engagement_rate', keyCast: 'float8', nullable: true },
};

function contentOrder(order: ContentOrder | null | undefined): KeysetOrder {
  const field = order?.field ?? ContentOrderField.PUBLISHED_AT;
  return { ...ORDER_KEYS[field], id: 't.id', desc: (order?.direction ?? SortDirection.DESC) === SortDirection.DESC };
}

/** A ContentFilter (or the platform and format arguments of the analytics reads) as the SQL filter takes it. */
export function contentScope(
  filter:
    | {
        platform?: Platform | null;
        format?: ContentFormat | null;
        publishedAfter?: Date | null;
        publishedBefore?: Date | null;
        insightId?: string | null;
      }
    | null
    | undefined,
): ContentScope {
  return {
    platform: filter?.platform ? toDb(filter.platform) : null,
    format: filter?.format ? toDb(filter.format) : null,
    publishedAfter: filter?.publishedAfter ?? null,
    publishedBefore: filter?.publishedBefore ?? null,
    insightId: entityId(filter?.insightId),
  };
}

/** Where a content row carries its plan when the page's statement joined it (and the plan its insight). */
export const JOINED_PLAN = '__contentPlan';
export const JOINED_INSIGHT = '__insight';

const PLAN_JOIN: ToOneJoin = { as: JOINED_PLAN, from: 'content_plans t', columns: CONTENT_PLAN_COLUMNS, parentKey: 't.content_plan_id' };
const INSIGHT_JOIN: ToOneJoin = { as: JOINED_INSIGHT, from: 'insights t', columns: INSIGHT_COLUMNS, parentKey: '"insightId"' };

/** `include`: the to-one relations the selection asks for, fetched by the page's own statement. */
export function listContents(
  db: Db,
  args: ContentsArgs,
  include: { plan?: boolean; insight?: boolean } = {},
): Promise<Page<PublishedContent>> {
  const order = contentOrder(args.orderBy);
  const { from, conds } = contentFilter(contentScope(args.filter));
  const joins = include.plan ? (include.insight ? [PLAN_JOIN, INSIGHT_JOIN] : [PLAN_JOIN]) : undefined;
  return rootPage<PublishedContent>(
    db,
    { from, columns: PUBLISHED_CONTENT_COLUMNS, order },
    { ...pageArgs(args, order), filter: conds, joins },
  );
}
