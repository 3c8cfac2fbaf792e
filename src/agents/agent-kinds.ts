/**
 * The four agents as enqueueAgentRun names them (AgentKind): each one's run name, the input type
 * and @ArgsType class of its synchronous mutation (a queued input is checked by the same rules,
 * before anything is queued), and the service function that runs it. A job's payload keeps the
 * input as JSON; inputFromJson turns it back into what the service takes.
 */
import { coerceInputValue, GraphQLInputObjectType, GraphQLSchema } from 'graphql';
import type { Db } from '../db/db';
import { AgentKind, Platform } from '../graphql/enums';
import { invalidArgs, validateArgs } from '../graphql/validation';
import type { AgentName } from '../modules/agent-run/agent-run.type';
import {
  AnalyzeAgentsArgs,
  AnalyzeAgentsInput,
  PerformanceSnapshotArgs,
  PerformanceSnapshotInput,
  RecomputeEngagementArgs,
  RecomputeEngagementInput,
  TuneStrategyArgs,
  TuneStrategyInput,
} from './agent.inputs';
import { analyzeAgentPerformance, createPerformanceSnapshot, recomputeEngagementScores, tuneStrategy } from './agents.service';
import type { AgentSettings, QueuedAttempt } from './run-agent';

type AnyInput = RecomputeEngagementInput | PerformanceSnapshotInput | TuneStrategyInput | AnalyzeAgentsInput;

interface Kind {
  name: AgentName;
  /** The GraphQL input type of its mutation's `input`. */
  inputType: string;
  inputClass: new () => AnyInput;
  argsClass: new () => { input?: AnyInput | null };
  run(db: Db, settings: AgentSettings, input: AnyInput | null, queued: QueuedAttempt): Promise<unknown>;
}

export const AGENT_KINDS: Record<AgentKind, Kind> = {
  [AgentKind.CONVERSION]: {
    name: 'ConversionAgent',
    inputType: 'RecomputeEngagementInput',
    inputClass: RecomputeEngagementInput,
    argsClass: RecomputeEngagementArgs,
    run: (db, settings, input, queued) => recomputeEngagementScores(db, settings, input as RecomputeEngagementInput | null, queued),
  },
  [AgentKind.PERFORMANCE_ANALYTICS]: {
    name: 'PerformanceAnalyticsAgent',
    inputType: 'PerformanceSnapshotInput',
    inputClass: PerformanceSnapshotInput,
    argsClass: PerformanceSnapshotArgs,
    run: (db, settings, input, queued) => createPerformanceSnapshot(db, settings, input as PerformanceSnapshotInput | null, queued),
  },
  [AgentKind.STRATEGY_TUNING]: {
    name: 'StrategyTuningAgent',
    inputType: 'TuneStrategyInput',
    inputClass: TuneStrategyInput,
    argsClass: TuneStrategyArgs,
    run: (db, settings, input, queued) => tuneStrategy(db, settings, input as TuneStrategyInput | null, queued),
  },
  [AgentKind.ANALYTICS]: {
    name: 'AnalyticsAgent',
    inputType: 'AnalyzeAgentsInput',
    inputClass: AnalyzeAgentsInput,
    argsClass: AnalyzeAgentsArgs,
    run: (db, settings, input, queued) => analyzeAgentPerformance(db, settings, input as AnalyzeAgentsInput | null, queued),
  },
};

/** The payload of an `agent_run` job. */
export interface AgentJobPayload {
  /** The checked input as JSON (dates as ISO text); null for all defaults. */
  input: Record<string, unknown> | null;
  /** The `queued` run row that the first attempt takes over. */
  runId: string;
}

/**
 * The JSON `input` of enqueueAgentRun, coerced by the agent's GraphQL input type (as its mutation's
 * variables would be: unknown fields, wrong types and bad dates refused) and checked by the same
 * class-validator rules; any problem is BAD_USER_INPUT on `input`. Returns the checked input as
 * JSON for the job (null: all defaults).
 */
export function checkAgentInput(schema: GraphQLSchema, kind: AgentKind, input: unknown): Record<string, unknown> | null {
  if (input === null || input === undefined) return null;
  const def = AGENT_KINDS[kind];
  const type = schema.getType(def.inputType) as GraphQLInputObjectType;
  const problems: { path: string; problem: string }[] = [];
  const coerced = coerceInputValue(input, type, (path, _value, error) =>
    problems.push({ path: ['input', ...path].join('.').replace(/\.(\d+)/g, '[$1]'), problem: error.message }),
  ) as Record<string, unknown>;
  if (problems.length) throw invalidArgs(problems);
  const args = Object.assign(new def.argsClass(), { input: Object.assign(new def.inputClass(), coerced) });
  validateArgs(args, def.argsClass, undefined as never);
  return JSON.parse(JSON.stringify(coerced)) as Record<string, unknown>;
}

/** A job's JSON input as the service takes it: the DateTime fields as Dates. */
export function inputFromJson(kind: AgentKind, json: Record<string, unknown> | null): AnyInput | null {
  if (!json) return null;
  const date = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);
  switch (kind) {
    case AgentKind.CONVERSION:
      return Object.assign(new RecomputeEngagementInput(), json, { asOf: date(json.asOf) });
    case AgentKind.PERFORMANCE_ANALYTICS:
      return Object.assign(new PerformanceSnapshotInput(), json, { asOf: date(json.asOf), platform: (json.platform as Platform) ?? null });
    case AgentKind.STRATEGY_TUNING:
      return Object.assign(new TuneStrategyInput(), json);
    case AgentKind.ANALYTICS:
      return Object.assign(new AnalyzeAgentsInput(), json, { since: date(json.since), until: date(json.until) });
  }
}
