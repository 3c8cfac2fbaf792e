/*
 * The dashboard's script (README "Dashboard", docs/api.md "Dashboard"): plain browser JavaScript, no
 * build step. It uses the public API alone: queries over POST /graphql and subscriptions over
 * graphql-ws on the same path. `echarts` and `graphqlWs` are the globals of the UMD files the page
 * loads before this one. Every error is shown in the card it belongs to.
 */
(() => {
  'use strict';

  const KEY_STORE = 'creator-analytics.apiKey';
  const RUNS_SHOWN = 12;
  const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const TIERS = ['NEWCOMER', 'ENGAGED', 'ADVOCATE', 'CHAMPION'];
  const TIER_COLORS = ['#9fb3d1', '#5b8def', '#f0a43a', '#d6455d'];
  const RUN_FIELDS = 'id agentName status startedAt finishedAt executionTime error';

  const byId = (id) => document.getElementById(id);
  const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
  const percent = (rate) => (rate === null || rate === undefined ? 'n/a' : `${(rate * 100).toFixed(2)} %`);
  const timeZone = () => byId('time-zone').value;
  /** Dates shown in `zone`; in the browser's own zone when the browser does not know that one (the server may know more). */
  const dateFormat = (zone, options) => {
    try {
      return new Intl.DateTimeFormat('en', { ...options, timeZone: zone });
    } catch {
      return new Intl.DateTimeFormat('en', options);
    }
  };

  // ---- the API key ---------------------------------------------------------------------------

  let apiKey = sessionStorage.getItem(KEY_STORE) || '';

  function askForKey(reason) {
    byId('key-reason').textContent = reason;
    byId('key-form').hidden = false;
    byId('key-input').focus();
  }

  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    apiKey = byId('key-input').value.trim();
    sessionStorage.setItem(KEY_STORE, apiKey);
    byId('key-input').value = '';
    byId('key-form').hidden = true;
    start();
  });
  byId('change-key').addEventListener('click', () => askForKey('Enter another API key.'));

  // ---- queries ----------------------------------------------------------------------------------

  /** A request refused for its key (HTTP 401 or 403): the page asks for one. */
  class AuthError extends Error {}

  const describe = (errors) =>
    errors.map((e) => (e.extensions && e.extensions.code ? `${e.extensions.code}: ` : '') + e.message).join('\n');

  /** POST /graphql; the data, or an Error with the errors' codes and messages (AuthError for 401/403). */
  async function gql(query, variables) {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    let res;
    try {
      res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    } catch (err) {
      throw new Error(`cannot reach the server: ${err.message}`, { cause: err });
    }
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`, { cause: err });
    }
    if (body.errors && body.errors.length) {
      if (res.status === 401 || res.status === 403) throw new AuthError(describe(body.errors));
      throw new Error(describe(body.errors));
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return body.data;
  }

  // ---- panels -----------------------------------------------------------------------------------

  /**
   * A card: its chart (when it has one), its error line, and load(), which runs `fetchData` and
   * then `render` with its answer, unless a newer load started meanwhile.
   */
  function panel(id, fetchData, render) {
    const root = byId(id);
    const chartEl = root.querySelector('.chart');
    const errorEl = root.querySelector('.error');
    let seq = 0;
    const p = {
      chart: chartEl ? echarts.init(chartEl) : null,
      showError(err) {
        errorEl.textContent = err ? err.message || String(err) : '';
        errorEl.hidden = !err;
      },
      async load() {
        const mine = ++seq;
        try {
          const data = await fetchData();
          if (mine !== seq) return;
          p.showError(null);
          render(p, data);
        } catch (err) {
          if (mine !== seq) return;
          p.showError(err);
          if (err instanceof AuthError) askForKey(err.message);
        }
      },
    };
    return p;
  }

  function renderTiers(p, tierCounts) {
    const users = new Map(tierCounts.map((t) => [t.tier, t.users]));
    p.chart.setOption({
      tooltip: { trigger: 'item', formatter: '{b}: {c} users ({d} %)' },
      legend: { orient: 'vertical', right: 0, top: 'middle', formatter: (tier) => `${tier}  ${users.get(tier) || 0}` },
      series: [
        {
          name: 'tiers',
          type: 'pie',
          radius: ['45%', '75%'],
          center: ['35%', '50%'],
          label: { show: false },
          data: TIERS.map((tier, i) => ({ name: tier, value: users.get(tier) || 0, itemStyle: { color: TIER_COLORS[i] } })),
        },
      ],
    });
  }

  const tiers = panel(
    'panel-tiers',
    () => gql('query DashboardTiers { tierDistribution { tier users } }'),
    (p, data) => renderTiers(p, data.tierDistribution),
  );

  const SERIES_QUERY = `query DashboardSeries($bucket: TimeBucket!, $from: DateTime!, $to: DateTime!, $timeZone: String) {
    engagementTimeSeries(bucket: $bucket, from: $from, to: $to, timeZone: $timeZone) { bucketStart contentCount impressions avgEngagementRate }
  }`;

  const series = panel(
    'panel-series',
    async () => {
      const [days, bucket] = byId('series-range').value.split(':');
      // Up to the start of the next hour, so that every page opened within the hour asks the same (cached) question.
      const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
      const from = new Date(to.getTime() - Number(days) * 86_400_000);
      const zone = timeZone();
      const data = await gql(SERIES_QUERY, { bucket, from: from.toISOString(), to: to.toISOString(), timeZone: zone });
      return { points: data.engagementTimeSeries, bucket, zone };
    },
    (p, { points, bucket, zone }) => {
      const fmt = dateFormat(zone, { month: 'short', day: 'numeric', ...(bucket === 'HOUR' ? { hour: '2-digit' } : {}) });
      p.chart.setOption(
        {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 56, right: 56, top: 32, bottom: 28 },
          xAxis: { type: 'category', data: points.map((pt) => fmt.format(new Date(pt.bucketStart))) },
          yAxis: [
            { type: 'value', name: 'impressions', axisLabel: { formatter: (v) => compact.format(v) } },
            { type: 'value', name: 'engagement', axisLabel: { formatter: (v) => `${(v * 100).toFixed(1)} %` }, splitLine: { show: false } },
          ],
          series: [
            { name: 'impressions', type: 'bar', data: points.map((pt) => pt.impressions) },
            {
              name: 'mean engagement rate',
              type: 'line',
              yAxisIndex: 1,
              connectNulls: true,
              showSymbol: false,
              data: points.map((pt) => pt.avgEngagementRate),
              tooltip: { valueFormatter: percent },
            },
          ],
        },
        true,
      );
    },
  );

  const BREAKDOWN_QUERY = `query DashboardBreakdown($groupBy: [ContentDimension!]!) {
    contentBreakdown(groupBy: $groupBy, first: 20) { format platform contentCount impressions avgEngagementRate }
  }`;

  const breakdown = panel(
    'panel-breakdown',
    async () => {
      const by = byId('breakdown-by').value;
      const data = await gql(BREAKDOWN_QUERY, { groupBy: [by] });
      return { rows: data.contentBreakdown, key: by === 'FORMAT' ? 'format' : 'platform' };
    },
    (p, { rows, key }) => {
      p.chart.setOption(
        {
          tooltip: { trigger: 'axis' },
          legend: { top: 0, left: 0 },
          grid: { left: 96, right: 40, top: 56, bottom: 28 },
          yAxis: { type: 'category', inverse: true, data: rows.map((r) => r[key] || '(none)') },
          xAxis: [
            { type: 'value', name: 'items', position: 'bottom' },
            {
              type: 'value',
              position: 'top',
              axisLabel: { formatter: (v) => `${(v * 100).toFixed(0)} %` },
              splitLine: { show: false },
            },
          ],
          series: [
            { name: 'items published', type: 'bar', data: rows.map((r) => r.contentCount) },
            {
              name: 'mean engagement rate',
              type: 'scatter',
              xAxisIndex: 1,
              symbolSize: 10,
              data: rows.map((r) => r.avgEngagementRate),
              tooltip: { valueFormatter: percent },
            },
          ],
        },
        true,
      );
    },
  );

  const POSTING_TIMES_QUERY = `query DashboardPostingTimes($timeZone: String) {
    bestPostingTimes(timeZone: $timeZone, windowDays: 90, minPosts: 1, first: 100) { dayOfWeek hourOfDay posts avgEngagementRate }
  }`;

  const heatmap = panel(
    'panel-heatmap',
    async () => (await gql(POSTING_TIMES_QUERY, { timeZone: timeZone() })).bestPostingTimes,
    (p, slots) => {
      const rates = slots.map((s) => s.avgEngagementRate);
      p.chart.setOption(
        {
          tooltip: {
            formatter: (item) => {
              const [hour, day, rate] = item.data.value;
              return `${WEEKDAYS[day]} ${HOURS[hour]}:00<br>${percent(rate)} over ${item.data.posts} posts`;
            },
          },
          grid: { left: 44, right: 16, top: 8, bottom: 64 },
          xAxis: { type: 'category', data: HOURS, splitArea: { show: true } },
          yAxis: { type: 'category', data: WEEKDAYS, inverse: true, splitArea: { show: true } },
          visualMap: {
            min: rates.length ? Math.min(...rates) : 0,
            max: rates.length ? Math.max(...rates) : 1,
            text: rates.length ? [percent(Math.max(...rates)), percent(Math.min(...rates))] : ['', ''],
            calculable: false,
            orient: 'horizontal',
            left: 'center',
            bottom: 0,
            itemHeight: 160,
            formatter: (v) => `${(v * 100).toFixed(1)} %`,
          },
          series: [
            {
              name: 'mean engagement rate',
              type: 'heatmap',
              data: slots.map((s) => ({ value: [s.hourOfDay, s.dayOfWeek - 1, s.avgEngagementRate], posts: s.posts })),
            },
          ],
        },
        true,
      );
    },
  );

  // ---- agent runs -------------------------------------------------------------------------------

  const runs = new Map();
  const finished = (status) => status === 'SUCCESS' || status === 'FAILURE';

  /** Keeps the newest state of a run: a finished run never goes back to RUNNING (a query may answer after an update). */
  function upsertRun(run) {
    const known = runs.get(run.id);
    if (known && finished(known.status) && !finished(run.status)) return false;
    runs.set(run.id, run);
    return true;
  }

  function cell(tr, text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function renderRuns(freshId) {
    const fmt = dateFormat(timeZone(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const list = [...runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || Number(b.id) - Number(a.id));
    for (const old of list.splice(RUNS_SHOWN)) runs.delete(old.id);
    const body = byId('panel-runs').querySelector('tbody');
    body.replaceChildren();
    for (const r of list) {
      const tr = document.createElement('tr');
      tr.dataset.runId = r.id;
      tr.dataset.status = r.status;
      if (r.id === freshId) tr.className = 'fresh';
      cell(tr, r.id, 'num');
      cell(tr, r.agentName);
      const status = document.createElement('span');
      status.className = `status status-${r.status}`;
      status.textContent = r.status;
      cell(tr, '').appendChild(status);
      cell(tr, fmt.format(new Date(r.startedAt)));
      cell(tr, r.executionTime === null ? '' : `${Math.round(r.executionTime)} ms`, 'num');
      cell(tr, r.error || '', 'err').title = r.error || '';
      body.appendChild(tr);
    }
    if (list.length === 0) {
      const tr = document.createElement('tr');
      cell(tr, 'No agent runs yet.').colSpan = 6;
      body.appendChild(tr);
    }
  }

  const runsPanel = panel(
    'panel-runs',
    () => gql(`query DashboardRuns($first: Int) { agentRuns(first: $first) { nodes { ${RUN_FIELDS} } } }`, { first: RUNS_SHOWN }),
    (_p, data) => {
      data.agentRuns.nodes.forEach(upsertRun);
      renderRuns(null);
    },
  );

  // ---- live updates -----------------------------------------------------------------------------

  let live = null;

  function setLive(state, text) {
    const el = byId('live');
    el.dataset.state = state;
    el.textContent = text;
  }

  /** The text of what graphql-ws hands to an error callback: GraphQL errors, a CloseEvent, a WebSocket error Event, or an Error. */
  function wsError(err) {
    if (Array.isArray(err)) return describe(err);
    if (err && typeof err.code === 'number') return `connection closed (${err.code}${err.reason ? `: ${err.reason}` : ''})`;
    if (err && err.type === 'error' && !err.message) return `cannot open the WebSocket of ${err.target && err.target.url}`;
    return (err && err.message) || String(err);
  }

  function subscribe(query, onData, target) {
    live.subscribe(
      { query },
      {
        next: (result) => {
          if (result.errors && result.errors.length) target.showError(new Error(describe(result.errors)));
          else onData(result.data);
        },
        error: (err) => {
          target.showError(new Error(`live updates stopped: ${wsError(err)}`));
          setLive('error', 'live updates: stopped');
        },
        complete: () => {},
      },
    );
  }

  function startLive() {
    if (live) live.dispose();
    let connectedBefore = false;
    setLive('off', 'live updates: connecting');
    live = graphqlWs.createClient({
      url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
      connectionParams: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      retryAttempts: 30,
      on: {
        connected: () => {
          setLive('on', 'live updates: on');
          // After a reconnect, what happened while the socket was down is read again.
          if (connectedBefore) {
            tiers.load();
            runsPanel.load();
          }
          connectedBefore = true;
        },
        closed: (event) => {
          if (event && event.code !== 1000) setLive('error', `live updates: ${wsError(event)}`);
        },
      },
    });
    subscribe(
      `subscription DashboardRunUpdates { agentRunUpdated { ${RUN_FIELDS} } }`,
      (data) => {
        const run = data.agentRunUpdated;
        if (upsertRun(run)) renderRuns(run.id);
      },
      runsPanel,
    );
    subscribe(
      'subscription DashboardTierUpdates { tierDistributionChanged { tier users } }',
      (data) => {
        tiers.showError(null);
        renderTiers(tiers, data.tierDistributionChanged);
      },
      tiers,
    );
  }

  // ---- start ------------------------------------------------------------------------------------

  function fillTimeZones() {
    const select = byId('time-zone');
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
    if (!zones.includes(own)) zones.push(own);
    for (const zone of zones) {
      const option = document.createElement('option');
      option.value = zone;
      option.textContent = zone;
      select.appendChild(option);
    }
    select.value = own;
  }

  /** The first answer says whether this server wants a key; the other reads follow, and live updates once reads work. */
  async function start() {
    byId('change-key').hidden = !apiKey;
    await runsPanel.load();
    if (!byId('key-form').hidden) return;
    for (const p of [tiers, series, breakdown, heatmap]) p.load();
    startLive();
  }

  fillTimeZones();
  byId('time-zone').addEventListener('change', () => {
    series.load();
    heatmap.load();
    renderRuns(null);
  });
  byId('series-range').addEventListener('change', () => series.load());
  byId('breakdown-by').addEventListener('change', () => breakdown.load());
  window.addEventListener('resize', () => {
    for (const p of [tiers, series, breakdown, heatmap]) p.chart.resize();
  });
  start();
})();
