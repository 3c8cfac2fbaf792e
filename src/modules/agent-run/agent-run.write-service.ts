import { writeRunRows } from '../../agents/run-agent';
import type { Db } from '../../db/db';
import { toDb } from '../../graphql/enums';
import type { RecordAgentRunInput } from './agent-run.inputs';
import { AgentRun, AGENT_RUN_COLUMNS } from './agent-run.type';

/** A run logged by an agent outside this server; status stored lower-case, agentName trimmed. */
export async function recordAgentRun(db: Db, input: RecordAgentRunInput): Promise<AgentRun> {
  const finishedAt = input.finishedAt ?? null;
  const executionTime = input.executionTime ?? (finishedAt ? finishedAt.getTime() - input.startedAt.getTime() : null);
  // details goes in as JSON text: pg would send a bare JS string unquoted, which is not JSON.
  const details = input.details === undefined || input.details === null ? null : JSON.stringify(input.details);
  const [row] = await writeRunRows(
    db,
    `INSERT INTO agent_logs AS t (agent_name, status, started_at, finished_at, execution_time, error, details)
     VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5::float8, $6::text, $7::jsonb) RETURNING ${AGENT_RUN_COLUMNS}`,
    [input.agentName.trim(), toDb(input.status), input.startedAt, finishedAt, executionTime, input.error ?? null, details],
  );
  return row;
}
