import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Each published content carries its plan's format (docs/data-model.md), so that the performance
 * snapshot groups by format without joining content_plans. Backfilled from the plans, then NOT NULL.
 * Triggers keep it the plan's format whatever the writer sends: a content row takes it from its plan
 * when inserted or moved to another plan, and a plan whose format changes passes it on to its content.
 */
export class ContentFormat1796300000000 implements MigrationInterface {
    name = 'ContentFormat1796300000000'
    /** NOT NULL without a default, yet additive: the BEFORE INSERT trigger fills it, so the previous release's INSERTs still work (docs/operations.md). */
    filledOnInsert = ['published_content.format']

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "published_content" ADD "format" character varying(20)`);
        await queryRunner.query(`UPDATE "published_content" pc SET "format" = cp."format" FROM "content_plans" cp WHERE cp."id" = pc."content_plan_id"`);
        await queryRunner.query(`ALTER TABLE "published_content" ALTER COLUMN "format" SET NOT NULL`);
        await queryRunner.query(`CREATE FUNCTION "published_content_format"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT cp."format" INTO NEW."format" FROM "content_plans" cp WHERE cp."id" = NEW."content_plan_id";
  RETURN NEW;
END $$`);
        await queryRunner.query(`CREATE TRIGGER "trg_published_content_format" BEFORE INSERT OR UPDATE OF "content_plan_id", "format" ON "published_content"
FOR EACH ROW EXECUTE FUNCTION "published_content_format"()`);
        await queryRunner.query(`CREATE FUNCTION "content_plans_format"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "published_content" SET "format" = NEW."format" WHERE "content_plan_id" = NEW."id";
  RETURN NULL;
END $$`);
        await queryRunner.query(`CREATE TRIGGER "trg_content_plans_format" AFTER UPDATE OF "format" ON "content_plans"
FOR EACH ROW WHEN (OLD."format" IS DISTINCT FROM NEW."format") EXECUTE FUNCTION "content_plans_format"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "trg_content_plans_format" ON "content_plans"`);
        await queryRunner.query(`DROP FUNCTION "content_plans_format"()`);
        await queryRunner.query(`DROP TRIGGER "trg_published_content_format" ON "published_content"`);
        await queryRunner.query(`DROP FUNCTION "published_content_format"()`);
        await queryRunner.query(`ALTER TABLE "published_content" DROP COLUMN "format"`);
    }

}
