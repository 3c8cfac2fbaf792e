import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'agent_logs' })
@Index('idx_agent_logs_agent_started', ['agentName', 'startedAt'])
@Index('idx_agent_logs_started_at_id', ['startedAt', 'id'])
// The run sweep's rows (src/agents/run-sweep.ts): the few still running, whatever the table's size.
@Index('idx_agent_logs_running', ['agentName'], { where: `"status" = 'running'` })
@Check('chk_agent_logs_status', `"status" IN ('queued', 'running', 'success', 'failure')`)
export class AgentRunEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ name: 'agent_name', type: 'varchar', length: 500 })
  agentName!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'execution_time', type: 'double precision', nullable: true })
  executionTime!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: unknown;

  /**
   * The backend (pid and its start time, which defeats pid reuse) of the connection that runs this
   * server's agent run; null for rows written by recordAgentRun. Not in the API.
   */
  @Column({ name: 'owner_pid', type: 'integer', nullable: true })
  ownerPid!: number | null;

  @Column({ name: 'owner_backend_start', type: 'timestamptz', nullable: true })
  ownerBackendStart!: Date | null;
}
