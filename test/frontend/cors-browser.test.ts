/**
 * CORS as a browser applies it: Chromium opens a page served from another local origin (a tiny
 * node:http server on another port), whose script calls the API with fetch and a Bearer key and
 * reads the answer. A page from an origin not in CORS_ORIGINS gets nothing: fetch rejects, for the
 * preflighted request as for a simple GET.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { factories } from '../support/factories';
import type { TestServer } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { launchChromium } from './chromium';
import { available, testWith } from '../support/services';

const KEY = 'reader-key-browser-0123456789';
const WRITER = 'writer-key-browser-0123456789';
const QUERY = '{ insights(first: 2) { totalCount nodes { topic } } }';

/** A page server: one small HTML page, whatever the path. */
async function pageServer(title: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>${title}</title><link rel="icon" href="data:,"></head><body>${title}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const { db, startServer, cleanup } = useTestServer('cors_browser', null);
let api: TestServer;
let allowed: Awaited<ReturnType<typeof pageServer>>;
let unlisted: Awaited<ReturnType<typeof pageServer>>;
let browser: Browser | undefined;

beforeAll(async () => {
  const f = factories(db.pool);
  await f.insight({ topic: 'from another origin', score: 0.7 });
  await f.insight({ topic: 'read by the page', score: 0.2 });
  allowed = await pageServer('frontend');
  unlisted = await pageServer('elsewhere');
  api = await startServer({ API_KEYS: `reader:${KEY},writer:${WRITER}`, CORS_ORIGINS: allowed.origin, QUERY_STATS: '0' });
  if (available('chromium')) browser = await launchChromium();
});
cleanup(async () => {
  await browser?.close();
  await allowed?.close();
  await unlisted?.close();
});

interface Outcome {
  ok?: { status: number; body: unknown; wwwAuthenticate: string | null };
  rejected?: string;
}

/** Runs fetch inside the page (no DOM types in this project's tsconfig, hence the loose typing). */
function callApi(page: Page, request: { url: string; method: 'GET' | 'POST'; key?: string; query?: string }): Promise<Outcome> {
  return page.evaluate(
    async ({ url, method, key, query }) => {
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      if (method === 'POST') headers['content-type'] = 'application/json';
      const target = method === 'GET' ? `${url}?query=${encodeURIComponent(query)}` : url;
      try {
        const res = await fetch(target, { method, headers, body: method === 'POST' ? JSON.stringify({ query }) : undefined });
        return { ok: { status: res.status, body: await res.json(), wwwAuthenticate: res.headers.get('www-authenticate') } };
      } catch (err) {
        return { rejected: String(err) };
      }
    },
    { query: QUERY, ...request },
  );
}

/**
 * No page.route() here: with request interception on, playwright answers CORS preflights itself
 * (permissively), and the server's own preflight answer would never be tested.
 */
async function openPage(origin: string): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await (await browser!.newContext()).newPage();
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  return { page, consoleErrors };
}

const DATA = { data: { insights: { totalCount: 2, nodes: [{ topic: 'read by the page' }, { topic: 'from another origin' }] } } };

testWith('chromium', 'a page on a listed origin calls the API with fetch and a Bearer key, and reads the answer', async () => {
  const { page, consoleErrors } = await openPage(allowed.origin);
  expect(await page.evaluate(() => (globalThis as any).location.origin)).toBe(allowed.origin);
  expect(allowed.origin).not.toBe(new URL(api.url).origin);

  expect(await callApi(page, { url: api.url, method: 'POST', key: KEY })).toEqual({
    ok: { status: 200, body: DATA, wwwAuthenticate: null },
  });
  expect(await callApi(page, { url: api.url, method: 'GET', key: KEY })).toEqual({
    ok: { status: 200, body: DATA, wwwAuthenticate: null },
  });
  // Without a key the page can still read the refusal (status, body and challenge) and react to it.
  const anonymous = await callApi(page, { url: api.url, method: 'POST' });
  expect(anonymous.ok?.status).toBe(401);
  expect(anonymous.ok?.wwwAuthenticate).toBe('Bearer');
  expect((anonymous.ok?.body as any).errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);

  // Chromium logs the 401 as a failed resource load; nothing else went wrong.
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  await page.context().close();
});

testWith('chromium', 'a page on an origin not listed gets nothing: fetch rejects', async () => {
  const { page, consoleErrors } = await openPage(unlisted.origin);
  // Preflighted (a key and JSON): the server refuses the preflight, so the mutation is never sent.
  const write = {
    url: api.url,
    method: 'POST',
    key: WRITER,
    query: 'mutation { createInsight(input: { topic: "cross-site" }) { id } }',
  } as const;
  // Simple (no header to preflight): sent, but its answer has no Access-Control-Allow-Origin.
  const read = { url: api.url, method: 'GET' } as const;
  for (const request of [write, read]) expect(await callApi(page, request)).toEqual({ rejected: 'TypeError: Failed to fetch' });

  expect((await db.pool.query("SELECT count(*)::int AS n FROM insights WHERE topic = 'cross-site'")).rows[0].n).toBe(0);
  const blocked = consoleErrors.filter((e) => e.includes(`from origin '${unlisted.origin}' has been blocked by CORS policy`));
  const noHeader = "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
  const blockedBy = (url: string) => `Access to fetch at '${url}' from origin '${unlisted.origin}' has been blocked by CORS policy: `;
  expect(blocked).toEqual([
    `${blockedBy(api.url)}Response to preflight request doesn't pass access control check: ${noHeader}`,
    `${blockedBy(`${api.url}?query=${encodeURIComponent(QUERY)}`)}${noHeader}`,
  ]);
  await page.context().close();
});
