/** Resolver classes of the agents area (one registry file per area keeps merges apart). */
export const AGENTS_RESOLVERS: Function[] = [];
