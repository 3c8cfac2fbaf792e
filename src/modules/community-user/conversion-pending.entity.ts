import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Users whose engagement score an incremental ConversionAgent job must recompute (docs/agents.md
 * "Automatic agents"): each ingest statement appends one row, the users it touched as one array
 * (`user_ids`; `user_id`, one user per row, is what the previous release wrote), and the job
 * deletes what it takes in its run's transaction. No unique key on the users on purpose: an insert
 * never waits for the job's uncommitted delete of the same user (ingest latency stays independent
 * of the queue); duplicates are folded by the job.
 */
@Entity({ name: 'conversion_pending' })
export class ConversionPendingEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'PK_conversion_pending',
  })
  id!: number;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ name: 'user_ids', type: 'integer', array: true, nullable: true })
  userIds!: number[] | null;
}
