import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../context';

/**
 * After each Mutation field has resolved, or failed, the request's loaders start empty: the
 * mutation's answer and every later field read what was just written, not rows cached earlier in
 * the request. One global middleware, so that no mutation can forget it.
 */
export const resetLoadersAfterMutation: MiddlewareFn<Context> = async ({ context, info }, next) => {
  if (info.parentType !== info.schema.getMutationType()) return next();
  try {
    return await next();
  } finally {
    context.loaders.reset();
  }
};
