/**
 * Row generators for the seed data, one per table, each a generator of COPY text lines in id
 * order so that nothing is held in memory but the per-user activity weights (one float per user).
 * Every table draws from its own stream (seed + table number), so the rows depend only on the
 * arguments.
 */
import { CumulativeSampler, Rng, Weighted } from './prng';

export interface SeedSpec {
  users: number;
  interactions: number;
  content: number;
  logs: number;
  seed: number;
  /** The dataset's "now": every timestamp lies before it (fixed, so the data is reproducible). */
  anchor: Date;
  /** Days before the anchor that content, interactions and agent logs span; default SPAN_DAYS. */
  spanDays?: number;
}

export const DAY_MS = 86_400_000;
/** Content and interactions span this many days before the anchor, agent logs too, unless the spec says otherwise. */
export const SPAN_DAYS = 90;
const spanOf = (spec: SeedSpec) => spec.spanDays ?? SPAN_DAYS;

export function derivedCounts(spec: SeedSpec) {
  const publishedPlans = Math.ceil(spec.content * 0.8);
  const plans = publishedPlans + Math.max(9, Math.ceil(spec.content * 0.1));
  return { publishedPlans, plans, insights: Math.max(1, Math.ceil(plans / 8)) };
}

const PLATFORMS = new Weighted([
  ['youtube', 20],
  ['tiktok', 18],
  ['instagram', 20],
  ['linkedin', 10],
  ['x', 12],
  ['facebook', 8],
  ['blog', 5],
  ['newsletter', 4],
  ['podcast', 3],
] as const);
const FORMATS_BY_PLATFORM: Record<string, Weighted<string>> = {
  youtube: new Weighted([
    ['video', 6],
    ['short_video', 3],
    ['live', 1],
  ]),
  tiktok: new Weighted([
    ['short_video', 8],
    ['live', 1],
    ['video', 1],
  ]),
  instagram: new Weighted([
    ['carousel', 4],
    ['image', 3],
    ['short_video', 3],
    ['live', 0.5],
  ]),
  linkedin: new Weighted([
    ['article', 3],
    ['carousel', 2],
    ['image', 2],
    ['thread', 1],
    ['video', 1],
  ]),
  x: new Weighted([
    ['thread', 5],
    ['image', 3],
    ['short_video', 1],
    ['live', 0.5],
  ]),
  facebook: new Weighted([
    ['video', 3],
    ['image', 3],
    ['live', 1],
    ['article', 1],
  ]),
  blog: new Weighted([['article', 10]]),
  newsletter: new Weighted([['newsletter', 10]]),
  podcast: new Weighted([
    ['podcast', 9],
    ['video', 1],
  ]),
};
const BASE_RATE: Record<string, number> = {
  short_video: 0.065,
  carousel: 0.055,
  live: 0.05,
  image: 0.045,
  video: 0.04,
  thread: 0.035,
  podcast: 0.03,
  newsletter: 0.025,
  article: 0.02,
};
const PLATFORM_LIFT: Record<string, number> = {
  tiktok: 1.3,
  instagram: 1.15,
  youtube: 1,
  linkedin: 0.9,
  x: 0.8,
  facebook: 0.7,
  blog: 0.6,
  newsletter: 1.1,
  podcast: 0.9,
};
const MEDIAN_VIEWS: Record<string, number> = {
  youtube: 2500,
  tiktok: 4000,
  instagram: 1800,
  linkedin: 700,
  x: 900,
  facebook: 600,
  blog: 300,
  newsletter: 1200,
  podcast: 400,
};
// Views are by far the most frequent interaction, purchases the rarest.
const INTERACTION_TYPES = new Weighted([
  ['view', 70],
  ['like', 14],
  ['click', 8],
  ['comment', 3.5],
  ['share', 2],
  ['follow', 1.5],
  ['signup', 0.7],
  ['purchase', 0.3],
] as const);
const AGENTS = [
  { name: 'ConversionAgent', share: 30, medianMs: 180, failure: 0.04 },
  { name: 'PerformanceAnalyticsAgent', share: 25, medianMs: 900, failure: 0.06 },
  { name: 'StrategyTuningAgent', share: 15, medianMs: 60, failure: 0.1 },
  { name: 'AnalyticsAgent', share: 30, medianMs: 320, failure: 0.03 },
] as const;
const AGENT_PICK = new Weighted(AGENTS.map((a) => [a, a.share] as const));
const ERRORS = [
  'statement timeout',
  'upstream API returned 429',
  'no snapshot to tune from',
  'connection reset by peer',
  'deadlock detected',
];

