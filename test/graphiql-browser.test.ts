/**
 * GraphiQL with no internet: Debian's Chromium (driven by playwright-core) loads GET /graphql, types
 * a query, runs it and reads the result pane. Any request that tries to leave this machine is
 * blocked and fails the test, as does any console error. Screenshot: test-artifacts/graphiql.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, BrowserContext } from 'playwright-core';
import { FLAGS, graphiqlResult, isLocal } from './frontend/chromium';
import { CHROMIUM_PATH, testWith } from './support/services';
import { factories } from './support/factories';
import { useTestServer } from './support/use-test-server';

const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');

const { db, server, cleanup } = useTestServer('graphiql');
let browser: BrowserContext | undefined;
let profile: string;

beforeAll(() => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'graphiql-profile-'));
  cleanup(async () => {
    await browser?.close();
    fs.rmSync(profile, { recursive: true, force: true });
  });
});

testWith('chromium', 'GraphiQL loads from this server only, runs a typed query and shows the result', async () => {
  const f = factories(db.pool);
  await f.insight({ topic: 'offline graphiql', score: 0.9 });
  await f.insight({ topic: 'no cdn at all', score: 0.4 });

  // A fresh profile (--user-data-dir) per run: playwright passes it itself for a persistent context.
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
  const offsite: string[] = [];
  const served: string[] = [];
  const consoleErrors: string[] = [];
  await browser.route('**/*', (route) => {
    const url = route.request().url();
    if (!isLocal(url)) {
      offsite.push(url);
      return route.abort('blockedbyclient');
    }
    served.push(url);
    return route.continue();
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));

  await page.goto(`http://127.0.0.1:${server.port}/graphql`, { waitUntil: 'load' });
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });

  // Type the query over the default one (CodeMirror closes brackets as they open and types over
  // them as they close, so the text is checked below).
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('{ insights(first: 5) { totalCount nodes { topic score } } }', { delay: 5 });
  const typed = await editor.evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  expect(typed.replace(/\s+/g, '')).toBe('{insights(first:5){totalCountnodes{topicscore}}}');

  await page.keyboard.press('Escape'); // close the editor's autocomplete list
  await page.keyboard.press('Shift+Control+P'); // GraphiQL's prettify: a readable screenshot
  await page.keyboard.press('Escape');
  await page.locator('.graphiql-execute-button').click();
  const resultText = await graphiqlResult(page).catch(async (err) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-failure.png'), fullPage: true });
    const seen = `console: ${JSON.stringify(consoleErrors)}; offsite: ${JSON.stringify(offsite)}`;
    throw new Error(`no result in the response pane (${String(err)}); ${seen}`);
  });
  const result = JSON.parse(resultText);
  expect(result).toEqual({
    data: {
      insights: {
        totalCount: 2,
        nodes: [
          { topic: 'no cdn at all', score: 0.4 },
          { topic: 'offline graphiql', score: 0.9 },
        ],
      },
    },
    extensions: expect.anything(),
  });

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png'), fullPage: true });

  expect(offsite).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // Every asset came from this server.
  for (const asset of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js']) {
    expect(served.some((u) => u.endsWith(`/graphiql/${asset}`))).toBe(true);
  }
});
