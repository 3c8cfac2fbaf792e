/**
 * The dashboard (docs/api.md "Dashboard"): GET /dashboard is a page built on the public API alone
 * (POST /graphql, and the graphql-ws subscriptions on the same path), served with no internet like
 * GraphiQL. Its own page, script and style are the files of src/http/dashboard/ (npm run build copies
 * them to dist/); ECharts and graphql-ws's browser client come from node_modules as their UMD builds.
 * A Content-Security-Policy of 'self' with no inline script or style makes sure nothing else loads.
 */
import path from 'node:path';
import type { Express } from 'express';
import { mountAssets, packageDir, requireAssets, sendAsset, StaticAsset } from './static-assets';

const DASHBOARD_PATH = '/dashboard';
const ASSET_PREFIX = '/dashboard/';
const OWN = path.join(__dirname, 'dashboard');

const ASSETS: Record<string, StaticAsset> = {
  'echarts.min.js': { file: path.join(packageDir('echarts'), 'dist', 'echarts.min.js'), type: 'application/javascript' },
  'graphql-ws.min.js': { file: path.join(packageDir('graphql-ws'), 'umd', 'graphql-ws.min.js'), type: 'application/javascript' },
  'dashboard.js': { file: path.join(OWN, 'dashboard.js'), type: 'application/javascript', revalidate: true },
  'dashboard.css': { file: path.join(OWN, 'dashboard.css'), type: 'text/css', revalidate: true },
};
const PAGE: StaticAsset = { file: path.join(OWN, 'index.html'), type: 'text/html; charset=utf-8', revalidate: true };

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'", // ECharts styles its elements through the DOM (element.style), which CSP allows
  "img-src 'self' data:",
  "connect-src 'self'", // POST /graphql and the WebSocket of the same origin
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function mountDashboard(app: Express): void {
  requireAssets([PAGE], 'Dashboard');
  mountAssets(app, ASSET_PREFIX, ASSETS, 'Dashboard');
  app.get(DASHBOARD_PATH, (_req, res) => sendAsset(res, PAGE, { 'content-security-policy': CSP }));
}
