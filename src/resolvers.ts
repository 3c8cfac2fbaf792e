/** Every resolver class of the API, gathered from one registry file per area. */
import { AGENTS_RESOLVERS } from './registry/agents';
import { ANALYTICS_RESOLVERS } from './registry/analytics';
import { READ_RESOLVERS } from './registry/reads';
import { WRITES_RESOLVERS } from './registry/writes';

export const RESOLVERS: Function[] = [...READ_RESOLVERS, ...WRITES_RESOLVERS, ...AGENTS_RESOLVERS, ...ANALYTICS_RESOLVERS];
