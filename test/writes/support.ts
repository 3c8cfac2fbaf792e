/** Shared checks of the write tests: a refused write is BAD_USER_INPUT, names the field, writes nothing. */
import type { Pool } from 'pg';
import { rowCounts } from '../support/factories';
import type { GqlResult, TestServer } from '../support/server';

const TABLES = ['insights', 'content_plans', 'published_content', 'community_users', 'user_interactions', 'agent_logs'];

/** Every row of every written table, hashed: proves that nothing was inserted OR updated. */
export async function fingerprint(pool: Pool): Promise<Record<string, string>> {
  const r = await pool.query(
    `SELECT ${TABLES.map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM ${t} x) AS ${t}`).join(', ')}`,
  );
  return r.rows[0];
}

export async function expectRefused(
  server: TestServer,
  pool: Pool,
  query: string,
  variables: Record<string, unknown>,
  field: string,
  code = 'BAD_USER_INPUT',
): Promise<GqlResult> {
  const countsBefore = await rowCounts(pool);
  const before = await fingerprint(pool);
  const res = await server.gql(query, variables);
  expect(res.errors?.length).toBeGreaterThan(0);
  const err = res.errors![0];
  expect(err.extensions?.code).toBe(code);
  expect(err.message).toContain(field);
  expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
  expect(await rowCounts(pool)).toEqual(countsBefore);
  expect(await fingerprint(pool)).toEqual(before);
  return res;
}

export const M = {
  createInsight: `mutation ($input: CreateInsightInput!) { createInsight(input: $input) { id topic summary source score createdAt } }`,
  createContentPlan: `mutation ($input: CreateContentPlanInput!) {
    createContentPlan(input: $input) { id title format platform status scheduledFor createdAt insight { id topic } } }`,
  publishContent: `mutation ($input: PublishContentInput!) {
    publishContent(input: $input) { id platform url publishedAt views engagementRate contentPlan { id status } } }`,
  updateContentMetrics: `mutation ($input: UpdateContentMetricsInput!) {
    updateContentMetrics(input: $input) { id views likes comments shares engagementRate } }`,
  upsertCommunityUser: `mutation ($input: UpsertCommunityUserInput!) {
    upsertCommunityUser(input: $input) { id handle platform displayName tier engagementScore } }`,
  recordInteractions: `mutation ($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }`,
  recordAgentRun: `mutation ($input: RecordAgentRunInput!) {
    recordAgentRun(input: $input) { id agentName status startedAt finishedAt executionTime error details } }`,
};

/** ISO-8601 UTC with milliseconds, as every DateTime output must be. */
export const UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
