/**
 * Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) driven by playwright-core, for the
 * browser tests; playwright-core never downloads a browser of its own. Whether it is there is
 * services.ts's to say: `testWith('chromium', name, fn)` runs a browser test where it is, and skips
 * it with the reason elsewhere (CI must have it: .ci/run installs it).
 */
import { chromium, Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../support/services';

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

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });

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
