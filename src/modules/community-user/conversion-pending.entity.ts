import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Users whose engagement score an incremental ConversionAgent job must recompute (docs/agents.md
 * "Automatic agents"): the ingest mutations append the users they touched in their own statement,
 * the job deletes what it takes in its run's transaction. No unique key on user_id on purpose: an
 * insert never waits for the job's uncommitted delete of the same user (ingest latency stays
 * independent of the queue); duplicates are folded by the job.
 */
@Entity({ name: 'conversion_pending' })
export class ConversionPendingEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_conversion_pending',
  })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;
}
