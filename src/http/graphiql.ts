/**
 * GraphiQL with no internet (docs/api.md): GET /graphql from a browser gets a page
 * whose every asset this server sends from node_modules: graphiql 4.1.2's UMD build and CSS, React
 * and ReactDOM 18 UMD builds, and a small start script. A Content-Security-Policy of 'self' makes
 * sure nothing else loads, even if a future asset tried a CDN.
 */
import path from 'node:path';
import type { Express, RequestHandler } from 'express';
import { mountAssets, packageDir, StaticAsset } from './static-assets';

const ASSETS: Record<string, StaticAsset> = {
  'graphiql.min.js': { file: path.join(packageDir('graphiql'), 'graphiql.min.js'), type: 'application/javascript' },
  'graphiql.min.css': { file: path.join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'react.production.min.js': { file: path.join(packageDir('react'), 'umd', 'react.production.min.js'), type: 'application/javascript' },
  'react-dom.production.min.js': {
    file: path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
    type: 'application/javascript',
  },
};

export const ASSET_PREFIX = '/graphiql/';

// Anonymous on purpose: GraphiQL learns a new operation name from the editor after a debounce, so a
// query typed over a named default and run at once would be sent with the old, unknown name.
const DEFAULT_QUERY = `# Recent insights.
# Keys: when the server has API_KEYS, add {"Authorization": "Bearer <key>"} under Headers,
# then reload the schema (the circling arrows on the left, or Shift+Ctrl+R).
{
  insights(first: 5) {
    totalCount
    nodes {
      id
      topic
      score
      createdAt
    }
  }
}
`;

const START_SCRIPT = `(function () {
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
    defaultEditorToolsVisibility: true,
  }));
})();
`;

const PAGE_CSS = 'html, body { margin: 0; height: 100%; } #graphiql { height: 100vh; }\n';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GraphiQL - creator analytics API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${ASSET_PREFIX}graphiql.min.css">
  <link rel="stylesheet" href="${ASSET_PREFIX}page.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="${ASSET_PREFIX}react.production.min.js"></script>
  <script src="${ASSET_PREFIX}react-dom.production.min.js"></script>
  <script src="${ASSET_PREFIX}graphiql.min.js"></script>
  <script src="${ASSET_PREFIX}start.js"></script>
</body>
</html>
`;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // React and CodeMirror set style attributes
  "img-src 'self' data:",
  "font-src 'self' data:", // GraphiQL's fonts are inlined in its CSS
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const wantsHtml: RequestHandler = (req, res, next) => {
  // Browsers list text/html first; API clients (fetch, curl, GraphQL clients) prefer JSON.
  if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-cache');
  res.type('html').send(PAGE);
};

export function mountGraphiql(app: Express): void {
  app.get('/graphql', wantsHtml);
  app.get(`${ASSET_PREFIX}start.js`, (_req, res) => {
    res.type('application/javascript').setHeader('cache-control', 'no-cache');
    res.send(START_SCRIPT);
  });
  app.get(`${ASSET_PREFIX}page.css`, (_req, res) => {
    res.type('text/css').setHeader('cache-control', 'no-cache');
    res.send(PAGE_CSS);
  });
  mountAssets(app, ASSET_PREFIX, ASSETS, 'GraphiQL');
}