const WORDS_A = ['quiet', 'bright', 'rapid', 'clever', 'lunar', 'brave', 'misty', 'golden', 'urban', 'nimble', 'cosmic', 'sunny'];
const WORDS_B = ['otter', 'pixel', 'river', 'falcon', 'maple', 'comet', 'tiger', 'harbor', 'cedar', 'nova', 'willow', 'quartz'];
const TOPIC_A = ['Why', 'How', 'When', 'What creators miss about', 'The data behind', 'A field guide to', '10 lessons on'];
const TOPIC_B = [
  'short-form video',
  'newsletter growth',
  'LinkedIn carousels',
  'podcast clips',
  'live streams',
  'AI editing',
  'community building',
  'posting cadence',
  'thumbnail tests',
  'long-form essays',
  'creator funds',
  'brand deals',
];
const SOURCES = ['google_trends', 'reddit', 'youtube_comments', 'newsletter_replies', 'competitor_watch', null] as const;

/** COPY text format: tab-separated, \N for null, backslash escapes. */
function text(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}
const num = (v: number | null) => (v === null ? '\\N' : String(v));
const ts = (ms: number | null) => (ms === null ? '\\N' : new Date(ms).toISOString());

/** Content i's publication slot: evenly spread over the span, so ids follow time as in a live table. */
function contentSlot(spec: SeedSpec, i: number): number {
  const days = spanOf(spec);
  return spec.anchor.getTime() - days * DAY_MS + Math.floor(((i + 0.5) * days * DAY_MS) / Math.max(1, spec.content));
}

export function* insightRows(spec: SeedSpec): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 1);
  const { insights } = derivedCounts(spec);
  const start = spec.anchor.getTime() - (spanOf(spec) + 30) * DAY_MS;
  for (let i = 1; i <= insights; i++) {
    const topic = `${rng.pick(TOPIC_A)} ${rng.pick(TOPIC_B)} (${i})`;
    const summary = rng.chance(0.8) ? `Signals around ${topic.toLowerCase()} from ${rng.int(3, 40)} sources` : null;
    const score = Math.round(Math.min(1, Math.max(0, 0.55 + 0.2 * rng.normal())) * 1000) / 1000;
    const created = start + Math.floor(((i - rng.next()) * (spanOf(spec) + 20) * DAY_MS) / insights);
    yield `${i}\t${text(topic)}\t${text(summary)}\t${text(rng.pick(SOURCES))}\t${score}\t${ts(created)}\n`;
  }
}

const PLATFORM_NAMES = ['youtube', 'tiktok', 'instagram', 'linkedin', 'x', 'facebook', 'blog', 'newsletter', 'podcast'];
const FORMAT_NAMES = ['video', 'short_video', 'carousel', 'image', 'thread', 'article', 'newsletter', 'podcast', 'live'];

/** Each plan's platform and format (one byte each), filled by planRows and read by contentRows. */
export class PlanIndex {
  readonly platform: Uint8Array;
  readonly format: Uint8Array;
  constructor(plans: number) {
    this.platform = new Uint8Array(plans + 1);
    this.format = new Uint8Array(plans + 1);
  }
  set(id: number, platform: string, format: string) {
    this.platform[id] = PLATFORM_NAMES.indexOf(platform);
    this.format[id] = FORMAT_NAMES.indexOf(format);
  }
  get(id: number) {
    return { platform: PLATFORM_NAMES[this.platform[id]], format: FORMAT_NAMES[this.format[id]] };
  }
}

