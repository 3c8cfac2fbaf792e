import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config, Role } from '../config';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The caller's role from `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with
 * timingSafeEqual (equal lengths), against every configured key, so timing says nothing about
 * which key or how much of it matched. With no API_KEYS the server is open: every caller is admin.
 */
export function resolveRole(config: Config, header: string | undefined): { role: Role | null; sentKey: boolean } {
  if (config.apiKeys.size === 0) return { role: 'admin', sentKey: Boolean(header) };
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return { role: null, sentKey: Boolean(header) };
  const given = digest(match[1].trim());
  let role: Role | null = null;
  for (const [key, r] of config.apiKeys) {
    if (timingSafeEqual(digest(key), given)) role = r;
  }
  return { role, sentKey: true };
}
