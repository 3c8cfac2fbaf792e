/** Placeholder until the agents land (see the full version below in the history). */
import type { Pool } from 'pg';
import type { Dataset } from './datasets';
import type { BenchServer } from './server';

export interface LimitRow {
  agent: string;
  dataset: string;
  mutationMs: number;
  sqlMs: number;
  ratio: number;
  statements: number;
}

export async function runLimit(_opts: { root: string; url: string; server: BenchServer; pool: Pool; dataset: Dataset; out: string; log: (m: string) => void }): Promise<LimitRow[]> {
  return [];
}
