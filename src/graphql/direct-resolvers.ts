/**
 * Field resolvers called without type-graphql's handler wrapper (BENCHMARKS.md "Issue 15: what each
 * change bought"). On every call of a field resolver method type-graphql builds a resolver-data
 * object, finds the resolver class's instance by a linear search of its container, sorts the
 * method's parameter list, maps it to values and checks them for promises: 100 times for a page of
 * 50 contents with their plan and insight. A method whose parameters are only `@Parent()`, `@Ctx()`
 * and `@Info()`, with no `@Authorized` and no middleware, needs none of that: its GraphQL field
 * resolves by calling the method directly, with the same arguments, on the same kind of instance
 * (resolver classes are stateless and built without arguments). Any other field resolver (arguments
 * to coerce and validate, roles, middlewares) keeps type-graphql's wrapper.
 */
import { GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { parentOf } from './parent';

type ParamGetter = (root: unknown, context: unknown, info: unknown) => unknown;

interface ParamMeta {
  kind: string;
  index: number;
  propertyName?: string;
  resolver?: unknown;
  options?: { arg?: unknown };
}

interface FieldResolverMeta {
  kind: 'internal' | 'external';
  target: new () => object;
  methodName: string;
  schemaName: string;
  params?: ParamMeta[];
  roles?: unknown[];
  middlewares?: unknown[];
  getObjectType?: () => Function;
}

/** The getter of one parameter, or null when it needs type-graphql (arguments, a custom decorator other than @Parent). */
function paramGetter(p: ParamMeta): ParamGetter | null {
  if (p.kind === 'context') {
    const prop = p.propertyName;
    return prop ? (_r, ctx) => (ctx as Record<string, unknown>)[prop] : (_r, ctx) => ctx;
  }
  if (p.kind === 'info') return (_r, _c, info) => info;
  if (p.kind === 'custom' && p.resolver === parentOf && !p.options?.arg) return (root) => root;
  return null;
}

/** Sets `resolve` of every field whose type-graphql field resolver qualifies (see above); returns the schema. */
export function directFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage() as unknown as {
    fieldResolvers: FieldResolverMeta[];
    objectTypes: { target: Function; name: string }[];
  };
  const instances = new Map<Function, object>();
  for (const def of storage.fieldResolvers) {
    if (def.kind !== 'external' || !def.getObjectType || def.roles || def.middlewares?.length || !def.params) continue;
    const owner = def.getObjectType();
    const typeName = storage.objectTypes.find((t) => t.target === owner)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = type && isObjectType(type) ? type.getFields()[def.schemaName] : undefined;
    if (!field) continue; // a resolver class not in this schema
    const getters = [...def.params].sort((a, b) => a.index - b.index).map(paramGetter);
    if (getters.some((g) => g === null)) continue;
    const method = (def.target.prototype as Record<string, unknown>)[def.methodName];
    if (typeof method !== 'function') continue;
    let instance = instances.get(def.target);
    if (!instance) instances.set(def.target, (instance = new def.target()));
    const self = instance;
    const [a, b, c] = getters as ParamGetter[];
    // The common arities without an arguments array.
    field.resolve =
      getters.length === 1
        ? (root, _args, ctx, info) => method.call(self, a(root, ctx, info))
        : getters.length === 2
          ? (root, _args, ctx, info) => method.call(self, a(root, ctx, info), b(root, ctx, info))
          : getters.length === 3
            ? (root, _args, ctx, info) => method.call(self, a(root, ctx, info), b(root, ctx, info), c(root, ctx, info))
            : (root, _args, ctx, info) =>
                method.apply(
                  self,
                  (getters as ParamGetter[]).map((g) => g(root, ctx, info)),
                );
  }
  return schema;
}
