/**
 * Files this server sends as they are: the browser pages' scripts and styles (GraphiQL, the
 * dashboard), from node_modules or from the repository. Only the names of a fixed list are served,
 * and every file of the list must exist at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Express, Response } from 'express';

export interface StaticAsset {
  file: string;
  type: string;
  /** A file of this repository (it changes with the checkout): browsers revalidate it every time instead of keeping it a day. */
  revalidate?: boolean;
}

/** A package's folder from its package.json (subpath require.resolve is blocked by `exports`). */
export const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** Throws at start-up when a file is missing; `what` names the page. */
export function requireAssets(assets: StaticAsset[], what: string): void {
  for (const asset of assets) {
    if (!fs.existsSync(asset.file)) {
      throw new Error(
        `${what} asset missing: ${asset.file} (${asset.revalidate ? 'npm run build copies it from src/' : 'run npm install'})`,
      );
    }
  }
}

/** Sends the file with its type, nosniff, its caching and any further headers. */
export function sendAsset(res: Response, asset: StaticAsset, headers: Record<string, string> = {}): void {
  const all = { 'content-type': asset.type, 'x-content-type-options': 'nosniff', ...headers };
  if (asset.revalidate) res.sendFile(asset.file, { cacheControl: false, headers: { ...all, 'cache-control': 'no-cache' } });
  else res.sendFile(asset.file, { maxAge: '1d', headers: all });
}

/** GET `${prefix}<name>` for every name of `assets`. */
export function mountAssets(app: Express, prefix: string, assets: Record<string, StaticAsset>, what: string): void {
  requireAssets(Object.values(assets), what);
  app.get(`${prefix}:name`, (req, res, next) => {
    const name = String(req.params.name);
    if (!Object.hasOwn(assets, name)) return next();
    sendAsset(res, assets[name]);
  });
}
