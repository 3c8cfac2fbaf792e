import { MigrationInterface, QueryRunner } from "typeorm";
import { alterTableOnline } from "../src/db/online-ddl";
import { addMonths, maintainPartitions, monthStart, MONTHS_AHEAD, partitionName, Sql } from "../src/db/partitions";

/**
 * `user_interactions` becomes a table partitioned by month on `timestamp` (docs/data-model.md
 * "Partitions"), converted online (docs/operations.md "Partitioning user_interactions"):
 *
 * 1. `user_interactions_next` is created partitioned, with the same columns, CHECK, foreign keys and
 *    indexes (under temporary names), one partition per month that has rows and from the current
 *    month to 3 ahead, and the DEFAULT partition. Its primary key is (id, timestamp): PostgreSQL requires the
 *    partition key in it; `id` stays unique in practice (the identity hands each value out once).
 * 2. A trigger on the old table copies every new row to the new one and records the id of every
 *    updated or deleted row (a user's cascade, a content's SET NULL) in `user_interactions_changed`.
 * 3. The existing rows are copied in batches of BATCH ids, each its own short transaction.
 * 4. The recorded changes are applied again (those rows copied afresh from the old table).
 * 5. The swap, in one short transaction under ACCESS EXCLUSIVE (lock_timeout, retried): the last
 *    changes, the identity sequence carried over (the next id is the one the old table would have
 *    given), the old table dropped, the new one and its indexes, primary key and sequence renamed.
 *
 * Run again after an interruption, it starts over from step 1 (what a broken run left is dropped).
 * `down` converts back to a plain table in one transaction (it holds the table for the copy).
 */
export class PartitionInteractions1796500000000 implements MigrationInterface {
    name = 'PartitionInteractions1796500000000'
    transaction = false as const;

