/**
 * The dashboard (GET /dashboard) in Debian's Chromium, on a seeded database: every chart renders
 * data, nothing leaves this machine, the console stays clean, the time-zone picker asks the API
 * again, an agent run started outside the page (on another instance) appears in the runs panel
 * without a reload, and on a server with API_KEYS the page asks for a key and sends it (HTTP and
 * WebSocket). Screenshot: test-artifacts/dashboard.png; with UPDATE_SCREENSHOTS=1 also
 * docs/dashboard.png (the README's picture).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDatabase } from '../../scripts/seed/seed-db';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';
import { available, testWith } from '../support/services';
import { isLocal, launchChromium } from './chromium';

const ROOT = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const KEY = 'reader-key-dashboard-0123456789';

const { db, server, startServer, cleanup } = useTestServer('dashboard');
let browser: Browser | undefined;

beforeAll(async () => {
  await Promise.all([
    // Chromium starts while the database is filled.
    available('chromium') ? launchChromium().then((b) => (browser = b)) : undefined,
    (async () => {
      // The seed's rows end now, so the page's "last 90 days" hold them; the agents give tiers and runs.
      await seedDatabase(db.url, { users: 400, interactions: 8000, content: 600, logs: 60, seed: 11, anchor: new Date() }, { quiet: true });
      ok(await server.gql('mutation { recomputeEngagementScores { usersScored } }'));
      ok(await server.gql('mutation { createPerformanceSnapshot { id } }'));
    })(),
  ]);
}, 120_000);
cleanup(() => browser?.close());

interface Watched {
  page: Page;
  context: BrowserContext;
  offsite: string[];
  consoleErrors: string[];
  /** Every POST /graphql the page sent: its body and authorization header. */
  posts: { body: any; authorization: string | undefined }[];
}

/** A fresh context at 1280x800 whose every request to another host is blocked and recorded. */
async function openPage(port: number): Promise<Watched> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Berlin' });
  const offsite: string[] = [];
  const consoleErrors: string[] = [];
  const posts: Watched['posts'] = [];
  await context.route('**/*', (route) => {
    const request = route.request();
    if (!isLocal(request.url())) {
      offsite.push(request.url());
      return route.abort('blockedbyclient');
    }
    if (request.method() === 'POST') posts.push({ body: request.postDataJSON(), authorization: request.headers().authorization });
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  cleanup(() => context.close());
  await page.goto(`http://127.0.0.1:${port}/dashboard`, { waitUntil: 'load' });
  return { page, context, offsite, consoleErrors, posts };
}

/** Per chart card: the number of data points of each series, and their sum (runs in the page). */
function chartData(page: Page): Promise<Record<string, { points: number[]; sum: number }>> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const out: Record<string, { points: number[]; sum: number }> = {};
    for (const card of g.document.querySelectorAll('.card')) {
      const el = card.querySelector('.chart');
      if (!el) continue;
      const option = g.echarts.getInstanceByDom(el)?.getOption();
      const series: any[] = option?.series ?? [];
      const values = series.flatMap((s) => s.data ?? []).map((d: any) => (Array.isArray(d?.value) ? d.value[2] : (d?.value ?? d)));
      out[card.id] = {
        points: series.map((s) => (s.data ?? []).length),
        sum: values.filter((v: unknown) => typeof v === 'number').reduce((a: number, b: number) => a + b, 0),
      };
    }
    return out;
  });
}

/** Whether each chart's canvas has a painted pixel that is not the background (runs in the page). */
function canvasesPainted(page: Page): Promise<Record<string, boolean>> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const out: Record<string, boolean> = {};
    for (const card of g.document.querySelectorAll('.card')) {
      const canvas = card.querySelector('.chart canvas');
      if (!canvas) continue;
      const pixels: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = false;
      for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i] > 0 && (pixels[i - 3] < 200 || pixels[i - 1] < 200);
      out[card.id] = painted;
    }
    return out;
  });
}

const errorsShown = (page: Page) =>
  page.$$eval('.error:not([hidden])', (els) => els.map((e) => `${e.closest('.card')?.id}: ${e.textContent}`));

async function allChartsRendered(page: Page): Promise<Record<string, { points: number[]; sum: number }>> {
  let last: Record<string, { points: number[]; sum: number }> = {};
  await until(
    'every chart to hold data',
    async () => {
      last = await chartData(page);
      return (
        Object.keys(last).length === 4 && Object.values(last).every((c) => c.points.length > 0 && c.points.every((n) => n > 0) && c.sum > 0)
      );
    },
    30_000,
  ).catch(async (err) => {
    throw new Error(`${String(err)}; charts: ${JSON.stringify(last)}; errors shown: ${JSON.stringify(await errorsShown(page))}`);
  });
  return last;
}

