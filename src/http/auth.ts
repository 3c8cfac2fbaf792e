import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config, Role } from '../config';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** SHA-256 digests of the configured keys, computed once per key set. */
const digestsOf = new WeakMap<Map<string, Role>, { digest: Buffer; role: Role }[]>();
function keyDigests(keys: Map<string, Role>) {
  let list = digestsOf.get(keys);
  if (!list) {
    list = [...keys].map(([key, role]) => ({ digest: digest(key), role }));
    digestsOf.set(keys, list);
  }
  return list;
}

/** The key of an `Authorization: Bearer <key>` header. */
const bearerKey = (header: string | undefined) => /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1].trim();

/**
 * The caller's role from `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests (equal
 * lengths whatever was sent) with timingSafeEqual, against every configured key without stopping
 * at a match, so timing says nothing about which key or how much of it matched. With no API_KEYS
 * the server is open: every caller is admin.
 */
export function resolveRole(config: Pick<Config, 'apiKeys'>, header: string | undefined): { role: Role | null; sentKey: boolean } {
  if (config.apiKeys.size === 0) return { role: 'admin', sentKey: Boolean(header) };
  const key = bearerKey(header);
  if (key === undefined) return { role: null, sentKey: Boolean(header) };
  const given = digest(key);
  let role: Role | null = null;
  for (const k of keyDigests(config.apiKeys)) {
    if (timingSafeEqual(k.digest, given)) role = k.role;
  }
  return { role, sentKey: true };
}

/** Who may read /metrics: a scraper with METRICS_KEY, or an admin (every caller of an open server). */
export function mayReadMetrics(config: Pick<Config, 'apiKeys' | 'metricsKey'>, header: string | undefined): boolean {
  const admin = resolveRole(config, header).role === 'admin';
  const key = bearerKey(header);
  const scraper = config.metricsKey !== undefined && key !== undefined && timingSafeEqual(digest(config.metricsKey), digest(key));
  return admin || scraper;
}
