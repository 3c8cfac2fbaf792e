/**
 * Aggregates that a GraphQL integer type must carry, clamped to that type's range in SQL: a sum of
 * views is computed exactly (sum(bigint) is numeric in PostgreSQL) and saturates at 2^53 - 1, the
 * largest SafeInt, instead of failing every read of it (docs/api.md, "Sums and counts never fail a read").
 */

/** `sum` (a numeric or bigint expression, never null) as int8, saturated at Number.MAX_SAFE_INTEGER. */
export const safeIntSum = (sum: string): string => `least(${sum}, ${Number.MAX_SAFE_INTEGER})::int8`;

/** A count (bigint) as int4, saturated at 2^31 - 1 (GraphQL Int), for tables whose rows could outnumber it. */
export const intCount = (count: string): string => `least(${count}, 2147483647)::int`;
