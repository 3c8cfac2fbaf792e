/** A small SVG writer: one log-log panel per operation, time against size, a line per implementation. */

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
  /** Sizes that were skipped (drawn as a hollow marker at the top edge). */
  skipped: number[];
}

export interface Panel {
  title: string;
  xLabel: string;
  series: Series[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const decades = (lo: number, hi: number) => {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
};
const sizeTick = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));
const timeTick = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

export function chartSvg(panels: Panel[], caption: string): string {
  const W = 380;
  const H = 320;
  const m = { l: 62, r: 14, t: 36, b: 48 };
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const yTicks = decades(Math.max(0.1, Math.min(...all.map((p) => p.y))), Math.max(...all.map((p) => p.y)));
  const [yLo, yHi] = [Math.log10(yTicks[0]), Math.log10(yTicks[yTicks.length - 1])];
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const ox = i * W;
    const xs = panel.series.flatMap((s) => [...s.points.map((p) => p.x), ...s.skipped]);
    const xTicks = decades(Math.min(...xs), Math.max(...xs));
    const [xLo, xHi] = [Math.log10(xTicks[0]), Math.log10(xTicks[xTicks.length - 1])];
    const px = (x: number) => ox + m.l + ((Math.log10(x) - xLo) / (xHi - xLo || 1)) * (W - m.l - m.r);
    const py = (y: number) => m.t + (1 - (Math.log10(y) - yLo) / (yHi - yLo || 1)) * (H - m.t - m.b);
    parts.push(`<text x="${ox + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
    for (const t of yTicks) {
      parts.push(`<line x1="${ox + m.l}" x2="${ox + W - m.r}" y1="${py(t)}" y2="${py(t)}" stroke="#ddd"/>`);
      parts.push(`<text x="${ox + m.l - 4}" y="${py(t) + 4}" text-anchor="end" font-size="10">${timeTick(t)}</text>`);
    }
    for (const t of xTicks) {
      parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
      parts.push(`<text x="${px(t)}" y="${H - m.b + 14}" text-anchor="middle" font-size="10">${sizeTick(t)}</text>`);
    }
    parts.push(`<rect x="${ox + m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`);
    parts.push(`<text x="${ox + W / 2}" y="${H - 12}" text-anchor="middle" font-size="11">${esc(panel.xLabel)}</text>`);
    for (const s of panel.series) {
      const pts = [...s.points].sort((a, b) => a.x - b.x);
      if (pts.length > 1) {
        parts.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`,
        );
      }
      for (const p of pts) parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
      for (const x of s.skipped) {
        parts.push(
          `<circle cx="${px(x).toFixed(1)}" cy="${m.t + 6}" r="4" fill="white" stroke="${s.color}" stroke-width="2"><title>${esc(s.name)}: skipped</title></circle>`,
        );
      }
    }
  });
  const names = panels[0]?.series ?? [];
  names.forEach((s, i) => {
    const x = m.l + i * 150;
    parts.push(`<line x1="${x}" x2="${x + 24}" y1="${H + 8}" y2="${H + 8}" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${x + 30}" y="${H + 12}" font-size="12">${esc(s.name)}</text>`);
  });
  if (panels.some((p) => p.series.some((s) => s.skipped.length))) {
    parts.push(
      `<text x="${m.l + names.length * 150}" y="${H + 12}" font-size="11" fill="#555">○ at the top: skipped (over the time limit)</text>`,
    );
  }
  parts.push(`<text x="${m.l}" y="${H + 32}" font-size="11" fill="#555">${esc(caption)}</text>`);
  const width = W * panels.length;
  const height = H + 42;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
}
