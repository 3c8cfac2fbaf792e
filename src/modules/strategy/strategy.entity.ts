import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AgentRunEntity } from '../agent-run/agent-run.entity';
import { PerformanceSnapshotEntity } from '../performance-snapshot/performance-snapshot.entity';

/** One StrategyTuningAgent result: version N of the format and platform weights. */
@Entity({ name: 'strategies' })
@Unique('uq_strategies_version', ['version'])
export class StrategyEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'learning_rate', type: 'double precision' })
  learningRate!: number;

  /** {"VIDEO": 0.11, ...}: every ContentFormat value. */
  @Column({ name: 'format_weights', type: 'jsonb' })
  formatWeights!: Record<string, number>;

  @Column({ name: 'platform_weights', type: 'jsonb' })
  platformWeights!: Record<string, number>;

  @Column({ name: 'snapshot_id', type: 'integer' })
  snapshotId!: number;

  @ManyToOne(() => PerformanceSnapshotEntity, { nullable: false })
  @JoinColumn({ name: 'snapshot_id', foreignKeyConstraintName: 'fk_strategies_snapshot' })
  snapshot?: PerformanceSnapshotEntity;

  @Column({ name: 'run_id', type: 'bigint' })
  runId!: number;

  @ManyToOne(() => AgentRunEntity, { nullable: false })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_strategies_run' })
  run?: AgentRunEntity;
}