export function* planRows(spec: SeedSpec, index: PlanIndex): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 2);
  const { publishedPlans, plans, insights } = derivedCounts(spec);
  const anchor = spec.anchor.getTime();
  for (let j = 1; j <= plans; j++) {
    const platform = PLATFORMS.pick(rng);
    const format = FORMATS_BY_PLATFORM[platform].pick(rng);
    index.set(j, platform, format);
    const published = j <= publishedPlans;
    const created = published
      ? contentSlot(spec, j - 1) - Math.floor(rng.logNormal(3, 0.6) * DAY_MS)
      : anchor - Math.floor(rng.next() * spanOf(spec) * DAY_MS);
    // Plans reference an insight of about their own age (insights are older than plans).
    const insight = rng.chance(0.9) ? Math.max(1, Math.min(insights, Math.ceil((j / plans) * insights) - rng.int(0, 3))) : null;
    const u = rng.next();
    const status = published ? 'published' : u < 0.5 ? 'draft' : u < 0.85 ? 'scheduled' : 'cancelled';
    const scheduled =
      status === 'scheduled' ? anchor + rng.int(1, 14 * 24) * 3_600_000 : published && rng.chance(0.7) ? contentSlot(spec, j - 1) : null;
    const title = `${format.replace('_', ' ')} for ${platform}: ${rng.pick(TOPIC_B)} #${j}`;
    yield `${j}\t${num(insight)}\t${text(title)}\t${format}\t${platform}\t${status}\t${ts(scheduled)}\t${ts(created)}\n`;
  }
}

/** Published content: each item's platform mostly follows its plan's, its engagement its plan's format. */
export function* contentRows(spec: SeedSpec, plans: PlanIndex): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 3);
  const { publishedPlans } = derivedCounts(spec);
  const step = (spanOf(spec) * DAY_MS) / Math.max(1, spec.content);
  for (let i = 1; i <= spec.content; i++) {
    // The first publishedPlans items publish one plan each; the rest cross-post an earlier plan.
    const planId = i <= publishedPlans ? i : rng.int(1, publishedPlans);
    const plan = plans.get(planId);
    const platform = rng.chance(0.9) ? plan.platform : PLATFORMS.pick(rng);
    const publishedAt = contentSlot(spec, i - 1) + Math.floor((rng.next() - 0.5) * 0.8 * step);
    const url = rng.chance(0.95) ? `https://${platform}.example.com/p/${i.toString(36)}` : null;
    let views: number | null = null;
    let likes: number | null = null;
    let comments: number | null = null;
    let shares: number | null = null;
    let rate: number | null = null;
    if (rng.chance(0.96)) {
      views = Math.round(rng.logNormal(MEDIAN_VIEWS[platform], 1.3));
      const r = BASE_RATE[plan.format] * PLATFORM_LIFT[platform] * rng.logNormal(1, 0.35);
      likes = Math.round(views * r * 0.8);
      comments = Math.round(views * r * 0.12);
      shares = Math.round(views * r * 0.08);
      // Some rates are not computed yet even when views are known.
      rate = views > 0 && rng.chance(0.94) ? (likes + comments + shares) / views : null;
    }
    yield `${i}\t${planId}\t${platform}\t${text(url)}\t${ts(publishedAt)}\t${num(views)}\t${num(likes)}\t${num(comments)}\t${num(shares)}\t${num(rate)}\t${plan.format}\n`;
  }
}

