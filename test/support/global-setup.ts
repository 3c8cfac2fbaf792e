/**
 * One PostgreSQL for the whole run: the server DATABASE_URL names, else an embedded PostgreSQL 15
 * that this setup starts in a temporary folder. The real migrations run once into a template
 * database; each test file clones it (CREATE DATABASE ... TEMPLATE), so files never share rows.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { installJobQueue } from '../../src/db/job-queue';
import { withDatabase } from '../../src/db/url';
import { freePort } from './net';
import { probeRedis, REDIS_TEST_URL } from './redis';

declare global {
  var __TEST_EMBEDDED__: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
    globalThis.__TEST_EMBEDDED__ = {
      async stop() {
        await embedded.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    adminUrl = embedded.url;
  }
  const template = `creator_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();

  const ds = createDataSource({ url: withDatabase(adminUrl, template), applicationName: 'test-template' });
  ds.setOptions({ logging: ['error'] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await installJobQueue(withDatabase(adminUrl, template));

  const redis = await probeRedis();
  if (!redis && process.env.CI) throw new Error(`CI needs Redis at ${REDIS_TEST_URL} for the shared-cache tests (.ci/run starts it)`);
  if (!redis) console.warn(`\nNo Redis at ${REDIS_TEST_URL}: the Redis-backed cache tests are skipped (CI runs them).`);
  process.env.TEST_REDIS_AVAILABLE = redis ? '1' : '0';
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DB = template;
}
