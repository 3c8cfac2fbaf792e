/**
 * Debian's Chromium driven by playwright-core, for the browser tests. .ci/run installs it and CI
 * must run these tests; on a machine with nothing but Node they are skipped with a note
 * (playwright-core never downloads a browser of its own).
 */
import fs from 'node:fs';
import { chromium, Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAS_CHROMIUM && process.env.CI) throw new Error(`CI needs ${CHROMIUM} (apt-get install -y chromium; .ci/run does it)`);

/** `test` when Chromium is there, else `test.skip`; the name says why it was skipped. */
export const browserTest = (name: string, fn: () => Promise<void>, timeout?: number) =>
  (HAS_CHROMIUM ? test : test.skip)(`${name}${HAS_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`, fn, timeout);

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });

/** Whether a URL stays on this machine (the browser tests block every other). */
export const isLocal = (url: string) => {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
};

/** The text of GraphiQL's response pane once it holds a result (runs in the page: no DOM types in this tsconfig). */
export async function graphiqlResult(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => {
      const el = (globalThis as any).document.querySelector('.graphiql-response .CodeMirror');
      const text: string = el?.CodeMirror?.getValue() ?? '';
      return /"(data|errors)"/.test(text) ? text : false;
    },
    undefined,
    { timeout: 30_000 },
  );
  return handle.jsonValue() as Promise<string>;
}
