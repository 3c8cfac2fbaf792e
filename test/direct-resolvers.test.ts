/**
 * src/graphql/direct-resolvers.ts: which field resolvers skip type-graphql's wrapper. The ones that
 * qualify answer as before; one with @Authorized, arguments or a middleware keeps the wrapper, so
 * its role check, argument validation and middleware still run. A schema of its own (type-graphql's
 * metadata is global, but a schema holds only the resolvers it is built with), run by graphql-js.
 */
import 'reflect-metadata';
import { graphql, GraphQLError } from 'graphql';
import {
  Arg,
  Authorized,
  buildSchema,
  Ctx,
  Field,
  FieldResolver,
  Info,
  Int,
  ObjectType,
  Query,
  Resolver,
  UseMiddleware,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { directFieldResolvers } from '../src/graphql/direct-resolvers';
import { authChecker } from '../src/graphql/auth';
import { Parent } from '../src/graphql/parent';
import type { Role } from '../src/config';

@ObjectType()
class DirectProbe {
  @Field(() => Int)
  n!: number;
}

interface ProbeContext {
  role: Role | null;
  sentKey: boolean;
  calls: string[];
}

@Resolver(() => DirectProbe)
class DirectProbeResolver {
  @Query(() => DirectProbe)
  probe(): DirectProbe {
    return { n: 7 };
  }

  @FieldResolver(() => String)
  plain(@Parent() p: DirectProbe, @Ctx() ctx: ProbeContext, @Info() info: GraphQLResolveInfo): string {
    ctx.calls.push(info.fieldName);
    return `n=${p.n} for ${ctx.role}`;
  }

  @Authorized('admin')
  @FieldResolver(() => String)
  adminOnly(@Parent() p: DirectProbe): string {
    return `secret ${p.n}`;
  }

  @FieldResolver(() => Int)
  times(@Parent() p: DirectProbe, @Arg('k', () => Int) k: number): number {
    return p.n * k;
  }

  @UseMiddleware(({ context }: { context: ProbeContext }, next) => {
    context.calls.push('middleware');
    return next();
  })
  @FieldResolver(() => Int)
  watched(@Parent() p: DirectProbe): number {
    return p.n;
  }
}

let schema: Awaited<ReturnType<typeof buildSchema>>;

beforeAll(async () => {
  schema = directFieldResolvers(
    await buildSchema({
      resolvers: [DirectProbeResolver],
      authChecker,
      // The app's validateFn checks input objects; this one refuses k > 10, to see that it still runs.
      validateFn: (value) => {
        if (typeof value === 'number' && value > 10) throw new GraphQLError('k is at most 10', { extensions: { code: 'BAD_USER_INPUT' } });
      },
    }),
  );
});

const run = (source: string, role: Role | null) => {
  const contextValue: ProbeContext = { role, sentKey: role !== null, calls: [] };
  return graphql({ schema, source, contextValue }).then((r) => ({ ...r, calls: contextValue.calls }));
};

test('a field resolver of @Parent(), @Ctx() and @Info() only is called directly, with its parameters in order', async () => {
  const fields = schema.getType('DirectProbe') as import('graphql').GraphQLObjectType;
  // Direct: the method itself behind a 4-argument function of ours, not type-graphql's wrapper.
  expect(fields.getFields().plain.resolve?.toString()).toContain('method.call');
  for (const wrapped of ['adminOnly', 'times', 'watched'])
    expect(fields.getFields()[wrapped].resolve?.toString()).not.toContain('method.call');
  const r = await run('{ probe { plain } }', 'reader');
  expect(r.errors).toBeUndefined();
  expect(r.data).toEqual({ probe: { plain: 'n=7 for reader' } });
  expect(r.calls).toEqual(['plain']);
});

test('@Authorized keeps its role check: FORBIDDEN for a reader, the value for an admin', async () => {
  const refused = await run('{ probe { adminOnly } }', 'reader');
  expect(refused.data).toBeNull();
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const allowed = await run('{ probe { adminOnly } }', 'admin');
  expect(allowed.errors).toBeUndefined();
  expect(allowed.data).toEqual({ probe: { adminOnly: 'secret 7' } });
});

test('arguments keep their validation, and a middleware still runs', async () => {
  const ok = await run('{ probe { times(k: 3) watched } }', 'reader');
  expect(ok.errors).toBeUndefined();
  expect(ok.data).toEqual({ probe: { times: 21, watched: 7 } });
  expect(ok.calls).toEqual(['middleware']);
  const bad = await run('{ probe { times(k: 11) } }', 'reader');
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});
