/**
 * src/graphql/direct-resolvers.ts: which field resolvers skip type-graphql's wrapper. The ones that
 * qualify answer as before; one with @Authorized, arguments or a middleware keeps the wrapper, so
 * its role check, argument validation and middleware still run. A root field marked @PlainArgs()
 * gets its arguments as GraphQL coerced them, after the same role check and validation. A schema of
 * its own (type-graphql's metadata is global, but a schema holds only the resolvers it is built
 * with), run by graphql-js.
 */
import 'reflect-metadata';
import { graphql, GraphQLError } from 'graphql';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  buildSchema,
  Ctx,
  Field,
  FieldResolver,
  Info,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  UseMiddleware,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ValidateNested } from '../src/graphql/class-validator';
import { directFieldResolvers, PlainArgs } from '../src/graphql/direct-resolvers';
import { authChecker } from '../src/graphql/auth';
import { Parent } from '../src/graphql/parent';
import { validateArgs } from '../src/graphql/validation';
import { IntRange, IsEntityId, ListLength } from '../src/graphql/validators';
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

@InputType()
class ProbeItem {
  @Field(() => String)
  @IsEntityId()
  declare id: string;

  @Field(() => Int, { nullable: true })
  @IntRange(0, 9)
  declare weight?: number | null;
}

@ArgsType()
class ProbeItemsArgs {
  @Field(() => [ProbeItem])
  @ListLength(1, 3)
  @ValidateNested({ each: true })
  declare items: ProbeItem[];
}

@Resolver()
class PlainProbeResolver {
  @Authorized('writer')
  @Mutation(() => String)
  @PlainArgs()
  plainItems(@Args() { items }: ProbeItemsArgs, @Ctx() ctx: ProbeContext): string {
    ctx.calls.push(items.map((i) => (i instanceof ProbeItem ? 'instance' : 'plain')).join(','));
    return items.map((i) => `${i.id}:${i.weight ?? '-'}`).join(' ');
  }

  @Authorized('writer')
  @Mutation(() => String)
  copiedItems(@Args() { items }: ProbeItemsArgs, @Ctx() ctx: ProbeContext): string {
    ctx.calls.push(items.map((i) => (i instanceof ProbeItem ? 'instance' : 'plain')).join(','));
    return items.map((i) => `${i.id}:${i.weight ?? '-'}`).join(' ');
  }
}

let schema: Awaited<ReturnType<typeof buildSchema>>;

beforeAll(async () => {
  schema = directFieldResolvers(
    await buildSchema({
      resolvers: [DirectProbeResolver, PlainProbeResolver],
      authChecker,
      // The app's validateArgs checks input objects; a number k > 10 is refused too, to see that it still runs.
      validateFn: (value, type, data) => {
        if (typeof value === 'number' && value > 10) throw new GraphQLError('k is at most 10', { extensions: { code: 'BAD_USER_INPUT' } });
        return validateArgs(value, type, data);
      },
    }),
    [DirectProbeResolver, PlainProbeResolver],
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

test('@PlainArgs(): the items as GraphQL coerced them, after the same role check and validation as the copied ones', async () => {
  const mutation = (field: string, items: string) => `mutation { ${field}(items: ${items}) }`;
  for (const field of ['plainItems', 'copiedItems']) {
    const ok = await run(mutation(field, '[{ id: "7", weight: 2 }, { id: "8" }]'), 'writer');
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ [field]: '7:2 8:-' });
    expect(ok.calls).toEqual([field === 'plainItems' ? 'plain,plain' : 'instance,instance']);
  }
  const answers = async (field: string) => {
    const out = [];
    for (const [items, role] of [
      ['[{ id: "7" }]', null],
      ['[{ id: "7" }]', 'reader'],
      ['[{ id: "7" }, { id: "0", weight: 10 }]', 'writer'],
      ['[]', 'writer'],
      ['[{ id: "7\u0000" }]', 'writer'],
    ] as const) {
      const r = await run(mutation(field, items), role);
      out.push({ data: r.data, errors: r.errors?.map((e) => ({ message: e.message, extensions: e.extensions })), calls: r.calls });
    }
    return out;
  };
  const plain = await answers('plainItems');
  expect(plain.map((a) => a.errors?.[0].extensions?.code)).toEqual([
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
  ]);
  expect(plain[2].errors?.[0].extensions?.fields).toEqual(['items[1].id', 'items[1].weight']);
  const copied = await answers('copiedItems');
  expect(JSON.stringify(plain).split('plainItems').join('FIELD')).toBe(JSON.stringify(copied).split('copiedItems').join('FIELD'));
});