test('GET /dashboard: the page with a strict CSP, its assets from this server, nothing else', async () => {
  const page = await fetch(`http://127.0.0.1:${server.port}/dashboard`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  const html = await page.text();
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  expect(scripts.every((attrs) => /src="\/dashboard\/[\w.-]+\.js"/.test(attrs))).toBe(true); // no inline script

  const assets: Record<string, RegExp> = {
    'echarts.min.js': /javascript/,
    'graphql-ws.min.js': /javascript/,
    'dashboard.js': /javascript/,
    'dashboard.css': /text\/css/,
  };
  for (const [name, type] of Object.entries(assets)) {
    const res = await fetch(`http://127.0.0.1:${server.port}/dashboard/${name}`);
    expect([name, res.status]).toEqual([name, 200]);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await res.text()).length).toBeGreaterThan(100);
  }
  // Only the listed names: not the page's source file, not a path out of the folder.
  for (const name of ['index.html', 'nothing.js', '..%2Fapp.js']) {
    expect([name, (await fetch(`http://127.0.0.1:${server.port}/dashboard/${name}`)).status]).toEqual([name, 404]);
  }
});

testWith(
  'chromium',
  'the dashboard renders every chart from the API on seeded data, offline, with no console error',
  async () => {
    const w = await openPage(server.port);
    const charts = await allChartsRendered(w.page);
    expect(Object.keys(charts).sort()).toEqual(['panel-breakdown', 'panel-heatmap', 'panel-series', 'panel-tiers']);
    expect(charts['panel-tiers'].points).toEqual([4]); // every tier, zeros included
    await until('the canvases to be painted', async () => Object.values(await canvasesPainted(w.page)).every(Boolean));
    expect(Object.keys(await canvasesPainted(w.page))).toHaveLength(4);

    // The runs panel lists the newest runs, the two agents run above first.
    const runIds = await w.page.$$eval('#panel-runs tbody tr[data-run-id]', (rows) => rows.map((r) => (r as any).dataset.runId));
    expect(runIds.length).toBe(12); // the newest 12 runs (dashboard.js RUNS_SHOWN)
    const newest = ok(await server.gql('{ agentRuns(first: 2) { nodes { id } } }')).agentRuns.nodes.map((n: any) => n.id);
    expect(runIds.slice(0, 2)).toEqual(newest);

    // The browser's zone is the default; another zone asks the API again with it.
    const zoneOf = (name: string) => w.posts.filter((p) => p.body.query.includes(`query ${name}(`)).map((p) => p.body.variables.timeZone);
    expect(zoneOf('DashboardSeries')).toEqual(['Europe/Berlin']);
    await w.page.selectOption('#time-zone', 'America/New_York');
    await until('the series and the heat map asked again', () =>
      ['DashboardSeries', 'DashboardPostingTimes'].every((op) => zoneOf(op).at(-1) === 'America/New_York'),
    );
    await allChartsRendered(w.page);

    // A zone the server refuses: each card that sent it shows the error, with its code; the others keep their charts.
    await w.page.evaluate(() => {
      const g = globalThis as any;
      const option = g.document.createElement('option');
      option.value = option.textContent = 'Mars/Olympus_Mons';
      g.document.getElementById('time-zone').appendChild(option);
    });
    await w.page.selectOption('#time-zone', 'Mars/Olympus_Mons');
    await until('the refusals shown', async () => (await errorsShown(w.page)).length === 2);
    expect((await errorsShown(w.page)).sort()).toEqual([
      expect.stringMatching(/^panel-heatmap: BAD_USER_INPUT: .*timeZone/),
      expect.stringMatching(/^panel-series: BAD_USER_INPUT: .*timeZone/),
    ]);

    await w.page.locator('#live[data-state="on"]').waitFor({ timeout: 30_000 });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await w.page.selectOption('#time-zone', 'Europe/Berlin');
    await until('the series and the heat map back in Berlin', () =>
      ['DashboardSeries', 'DashboardPostingTimes'].every((op) => zoneOf(op).at(-1) === 'Europe/Berlin'),
    );
    await until('the errors cleared by the next answers', async () => (await errorsShown(w.page)).length === 0).catch(async (err) => {
      throw new Error(`${String(err)}: ${JSON.stringify(await errorsShown(w.page))}`);
    });
    await allChartsRendered(w.page);
    await w.page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(r))); // ECharts' entry animation is short, but let it settle
    await w.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === '1') await w.page.screenshot({ path: path.join(ROOT, 'docs', 'dashboard.png'), fullPage: true });

    expect(w.offsite).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(await errorsShown(w.page)).toEqual([]);
  },
  90_000,
);

