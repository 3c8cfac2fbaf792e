/** The same PostgreSQL server URL with another database name (scripts and tests make their own databases). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
