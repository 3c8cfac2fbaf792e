/**
 * Access (api.md "Access"): roles reader < writer < admin through type-graphql @Authorized.
 * A request without a role (keys configured, none or an unknown one sent) is UNAUTHENTICATED;
 * a role below the field's is FORBIDDEN. The resolver never runs, so nothing is written.
 */
import type { AuthChecker } from 'type-graphql';
import type { Role } from '../config';
import type { Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

export const authChecker: AuthChecker<Context, Role> = ({ context, info }, roles) => {
  if (!context.role) {
    throw new UnauthenticatedError(context.sentKey ? 'Unknown API key' : undefined);
  }
  const needed = roles.reduce((max, r) => Math.max(max, RANK[r]), 0);
  if (RANK[context.role] < needed) {
    const name = roles.find((r) => RANK[r] === needed);
    throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs the ${name} role; this key has ${context.role}`);
  }
  return true;
};