export function* userRows(spec: SeedSpec): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 4);
  // Users sign up over the span and the 310 days before it (400 days for the default span).
  const start = spec.anchor.getTime() - (spanOf(spec) + 310) * DAY_MS;
  const signupDays = spanOf(spec) + 305;
  for (let i = 1; i <= spec.users; i++) {
    const a = rng.pick(WORDS_A);
    const b = rng.pick(WORDS_B);
    // The id in the handle keeps (platform, handle) unique.
    const handle = `${a}_${b}_${i.toString(36)}`;
    const display = rng.chance(0.8) ? `${a[0].toUpperCase()}${a.slice(1)} ${b[0].toUpperCase()}${b.slice(1)}` : null;
    const created = start + Math.floor(((i - rng.next()) * signupDays * DAY_MS) / spec.users);
    yield `${i}\t${text(handle)}\t${PLATFORMS.pick(rng)}\t${text(display)}\t${ts(created)}\n`;
  }
}

/** Per-user activity: most users are inactive, the active ones follow a Pareto tail (capped). */
export function activitySampler(spec: SeedSpec): CumulativeSampler {
  const rng = new Rng(spec.seed * 31 + 5);
  const weights = new Float64Array(spec.users);
  for (let i = 0; i < spec.users; i++) weights[i] = rng.chance(0.35) ? Math.min(500, rng.pareto(1.16)) : 0;
  if (spec.users > 0 && weights.every((w) => w === 0)) weights[0] = 1;
  return CumulativeSampler.fromWeights(weights);
}

/** The first and last instants of interactionRows' timestamps (the seed creates their month partitions first). */
export const interactionSpan = (spec: SeedSpec): { from: Date; to: Date } => ({
  from: new Date(spec.anchor.getTime() - spanOf(spec) * DAY_MS),
  to: spec.anchor,
});

export function* interactionRows(spec: SeedSpec): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 6);
  const sampler = activitySampler(spec);
  const span = spanOf(spec) * DAY_MS;
  const start = spec.anchor.getTime() - span;
  for (let k = 1; k <= spec.interactions; k++) {
    const t = start + Math.floor(((k - rng.next()) * span) / spec.interactions);
    const user = sampler.sample(rng) + 1;
    const type = INTERACTION_TYPES.pick(rng);
    // Mostly on content, biased to what was published recently (only content that exists by then).
    const published = Math.floor(((t - start) / span) * spec.content);
    const content = published >= 1 && rng.chance(0.85) ? published - Math.floor(published * Math.pow(rng.next(), 3)) : null;
    yield `${k}\t${user}\t${num(content)}\t${type}\t${ts(t)}\n`;
  }
}

export function* agentLogRows(spec: SeedSpec): Generator<string> {
  const rng = new Rng(spec.seed * 31 + 7);
  const anchor = spec.anchor.getTime();
  const start = anchor - spanOf(spec) * DAY_MS;
  for (let k = 1; k <= spec.logs; k++) {
    const agent = AGENT_PICK.pick(rng);
    const startedAt = start + Math.floor(((k - rng.next()) * spanOf(spec) * DAY_MS) / spec.logs);
    // A long tail: log-normal, plus rare outliers (cold caches, lock waits).
    let ms = rng.logNormal(agent.medianMs, 0.9);
    if (rng.chance(0.015)) ms *= rng.int(5, 50);
    ms = Math.round(ms * 1000) / 1000;
    const running = anchor - startedAt < 600_000 && rng.chance(0.3);
    const failed = !running && rng.chance(agent.failure);
    const status = running ? 'running' : failed ? 'failure' : 'success';
    const exec = running ? null : failed && rng.chance(0.2) ? 30_000 : ms;
    const finished = exec === null ? null : startedAt + Math.round(exec);
    const error = failed ? rng.pick(ERRORS) : null;
    const details = status === 'success' ? `{"rows": ${rng.int(0, 100_000)}}` : null;
    yield `${k}\t${agent.name}\t${status}\t${ts(startedAt)}\t${ts(finished)}\t${num(exec)}\t${text(error)}\t${text(details)}\n`;
  }
}
