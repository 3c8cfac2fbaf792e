/** Every table of the data model (docs/data-model.md), parents before children. */
export const TABLES = [
  'insights',
  'content_plans',
  'published_content',
  'community_users',
  'user_interactions',
  'agent_logs',
  'performance_snapshots',
  'strategies',
] as const;

export type Table = (typeof TABLES)[number];
