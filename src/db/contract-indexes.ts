/**
 * The three composite indexes that operators rely on by name (docs/data-model.md), each with a
 * query of the kind it serves: `npm run db:verify-indexes` EXPLAINs it and says whether the planner
 * picks the index (on a small table a sequential scan is cheaper, and it says so).
 */
export const CONTRACT_INDEXES = [
  {
    name: 'idx_user_interaction_user_timestamp',
    table: 'user_interactions',
    columns: ['user_id', '"timestamp"'],
    query: `SELECT id, "timestamp" FROM user_interactions WHERE user_id = 1 ORDER BY "timestamp" DESC LIMIT 20`,
  },
  {
    name: 'idx_community_user_tier_engagement',
    table: 'community_users',
    columns: ['tier', 'engagement_score'],
    query: `SELECT count(*) FROM community_users WHERE tier = 'champion' AND engagement_score >= 50`,
  },
  {
    name: 'idx_published_content_platform_published',
    table: 'published_content',
    columns: ['platform', 'published_at'],
    query: `SELECT id FROM published_content WHERE platform = 'youtube' AND published_at >= now() - interval '30 days' ORDER BY published_at`,
  },
] as const;

/** The tables whose indexes are built online (src/db/online-ddl.ts) and listed by db:verify-indexes. */
export const LARGE_TABLES = ['user_interactions', 'published_content', 'community_users', 'agent_logs'] as const;

/**
 * Whether pg_get_indexdef's text is the contract index's definition: on a partitioned table
 * (user_interactions, docs/data-model.md "Partitions") the parent's index reads `ON ONLY table`, and
 * each partition has its own index attached to it.
 */
export function hasContractColumns(indexdef: string, idx: { table: string; columns: readonly string[] }): boolean {
  const using = `public.${idx.table} USING btree (${idx.columns.join(', ')})`;
  return indexdef.includes(`ON ${using}`) || indexdef.includes(`ON ONLY ${using}`);
}
