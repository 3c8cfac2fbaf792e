/**
 * Relay's object identification (docs/api.md "Global ids"): every entity type implements `Node`,
 * whose `nodeId` is unique across all types and opaque to clients, the standard base64 of
 * "<TypeName>:<id>". The per-table `id` of the contract stays as it is; relay-compiler is told to use
 * `nodeId` (its `nodeInterfaceIdField` setting, see the README).
 */
import { Field, ID, InterfaceType } from 'type-graphql';

/** Every type that implements Node: the entity types, which Query.node and Query.nodes load by id. */
export const NODE_TYPES = [
  'Insight',
  'ContentPlan',
  'PublishedContent',
  'CommunityUser',
  'UserInteraction',
  'AgentRun',
  'PerformanceSnapshot',
  'Strategy',
] as const;

export type NodeType = (typeof NODE_TYPES)[number];

export interface GlobalId {
  type: NodeType;
  id: number;
}

export function toGlobalId(type: NodeType, id: string | number): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

const GLOBAL_ID = /^([A-Za-z]+):([1-9][0-9]{0,15})$/;

/** The type and row id a nodeId names, or null when it is not one this API wrote. */
export function fromGlobalId(raw: string): GlobalId | null {
  if (raw.length > 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) return null;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  if (Buffer.from(text).toString('base64') !== raw) return null; // one spelling per id
  const m = GLOBAL_ID.exec(text);
  if (!m || !(NODE_TYPES as readonly string[]).includes(m[1]) || !Number.isSafeInteger(Number(m[2]))) return null;
  return { type: m[1] as NodeType, id: Number(m[2]) };
}

/** A row as Query.node answers it: tagged with its type, so that the interface resolves it. */
export type TaggedNode = Record<string, unknown> & { __typename: NodeType };

/** The Node interface's resolveType; src/schema.ts sets it again, unwrapped (see there). */
export const nodeTypeOf = (value: TaggedNode): NodeType => value.__typename;

@InterfaceType('Node', {
  description: 'An object with a globally unique id (Relay object identification): fetch any of them again with Query.node(id: nodeId).',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, {
    description: 'Globally unique, opaque id of this object (base64 of "<TypeName>:<id>"); pass it to Query.node or Query.nodes.',
  })
  nodeId!: string;
}
