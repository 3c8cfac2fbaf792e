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
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
}
/** The four agents of this server, as enqueueAgentRun names them (docs/agents.md). */
export enum AgentKind {
  CONVERSION = 'CONVERSION',
  PERFORMANCE_ANALYTICS = 'PERFORMANCE_ANALYTICS',
  STRATEGY_TUNING = 'STRATEGY_TUNING',
  ANALYTICS = 'ANALYTICS',
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

const each = <K extends string>(values: Record<K, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, d]) => [k, { description: d as string }])) as Record<K, { description: string }>;

registerEnumType(Platform, {
  name: 'Platform',
  description: 'The platform a piece of content or a community user belongs to.',
  valuesConfig: each({
    YOUTUBE: 'YouTube.',
    TIKTOK: 'TikTok.',
    INSTAGRAM: 'Instagram.',
    LINKEDIN: 'LinkedIn.',
    X: 'X (formerly Twitter).',
    FACEBOOK: 'Facebook.',
    BLOG: "The creator's own blog.",
    NEWSLETTER: 'An email newsletter.',
    PODCAST: 'A podcast feed.',
  }),
});
registerEnumType(ContentFormat, {
  name: 'ContentFormat',
  description: 'The format of a piece of content.',
  valuesConfig: each({
    VIDEO: 'A long-form video.',
    SHORT_VIDEO: 'A short vertical video (shorts, reels, TikToks).',
    CAROUSEL: 'A swipeable set of images or slides.',
    IMAGE: 'A single image post.',
    THREAD: 'A thread of short text posts.',
    ARTICLE: 'A written article or blog post.',
    NEWSLETTER: 'A newsletter issue.',
    PODCAST: 'A podcast episode.',
    LIVE: 'A live stream.',
  }),
});
registerEnumType(PlanStatus, {
  name: 'PlanStatus',
  description: 'Where a content plan stands.',
  valuesConfig: each({
    DRAFT: 'Being written; not scheduled yet.',
    SCHEDULED: 'Has a publication date (scheduledFor).',
    PUBLISHED: 'Published on its platform.',
    CANCELLED: 'Dropped; will not be published.',
  }),
});
registerEnumType(InteractionType, {
  name: 'InteractionType',
  description: 'What a community user did with a piece of content; each type has its weight in the engagement score (docs/agents.md).',
  valuesConfig: each({
    VIEW: 'Viewed the content.',
    LIKE: 'Liked the content.',
    COMMENT: 'Commented on the content.',
    SHARE: 'Shared the content.',
    CLICK: 'Clicked a link in the content.',
    FOLLOW: 'Followed the creator from the content.',
    SIGNUP: 'Signed up (e.g. to the newsletter) from the content.',
    PURCHASE: 'Bought something from the content.',
  }),
});
registerEnumType(Tier, {
  name: 'Tier',
  description: "A community user's tier, set from the engagement score; rank NEWCOMER < ENGAGED < ADVOCATE < CHAMPION.",
  valuesConfig: each({
    NEWCOMER: 'Engagement score below 10.',
    ENGAGED: 'Engagement score from 10 to below 50.',
    ADVOCATE: 'Engagement score from 50 to below 200.',
    CHAMPION: 'Engagement score of 200 or more.',
  }),
});
registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: 'The state of an agent run.',
  valuesConfig: each({
    QUEUED: 'Enqueued (enqueueAgentRun) and not started yet: a worker of the job queue will run it.',
    RUNNING: 'Started and not finished yet.',
    SUCCESS: 'Finished without error.',
    FAILURE: 'Finished with an error (see AgentRun.error).',
  }),
});
registerEnumType(AgentKind, {
  name: 'AgentKind',
  description: 'One of the four agents of this server (docs/agents.md), for enqueueAgentRun.',
  valuesConfig: each({
    CONVERSION: 'ConversionAgent (recomputeEngagementScores); input: RecomputeEngagementInput.',
    PERFORMANCE_ANALYTICS: 'PerformanceAnalyticsAgent (createPerformanceSnapshot); input: PerformanceSnapshotInput.',
    STRATEGY_TUNING: 'StrategyTuningAgent (tuneStrategy); input: TuneStrategyInput.',
    ANALYTICS: 'AnalyticsAgent (analyzeAgentPerformance); input: AnalyzeAgentsInput.',
  }),
});
registerEnumType(TimeBucket, {
  name: 'TimeBucket',
  description: 'The length of one bucket of a time series, cut in the requested time zone.',
  valuesConfig: each({
    HOUR: 'One hour.',
    DAY: 'One calendar day, starting at local midnight.',
    WEEK: 'One ISO week, starting on Monday at local midnight.',
    MONTH: 'One calendar month, starting on the 1st at local midnight.',
  }),
});
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'The direction of a sort.',
  valuesConfig: each({ ASC: 'Smallest or oldest first.', DESC: 'Largest or newest first.' }),
});
registerEnumType(ContentOrderField, {
  name: 'ContentOrderField',
  description: 'The key that published content is sorted by; ties are broken by id.',
  valuesConfig: each({
    PUBLISHED_AT: 'The publication time.',
    VIEWS: 'The view count; content without views sorts last.',
    ENGAGEMENT_RATE: 'The engagement rate; content without a rate sorts last.',
  }),
});
registerEnumType(CommunityUserOrderField, {
  name: 'CommunityUserOrderField',
  description: 'The key that community users are sorted by; ties are broken by id.',
  valuesConfig: each({ ENGAGEMENT_SCORE: 'The engagement score.', CREATED_AT: 'When the user was first recorded.' }),
});

/** GraphQL enum value -> stored text. */
export const toDb = (value: string): string => value.toLowerCase();

/** SQL CHECK list for a stored enum column, e.g. `"format" IN ('video', ...)`. */
export const checkIn = (column: string, values: Record<string, string>): string =>
  `"${column}" IN (${Object.values(values)
    .map((v) => `'${v.toLowerCase()}'`)
    .join(', ')})`;

export const TIER_ORDER: Tier[] = [Tier.NEWCOMER, Tier.ENGAGED, Tier.ADVOCATE, Tier.CHAMPION];
