/** PostgreSQL error codes the write paths turn into BAD_USER_INPUT. */

/** The constraint name of a foreign-key violation (23503), else null. */
export function violatedForeignKey(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23503' ? (e.constraint ?? '') : null;
}
