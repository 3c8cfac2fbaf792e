/**
 * GraphiQL on a server with API_KEYS (introspection for key holders only): without a key its schema
 * request is refused (401); an Authorization header typed in its Headers editor makes the schema
 * load (re-fetch button) and a typed query run. Screenshot: test-artifacts/graphiql-key.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { factories } from '../support/factories';
import { useTestServer } from '../support/use-test-server';
import { graphiqlResult, isLocal, launchChromium } from './chromium';
import { available, testWith } from '../support/services';

const KEY = 'reader-key-graphiql-0123456789';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

const { db, server, cleanup } = useTestServer('graphiql_key', { API_KEYS: `reader:${KEY}`, QUERY_STATS: '0' });
let browser: Browser | undefined;

beforeAll(async () => {
  await factories(db.pool).insight({ topic: 'behind a key', score: 0.6 });
  if (available('chromium')) browser = await launchChromium();
});
cleanup(() => browser?.close());

/** Types into a CodeMirror editor over what it holds, then reads it back (it closes brackets and quotes as they open). */
async function typeInto(page: Page, selector: string, text: string): Promise<string> {
  const editor = page.locator(selector).first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Escape'); // close an autocomplete list
  return editor.evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

/** Waits (up to 30 s) until the list holds n entries. */
async function untilLength(list: unknown[], n: number): Promise<void> {
  for (const started = Date.now(); list.length < n; await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - started > 30_000) throw new Error(`waited 30 s for ${n} entries, have ${JSON.stringify(list)}`);
  }
}

interface SchemaRequest {
  status: number;
  authorization: string | undefined;
}

testWith('chromium', 'with API_KEYS, a key typed in the Headers pane loads the schema and runs a query', async () => {
  const context = await browser!.newContext();
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    if (isLocal(route.request().url())) return route.continue();
    offsite.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  const schemaRequests: SchemaRequest[] = [];
  page.on('response', (res) => {
    if (res.request().method() === 'POST' && /__schema/.test(res.request().postData() ?? '')) {
      schemaRequests.push({ status: res.status(), authorization: res.request().headers().authorization });
    }
  });

  await page.goto(`http://127.0.0.1:${server.port}/graphql`, { waitUntil: 'load' });
  await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor({ state: 'visible', timeout: 30_000 });
  // Refused, GraphiQL tries once more without the subscription type's part; refused again.
  const keyless = { status: 401, authorization: undefined };
  await untilLength(schemaRequests, 2);
  expect(schemaRequests).toEqual([keyless, keyless]);

  await page.locator('button[data-name="headers"]').click();
  const headers = await typeInto(
    page,
    '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
    `{"Authorization": "Bearer ${KEY}"}`,
  );
  expect(JSON.parse(headers)).toEqual({ Authorization: `Bearer ${KEY}` });
  await page.locator('button[aria-label="Re-fetch GraphQL schema"]').click();
  await untilLength(schemaRequests, 3);
  expect(schemaRequests).toEqual([keyless, keyless, { status: 200, authorization: `Bearer ${KEY}` }]);

  // The schema is there: the documentation explorer lists the root types.
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor({ timeout: 30_000 });

  const typed = await typeInto(page, '.graphiql-query-editor .CodeMirror', '{ insights(first: 1) { nodes { topic } } }');
  expect(typed.replace(/\s+/g, '')).toBe('{insights(first:1){nodes{topic}}}');
  await page.locator('.graphiql-execute-button').click();
  const result = await graphiqlResult(page);
  expect(JSON.parse(result)).toEqual({ data: { insights: { nodes: [{ topic: 'behind a key' }] } } });

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-key.png'), fullPage: true });
  expect(offsite).toEqual([]);
  // The only errors: Chromium's notes about the keyless schema requests.
  expect(consoleErrors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 401 (Unauthorized)'));
  await context.close();
});
