import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { ContentOrderField, SortDirection, toDb } from '../../graphql/enums';
import { parseOptionalId } from '../../graphql/ids';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import type { Params } from '../../graphql/sql-params';
import { rootPage } from '../../loaders/page-query';
import type { ContentFilter, ContentOrder } from './published-content.inputs';
import { PublishedContent, PUBLISHED_CONTENT_COLUMNS } from './published-content.type';

const ORDER_KEYS: Record<ContentOrderField, Pick<KeysetOrder, 'key' | 'keyCast' | 'nullable'>> = {
  [ContentOrderField.PUBLISHED_AT]: { key: 't.published_at', keyCast: 'timestamptz', nullable: false },
  [ContentOrderField.VIEWS]: { key: 't.views', keyCast: 'int8', nullable: true },
  [ContentOrderField.ENGAGEMENT_RATE]: { key: 't.engagement_rate', keyCast: 'float8', nullable: true },
};

export function contentOrder(order: ContentOrder | null | undefined): KeysetOrder {
  const field = order?.field ?? ContentOrderField.PUBLISHED_AT;
  return { ...ORDER_KEYS[field], id: 't.id', desc: (order?.direction ?? SortDirection.DESC) === SortDirection.DESC };
}

/** The FROM clause and conditions of a ContentFilter; the plan is joined only when the filter needs it. */
export function contentFilterSql(filter: ContentFilter | null | undefined, argumentName = 'filter') {
  const insightId = parseOptionalId(filter?.insightId, `${argumentName}.insightId`);
  const needsPlan = Boolean(filter?.format) || insightId !== null;
  const from = needsPlan ? 'published_content t JOIN content_plans cp ON cp.id = t.content_plan_id' : 'published_content t';
  const conds = (p: Params) => {
    const c: string[] = [];
    if (filter?.platform) c.push(`t.platform = ${p.add(toDb(filter.platform))}`);
    if (filter?.format) c.push(`cp.format = ${p.add(toDb(filter.format))}`);
    if (filter?.publishedAfter) c.push(`t.published_at >= ${p.add(filter.publishedAfter)}`);
    if (filter?.publishedBefore) c.push(`t.published_at <= ${p.add(filter.publishedBefore)}`);
    if (insightId !== null) c.push(`cp.insight_id = ${p.add(insightId)}::int8`);
    return c;
  };
  return { from, conds };
}

export function listContents(
  db: Db,
  args: { first: number; after?: string | null; filter?: ContentFilter | null; orderBy?: ContentOrder | null },
): Promise<Page<PublishedContent>> {
  const first = checkFirst(args.first);
  const order = contentOrder(args.orderBy);
  const after = checkCursor(decodeCursor(args.after), order);
  const { from, conds } = contentFilterSql(args.filter);
  return rootPage<PublishedContent>(db, { from, columns: PUBLISHED_CONTENT_COLUMNS, order }, { first, after, filter: conds });
}
