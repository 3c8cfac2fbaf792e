/** The three composite indexes that operators rely on by name (docs/data-model.md). */
export const CONTRACT_INDEXES = [
  { name: 'idx_user_interaction_user_timestamp', table: 'user_interactions', columns: ['user_id', '"timestamp"'] },
  { name: 'idx_community_user_tier_engagement', table: 'community_users', columns: ['tier', 'engagement_score'] },
  { name: 'idx_published_content_platform_published', table: 'published_content', columns: ['platform', 'published_at'] },
] as const;
