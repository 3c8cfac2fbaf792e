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
 *
 * A Query or Mutation method marked `@PlainArgs()` is called directly too, with its `@Args()` object
 * as GraphQL coerced it (docs/architecture.md "Plain arguments"): type-graphql would copy every
 * input object into an instance of its class first, looking each field's type up again per object
 * (recordInteractions' 5,000 items: ~1.5 µs of server CPU per item, BENCHMARKS.md "bench:ingest").
 * The direct resolver does what the wrapper does, in the same order: the role check (auth.ts),
 * then validateArgs with the argument class's rules (input objects checked by the class their
 * field declares), then the method. So the marked method's argument classes must carry no
 * behaviour of their own (no methods, no field initialisers: nothing an instance has that the
 * coerced object lacks).
 */
import { GraphQLResolveInfo, GraphQLSchema, isObjectType } from 'graphql';
import { AuthenticationError, AuthorizationError, getMetadataStorage } from 'type-graphql';
import type { Role } from '../config';
import type { Context } from '../context';
import { authChecker } from './auth';
import { parentOf } from './parent';
import { validateArgs } from './validation';

type ParamGetter = (root: unknown, context: unknown, info: unknown) => unknown;

interface ParamMeta {
  kind: string;
  index: number;
  propertyName?: string;
  resolver?: unknown;
  options?: { arg?: unknown };
  getType?: () => unknown;
  validateSettings?: unknown;
  validateFn?: unknown;
}

interface RootHandlerMeta {
  target: new () => object;
  methodName: string;
  schemaName: string;
  params?: ParamMeta[];
  roles?: unknown[];
  middlewares?: unknown[];
}

/** Methods marked @PlainArgs(), by class. */
const plainArgs = new WeakMap<Function, Set<string>>();

/** Marks a Query or Mutation method to be called directly with plain arguments (see the top of this file). */
export function PlainArgs(): MethodDecorator {
  return (prototype, methodName) => {
    const owner = prototype.constructor;
    plainArgs.set(owner, (plainArgs.get(owner) ?? new Set()).add(String(methodName)));
  };
}

/** A field resolver's metadata: a root handler's, plus where it is declared. */
interface FieldResolverMeta extends RootHandlerMeta {
  kind: 'internal' | 'external';
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

/**
 * Sets `resolve` of every field whose type-graphql field resolver qualifies (see above), and of
 * every Query and Mutation field whose method, of one of `resolvers` (the schema's resolver
 * classes), is marked @PlainArgs(); returns the schema.
 */
export function directFieldResolvers(schema: GraphQLSchema, resolvers: readonly Function[] = []): GraphQLSchema {
  directRootHandlers(schema, resolvers);
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

/** The getter of one parameter of a @PlainArgs() method, from (args, context, info): its @Args() object as given, the context or the info. */
function rootParamGetter(p: ParamMeta): ParamGetter | null {
  if (p.kind === 'args') return p.validateSettings === undefined && p.validateFn === undefined ? (args) => args : null;
  return p.kind === 'context' || p.kind === 'info' ? paramGetter(p) : null;
}

/** The app's role check as a function (buildSchema is given the same one, src/schema.ts). */
const checkRoles = authChecker as (
  data: { root: unknown; args: unknown; context: Context; info: GraphQLResolveInfo },
  roles: Role[],
) => boolean;

function directRootHandlers(schema: GraphQLSchema, resolvers: readonly Function[]): void {
  const storage = getMetadataStorage() as unknown as { queries: RootHandlerMeta[]; mutations: RootHandlerMeta[] };
  const roots = [
    [storage.queries, schema.getQueryType()],
    [storage.mutations, schema.getMutationType()],
  ] as const;
  for (const [handlers, type] of roots) {
    for (const def of handlers) {
      if (!plainArgs.get(def.target)?.has(def.methodName) || !resolvers.includes(def.target)) continue;
      const field = type?.getFields()[def.schemaName];
      const params = [...(def.params ?? [])].sort((a, b) => a.index - b.index);
      const getters = params.map(rootParamGetter);
      const argsParams = params.filter((p) => p.kind === 'args');
      if (!field || def.middlewares?.length || getters.some((g) => g === null) || argsParams.length !== 1)
        throw new Error(
          `@PlainArgs() on ${def.target.name}.${def.methodName}: a root field whose parameters are one @Args(), @Ctx() and @Info(), no middleware`,
        );
      const argsClass = argsParams[0].getType!() as Function;
      const method = (def.target.prototype as Record<string, (...a: unknown[]) => unknown>)[def.methodName];
      const self = new def.target();
      const roles = def.roles as Role[] | undefined;
      field.resolve = async (root, args, context: Context, info) => {
        const data = { root, args, context, info };
        // As type-graphql's AuthMiddleware (authMode "error"); the app's checker throws its own errors.
        if (roles && !(await checkRoles(data, roles))) throw roles.length ? new AuthorizationError() : new AuthenticationError();
        await validateArgs(args, argsClass, data);
        return method.apply(
          self,
          (getters as ParamGetter[]).map((g) => g(args, context, info)),
        );
      };
    }
  }
}
