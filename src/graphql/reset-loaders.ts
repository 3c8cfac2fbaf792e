import { defaultFieldResolver, GraphQLSchema } from 'graphql';
import type { Context } from '../context';

/**
 * After each Mutation field has resolved, or failed, the request's loaders start empty: the
 * mutation's answer and every later field read what was just written, not rows cached earlier in
 * the request. Applied once to the built schema, to every Mutation field, so that no mutation can
 * forget it. (A type-graphql global middleware would do the same, but type-graphql runs global
 * middlewares around every field resolver of every read too: +50% CPU on a nested read.)
 */
export function resetLoadersAfterMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, context: Context, info) => {
      try {
        return await resolve(root, args, context, info);
      } finally {
        context.loaders.reset();
      }
    };
  }
  return schema;
}
