/** Resolver classes of the writes area (one registry file per area keeps merges apart). */
export const WRITES_RESOLVERS: Function[] = [];
