import type { Db } from '../../db/db';
import type { ContentScope } from '../../db/sql/content-filter';
import { contentFilter } from '../../db/sql/content-filter';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage, ToOneJoin } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import { ContentFormat, ContentOrderField, Platform, SortDirection, toDb } from '../../graphql/enums';
import { entityId } from '../../graphql/validators';
import type { ContentOrder, ContentsArgs } from './published-content.inputs';
import { selectedColumnsSql } from '../../db/sql/columns';
import type { SelectionTree } from '../../graphql/selection';
import { CONTENT_PLAN_FIELDS, CONTENT_PLAN_KEYS } from '../content-plan/content-plan.type';
import { INSIGHT_FIELDS, INSIGHT_KEYS } from '../insight/insight.type';
import { PublishedContent, PUBLISHED_CONTENT_FIELDS, PUBLISHED_CONTENT_KEYS } from './published-content.type';

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

/**
 * What a page of contents reads (src/graphql/selection.ts): `nodes`, the fields asked of each
 * content (undefined: all of them); `join`, whether the plan and its insight, when asked for, come
 * with the page's own statement (false: through their loaders, the benchmark's unbatched mode).
 */
export interface ContentSelection {
  nodes?: SelectionTree;
  join?: boolean;
  /** Whether a cursor is read (src/graphql/selection.ts `readsCursors`); false: the rows come without their sort key. */
  cursors?: boolean;
}

/** The page's to-one joins for the selection: the plan, and its insight, each with only the columns asked of it. */
function contentJoins(nodes: SelectionTree | undefined): ToOneJoin[] {
  const plan = nodes?.get('contentPlan');
  if (!plan) return [];
  const joins: ToOneJoin[] = [
    {
      as: JOINED_PLAN,
      from: 'content_plans t',
      columns: selectedColumnsSql(CONTENT_PLAN_FIELDS, plan, CONTENT_PLAN_KEYS),
      parentKey: 't.content_plan_id',
    },
  ];
  const insight = plan.get('insight');
  if (insight) {
    joins.push({
      as: JOINED_INSIGHT,
      from: 'insights t',
      columns: selectedColumnsSql(INSIGHT_FIELDS, insight, INSIGHT_KEYS),
      parentKey: '"insightId"',
    });
  }
  return joins;
}

/** A content's keys when its plan comes joined: the plan key is then read by no resolver (the plan rides on the row). */
const KEYS_PLAN_JOINED: readonly string[] = PUBLISHED_CONTENT_KEYS.filter((k) => k !== 'contentPlanId');

/** A page of contents with the columns the selection asks for, and the to-one relations it asks for folded in. */
export function listContents(db: Db, args: ContentsArgs, select: ContentSelection = {}): Promise<Page<PublishedContent>> {
  const order = contentOrder(args.orderBy);
  const { from, conds } = contentFilter(contentScope(args.filter));
  const joins = select.join ? contentJoins(select.nodes) : [];
  const keys = joins.length ? KEYS_PLAN_JOINED : PUBLISHED_CONTENT_KEYS;
  return rootPage<PublishedContent>(
    db,
    { from, columns: selectedColumnsSql(PUBLISHED_CONTENT_FIELDS, select.nodes, keys), order },
    { ...pageArgs(args, order), filter: conds, joins, cursors: select.cursors },
  );
}
