/**
 * The contract's enums. GraphQL values are UPPER_CASE; the database stores the lower-case text
 * (`SHORT_VIDEO` -> 'short_video'), so mapping is a case change and nothing else.
 */
import { registerEnumType } from 'type-graphql';

export enum Platform {
  YOUTUBE = 'YOUTUBE',
  TIKTOK = 'TIKTOK',
  INSTAGRAM = 'INSTAGRAM',
  LINKEDIN = 'LINKEDIN',
  X = 'X',
  FACEBOOK = 'FACEBOOK',
  BLOG = 'BLOG',
  NEWSLETTER = 'NEWSLETTER',
  PODCAST = 'PODCAST',
}
export enum ContentFormat {
  VIDEO = 'VIDEO',
  SHORT_VIDEO = 'SHORT_VIDEO',
  CAROUSEL = 'CAROUSEL',
  IMAGE = 'IMAGE',
  THREAD = 'THREAD',
  ARTICLE = 'ARTICLE',
  NEWSLETTER = 'NEWSLETTER',
  PODCAST = 'PODCAST',
  LIVE = 'LIVE',
}
export enum PlanStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  CANCELLED = 'CANCELLED',
}
export enum InteractionType {
  VIEW = 'VIEW',
  LIKE = 'LIKE',
  COMMENT = 'COMMENT',
  SHARE = 'SHARE',
  CLICK = 'CLICK',
  FOLLOW = 'FOLLOW',
  SIGNUP = 'SIGNUP',
  PURCHASE = 'PURCHASE',
}
export enum Tier {
  NEWCOMER = 'NEWCOMER',
  ENGAGED = 'ENGAGED',
  ADVOCATE = 'ADVOCATE',
  CHAMPION = 'CHAMPION',
}
export enum RunStatus {
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
}
export enum TimeBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
export enum ContentOrderField {
  PUBLISHED_AT = 'PUBLISHED_AT',
  VIEWS = 'VIEWS',
  ENGAGEMENT_RATE = 'ENGAGEMENT_RATE',
}
export enum CommunityUserOrderField {
  ENGAGEMENT_SCORE = 'ENGAGEMENT_SCORE',
  CREATED_AT = 'CREATED_AT',
}

registerEnumType(Platform, { name: 'Platform' });
registerEnumType(ContentFormat, { name: 'ContentFormat' });
registerEnumType(PlanStatus, { name: 'PlanStatus' });
registerEnumType(InteractionType, { name: 'InteractionType' });
registerEnumType(Tier, { name: 'Tier' });
registerEnumType(RunStatus, { name: 'RunStatus' });
registerEnumType(TimeBucket, { name: 'TimeBucket' });
registerEnumType(SortDirection, { name: 'SortDirection' });
registerEnumType(ContentOrderField, { name: 'ContentOrderField' });
registerEnumType(CommunityUserOrderField, { name: 'CommunityUserOrderField' });

/** GraphQL enum value -> stored text. */
export const toDb = (value: string): string => value.toLowerCase();

/** SQL CHECK list for a stored enum column, e.g. `"format" IN ('video', ...)`. */
export const checkIn = (column: string, values: Record<string, string>): string =>
  `"${column}" IN (${Object.values(values)
    .map((v) => `'${v.toLowerCase()}'`)
    .join(', ')})`;

export const TIER_ORDER: Tier[] = [Tier.NEWCOMER, Tier.ENGAGED, Tier.ADVOCATE, Tier.CHAMPION];
