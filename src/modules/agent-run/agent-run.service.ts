import type { Db } from '../../db/db';
import type { KeysetOrder } from '../../db/sql/keyset';
import { Page, rootPage } from '../../db/sql/pages';
import { pageArgs } from '../../graphql/args';
import { toDb } from '../../graphql/enums';
import type { AgentRunsArgs } from './agent-run.inputs';
import { AgentRun, AGENT_RUN_COLUMNS } from './agent-run.type';

const ORDER: KeysetOrder = { key: 't.started_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true };

export function listAgentRuns(db: Db, args: AgentRunsArgs): Promise<Page<AgentRun>> {
  return rootPage<AgentRun>(
    db,
    { from: 'agent_logs t', columns: AGENT_RUN_COLUMNS, order: ORDER },
    {
      ...pageArgs(args, ORDER),
      filter: (p) => {
        const c: string[] = [];
        if (args.agentName) c.push(`t.agent_name = ${p.add(args.agentName.trim())}`);
        if (args.status) c.push(`t.status = ${p.add(toDb(args.status))}`);
        return c;
      },
    },
  );
}
