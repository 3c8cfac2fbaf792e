import { AnalyticsResolver, ContentBreakdownRowResolver } from '../modules/analytics/analytics.resolver';

/** Resolver classes of the analytics area (one registry file per area keeps merges apart). */
export const ANALYTICS_RESOLVERS: Function[] = [AnalyticsResolver, ContentBreakdownRowResolver];