    public async up(queryRunner: QueryRunner): Promise<void> {
        const sql = statements(queryRunner);
        const kind = await sql(`SELECT relkind::text AS kind FROM pg_class WHERE oid = 'user_interactions'::regclass`);
        if (kind[0].kind === 'p') return;
        await clearLeftovers(queryRunner, sql);

        // 1. The partitioned table, its partitions, constraints and indexes (all empty: instant).
        const check = await sql(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'chk_user_interactions_type' AND conrelid = 'user_interactions'::regclass`);
        await sql(`CREATE TABLE "user_interactions_next" (${COLUMNS}, CONSTRAINT "chk_user_interactions_type" ${check[0].def}, CONSTRAINT "PK_user_interactions_next" PRIMARY KEY ("id", "timestamp")) PARTITION BY RANGE ("timestamp")`);
        await sql(`CREATE TABLE "user_interactions_default" PARTITION OF "user_interactions_next" DEFAULT`);
        // The months that have rows (an index-only scan of idx_user_interactions_timestamp_user_type) and
        // the current one to 3 ahead; a stray row years away gets its own month, not every month since.
        const months = new Set((await sql(`SELECT DISTINCT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM "user_interactions"`)).map((r) => `${String(r.m)}-01T00:00:00.000Z`));
        for (let month = monthStart(new Date()), i = 0; i <= MONTHS_AHEAD; month = addMonths(month, 1), i++) months.add(month.toISOString());
        for (const month of [...months].sort().map((m) => new Date(m))) {
            await sql(`CREATE TABLE "${partitionName(month)}" PARTITION OF "user_interactions_next" FOR VALUES FROM ('${month.toISOString()}') TO ('${addMonths(month, 1).toISOString()}')`);
        }
        for (const [name, columns] of INDEXES) await sql(`CREATE INDEX "${name}_next" ON "user_interactions_next" (${columns})`);
        await sql(`ALTER TABLE "user_interactions_next" ADD CONSTRAINT "fk_user_interactions_user" FOREIGN KEY ("user_id") REFERENCES "community_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await sql(`ALTER TABLE "user_interactions_next" ADD CONSTRAINT "fk_user_interactions_content" FOREIGN KEY ("content_id") REFERENCES "published_content"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);

        // 2. From now on every write to the old table reaches the new one (or is recorded).
        await sql(`CREATE TABLE "user_interactions_changed" ("id" bigint NOT NULL)`);
        await sql(`CREATE FUNCTION "user_interactions_mirror"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO "user_interactions_next" (${NAMES}) VALUES (NEW."id", NEW."user_id", NEW."content_id", NEW."interaction_type", NEW."timestamp") ON CONFLICT DO NOTHING;
              ELSE
                INSERT INTO "user_interactions_changed" ("id") VALUES (OLD."id");
              END IF;
              RETURN NULL;
            END $$`);
        // CREATE TRIGGER waits for the writes in flight: every row is then either committed (the copy sees it) or mirrored.
        await alterTableOnline(queryRunner, 'user_interactions', `CREATE TRIGGER "trg_user_interactions_mirror" AFTER INSERT OR UPDATE OR DELETE ON "user_interactions" FOR EACH ROW EXECUTE FUNCTION "user_interactions_mirror"()`);

        // 3. The rows there were, in batches of ids.
        const range = await sql(`SELECT coalesce(min("id"), 1) AS lo, coalesce(max("id"), 0) AS hi FROM "user_interactions"`);
        const [lo, hi] = [BigInt(range[0].lo as string), BigInt(range[0].hi as string)];
        let copied = 0;
        let batches = 0;
        for (let from = lo - 1n; from < hi; from += BATCH) {
            const done = await sql(`WITH c AS (INSERT INTO "user_interactions_next" (${NAMES}) SELECT ${NAMES} FROM "user_interactions" WHERE "id" > $1 AND "id" <= $2 ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM c`, [String(from), String(from + BATCH)]);
            copied += done[0].n as number;
            if (++batches % 20 === 0) queryRunner.connection.logger.logMigration(`user_interactions: ${copied} rows copied into the partitioned table (ids up to ${from + BATCH} of ${hi})`, queryRunner);
        }

        // 4. What changed meanwhile, until little is left for the swap.
        while ((await applyChanges(sql)) > 1000);

        // 5. The swap.
        for (let attempt = 1; ; attempt++) {
            try {
                await sql('BEGIN');
                await sql(`SET LOCAL lock_timeout = '3s'`);
                await sql(`LOCK TABLE "user_interactions" IN ACCESS EXCLUSIVE MODE`);
                const locked = performance.now();
                await applyChanges(sql);
                const seq = await sql(`SELECT last_value::text AS v, is_called AS c FROM ${(await sql(`SELECT pg_get_serial_sequence('user_interactions', 'id') AS s`))[0].s}`);
                await sql(`SELECT setval(pg_get_serial_sequence('user_interactions_next', 'id'), $1::bigint, $2)`, [seq[0].v, seq[0].c]);
                await sql(`DROP TABLE "user_interactions"`);
                await sql(`DROP TABLE "user_interactions_changed"`);
                await sql(`DROP FUNCTION "user_interactions_mirror"()`);
                await sql(`ALTER TABLE "user_interactions_next" RENAME TO "user_interactions"`);
                await sql(`ALTER TABLE "user_interactions" RENAME CONSTRAINT "PK_user_interactions_next" TO "${PK}"`);
                for (const [name] of INDEXES) await sql(`ALTER INDEX "${name}_next" RENAME TO "${name}"`);
                await sql(`ALTER SEQUENCE user_interactions_next_id_seq RENAME TO user_interactions_id_seq`);
                await sql('COMMIT');
                queryRunner.connection.logger.logMigration(`user_interactions: partitioned; ${copied} rows copied, the swap held the table ${Math.round(performance.now() - locked)} ms`, queryRunner);
                break;
            } catch (err) {
                await sql('ROLLBACK').catch(() => undefined);
                const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
                if (code !== '55P03' || attempt >= 5) throw err;
                queryRunner.connection.logger.logMigration(`warning: user_interactions: swap lock not granted within 3 s (attempt ${attempt} of 5); retrying`, queryRunner);
                await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
            }
        }
        await maintainPartitions(sql, { retentionMonths: null });
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        const sql = statements(queryRunner);
        const kind = await sql(`SELECT relkind::text AS kind FROM pg_class WHERE oid = 'user_interactions'::regclass`);
        if (kind[0].kind !== 'p') return;
        const check = await sql(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'chk_user_interactions_type' AND conrelid = 'user_interactions'::regclass`);
        await sql(`LOCK TABLE "user_interactions" IN EXCLUSIVE MODE`);
        await sql(`CREATE TABLE "user_interactions_plain" (${COLUMNS}, CONSTRAINT "chk_user_interactions_type" ${check[0].def}, CONSTRAINT "PK_user_interactions_plain" PRIMARY KEY ("id"))`);
        await sql(`INSERT INTO "user_interactions_plain" (${NAMES}) SELECT ${NAMES} FROM "user_interactions" ORDER BY "id"`);
        const seq = await sql(`SELECT last_value::text AS v, is_called AS c FROM user_interactions_id_seq`);
        await sql(`SELECT setval(pg_get_serial_sequence('user_interactions_plain', 'id'), $1::bigint, $2)`, [seq[0].v, seq[0].c]);
        await sql(`DROP TABLE "user_interactions"`);
        await sql(`ALTER TABLE "user_interactions_plain" RENAME TO "user_interactions"`);
        await sql(`ALTER TABLE "user_interactions" RENAME CONSTRAINT "PK_user_interactions_plain" TO "PK_173313ad3f40a2ae74b48f82dd7"`);
        await sql(`ALTER SEQUENCE user_interactions_plain_id_seq RENAME TO user_interactions_id_seq`);
        for (const [name, columns] of INDEXES) await sql(`CREATE INDEX "${name}" ON "user_interactions" (${columns})`);
        await sql(`ALTER TABLE "user_interactions" ADD CONSTRAINT "fk_user_interactions_user" FOREIGN KEY ("user_id") REFERENCES "community_users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await sql(`ALTER TABLE "user_interactions" ADD CONSTRAINT "fk_user_interactions_content" FOREIGN KEY ("content_id") REFERENCES "published_content"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }
}

/** Ids per copy batch: one short transaction each. */
const BATCH = 50_000n;
/** TypeORM's name for the primary key (id, timestamp) of the entity. */
const PK = 'PK_daab55669bbefdc7da405a4c3fc';
const COLUMNS = `"id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "user_id" integer NOT NULL, "content_id" integer, "interaction_type" character varying(20) NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`;
const NAMES = `"id", "user_id", "content_id", "interaction_type", "timestamp"`;
/** The table's indexes at this point (InitialSchema, AddPerformanceIndexes, AgentIndexes), as partitioned indexes. */
const INDEXES: [string, string][] = [
    ['idx_user_interaction_user_timestamp', '"user_id", "timestamp"'],
    ['idx_user_interactions_content_timestamp', '"content_id", "timestamp"'],
    ['idx_user_interactions_timestamp_user_type', '"timestamp", "user_id", "interaction_type"'],
];

/** Copies the recorded rows afresh (deleted ones stay away), 10,000 at a time; returns how many it applied. */
async function applyChanges(sql: Sql): Promise<number> {
    let applied = 0;
    for (;;) {
        const ids = (await sql(`DELETE FROM "user_interactions_changed" WHERE ctid IN (SELECT ctid FROM "user_interactions_changed" LIMIT 10000) RETURNING "id"`)).map((r) => String(r.id));
        if (!ids.length) return applied;
        await sql(`DELETE FROM "user_interactions_next" WHERE "id" = ANY($1::bigint[])`, [ids]);
        await sql(`INSERT INTO "user_interactions_next" (${NAMES}) SELECT ${NAMES} FROM "user_interactions" WHERE "id" = ANY($1::bigint[])`, [ids]);
        applied += ids.length;
    }
}

/** The rows of each statement (TypeORM answers [rows, count] for a DELETE ... RETURNING otherwise). */
function statements(queryRunner: QueryRunner): Sql {
    return async (text, params) => (await queryRunner.query(text, params, true)).records ?? [];
}

/** What an interrupted run left behind. */
async function clearLeftovers(queryRunner: QueryRunner, sql: Sql): Promise<void> {
    const trigger = await sql(`SELECT 1 FROM pg_trigger WHERE tgname = 'trg_user_interactions_mirror'`);
    if (trigger.length) await alterTableOnline(queryRunner, 'user_interactions', `DROP TRIGGER IF EXISTS "trg_user_interactions_mirror" ON "user_interactions"`);
    await sql(`DROP TABLE IF EXISTS "user_interactions_next", "user_interactions_changed"`);
    await sql(`DROP FUNCTION IF EXISTS "user_interactions_mirror"()`);
}
