import type { Db } from '../../db/db';
import type { CreateInsightInput } from './insight.inputs';
import { Insight, INSIGHT_COLUMNS } from './insight.type';

/** topic is stored trimmed (validated as 1..500 characters after trimming). */
export async function createInsight(db: Db, input: CreateInsightInput): Promise<Insight> {
  const row = await db.one<Insight>(
    `INSERT INTO insights AS t (topic, summary, source, score) VALUES ($1, $2, $3, $4::float8) RETURNING ${INSIGHT_COLUMNS}`,
    [input.topic.trim(), input.summary ?? null, input.source ?? null, input.score ?? 0],
  );
  return row!;
}
