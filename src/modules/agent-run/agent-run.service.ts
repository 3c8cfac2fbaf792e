import type { Db } from '../../db/db';
import { checkFirst, Page } from '../../graphql/connection';
import { RunStatus, toDb } from '../../graphql/enums';
import { checkCursor, decodeCursor, KeysetOrder } from '../../graphql/keyset';
import { rootPage } from '../../loaders/page-query';
import { AgentRun, AGENT_RUN_COLUMNS } from './agent-run.type';

const ORDER: KeysetOrder = { key: 't.started_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listAgentRuns(
  db: Db,
  args: { first: number; after?: string | null; agentName?: string | null; status?: RunStatus | null },
): Promise<Page<AgentRun>> {
  const first = checkFirst(args.first);
  const after = checkCursor(decodeCursor(args.after), ORDER);
  return rootPage<AgentRun>(db, { from: 'agent_logs t', columns: AGENT_RUN_COLUMNS, order: ORDER }, {
    first,
    after,
    filter: (p) => {
      const c: string[] = [];
      if (args.agentName) c.push(`t.agent_name = ${p.add(args.agentName)}`);
      if (args.status) c.push(`t.status = ${p.add(toDb(args.status))}`);
      return c;
    },
  });
}