testWith(
  'chromium',
  'with API_KEYS the page asks for a key, shows a wrong one refused, and sends a right one',
  async () => {
    const keyed = await startServer({ API_KEYS: `reader:${KEY}` });
    const w = await openPage(keyed.port);
    const form = w.page.locator('#key-form');
    await form.waitFor({ state: 'visible' });
    expect(await w.page.textContent('#key-reason')).toMatch(/UNAUTHENTICATED/);
    expect(await errorsShown(w.page)).toEqual([expect.stringMatching(/^panel-runs: UNAUTHENTICATED/)]);

    await w.page.fill('#key-input', 'not-a-key');
    await w.page.click('#key-form button[type=submit]');
    await until(
      'the wrong key refused',
      async () => (await form.isVisible()) && w.posts.some((p) => p.authorization === 'Bearer not-a-key'),
    );
    expect(await w.page.textContent('#key-reason')).toMatch(/UNAUTHENTICATED/);

    await w.page.fill('#key-input', KEY);
    await w.page.click('#key-form button[type=submit]');
    await allChartsRendered(w.page);
    expect(await form.isVisible()).toBe(false);
    // The WebSocket of a server with API_KEYS admits the page: the key went in connectionParams.
    await w.page.locator('#live[data-state="on"]').waitFor({ timeout: 30_000 });
    expect(await w.page.evaluate(() => (globalThis as any).sessionStorage.getItem('creator-analytics.apiKey'))).toBe(KEY);
    const afterKey = w.posts.slice(w.posts.findIndex((p) => p.authorization === `Bearer ${KEY}`));
    expect(afterKey.length).toBeGreaterThanOrEqual(5);
    expect(afterKey.every((p) => p.authorization === `Bearer ${KEY}`)).toBe(true);

    // A reload in the same tab keeps the key (sessionStorage) and asks for none.
    await w.page.reload({ waitUntil: 'load' });
    await allChartsRendered(w.page);
    expect(await form.isVisible()).toBe(false);

    expect(w.offsite).toEqual([]);
    // The only console errors: the browser's own lines for the two refused requests (401).
    expect(w.consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  },
  90_000,
);

testWith(
  'chromium',
  'an agent run started outside the page, on another instance, appears in the runs panel, and the tier chart follows, without a reload',
  async () => {
    const w = await openPage(server.port);
    await allChartsRendered(w.page);
    await w.page.locator('#live[data-state="on"]').waitFor({ timeout: 30_000 });
    await w.page.evaluate(() => ((globalThis as any).notReloaded = true));
    const tierQueries = () => w.posts.filter((p) => p.body.query.includes('query DashboardTiers')).length;
    const tierQueriesBefore = tierQueries();

    // Another instance on the same database does the writes and runs the agent (its notifications reach this one).
    const other = await startServer();
    // A new user with 10 purchases (score 200) becomes a CHAMPION at the next recompute.
    const user = ok(await other.gql('mutation { upsertCommunityUser(input: { handle: "live-champion", platform: YOUTUBE }) { id } }'));
    const purchases = Array.from({ length: 10 }, () => ({ userId: user.upsertCommunityUser.id, type: 'PURCHASE' }));
    ok(
      await other.gql('mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { inserted } }', {
        input: purchases,
      }),
    );
    const recomputed = ok(
      await other.gql('mutation { recomputeEngagementScores { run { id } tiers { tier users } } }'),
    ).recomputeEngagementScores;

    const row = w.page.locator(`#panel-runs tbody tr[data-run-id="${recomputed.run.id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await w.page.locator(`#panel-runs tbody tr[data-run-id="${recomputed.run.id}"][data-status="SUCCESS"]`).waitFor({ timeout: 30_000 });
    expect(await row.locator('td').nth(1).textContent()).toBe('ConversionAgent');
    expect(await w.page.$$eval('#panel-runs tbody tr[data-run-id]', (rows) => (rows[0] as any).dataset.runId)).toBe(recomputed.run.id);

    // The tier chart shows the recompute's distribution, pushed by tierDistributionChanged (no query sent for it).
    const expected = recomputed.tiers.map((t: any) => t.users);
    await until('the tier chart to follow', async () => {
      const data = await w.page.evaluate(() => {
        const g = globalThis as any;
        return g.echarts
          .getInstanceByDom(g.document.querySelector('#panel-tiers .chart'))
          .getOption()
          .series[0].data.map((d: any) => d.value);
      });
      return JSON.stringify(data) === JSON.stringify(expected);
    });
    expect(tierQueries()).toBe(tierQueriesBefore);
    expect(await w.page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);

    expect(w.offsite).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(await errorsShown(w.page)).toEqual([]);
  },
  90_000,
);
