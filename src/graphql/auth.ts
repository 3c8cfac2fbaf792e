/**
 * Access (docs/api.md "Access"): roles reader < writer < admin through type-graphql @Authorized.
 * A request without a role (keys configured, none or an unknown one sent) is UNAUTHENTICATED;
 * a role below the field's is FORBIDDEN. The resolver never runs (type-graphql checks before it
 * validates or resolves arguments), so a refused request reads and writes nothing.
 */
import type { AuthChecker } from 'type-graphql';
import type { Role } from '../config';
import type { Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';

export const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

export const authChecker: AuthChecker<Context, Role> = ({ context, info }, roles) => {
  // A misspelt role in @Authorized('...') would rank as nothing and let everyone in: fail closed.
  const unknown = roles.find((r) => !Object.prototype.hasOwnProperty.call(RANK, r));
  if (unknown !== undefined) throw new Error(`@Authorized on ${info.parentType.name}.${info.fieldName} names an unknown role "${unknown}"`);
  if (!context.role) {
    throw new UnauthenticatedError(
      context.sentKey ? 'Unknown API key: send Authorization: Bearer <key> with a key from API_KEYS' : undefined,
    );
  }
  const needed = roles.reduce((max, r) => Math.max(max, RANK[r]), 0);
  if (RANK[context.role] < needed) {
    const name = roles.find((r) => RANK[r] === needed);
    throw new ForbiddenError(`${info.parentType.name}.${info.fieldName} needs the ${name} role; this key has ${context.role}`);
  }
  return true;
};
