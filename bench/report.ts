// The results page: one self-contained HTML file with inline SVG charts (no script, no network).
import type { BenchResults } from './main.js';

const esc = (s: string): string =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A log-log line chart: latency against data-center size spans orders of magnitude on both axes. */
function logChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (all.length === 0) return `<p>${esc(title)}: no data</p>`;
  const [w, h, left, bottom] = [560, 300, 70, 40];
  const lx = (v: number): number => Math.log10(v);
  const [x0, x1] = [
    Math.floor(lx(Math.min(...all.map((p) => p[0])))),
    Math.ceil(lx(Math.max(...all.map((p) => p[0])))),
  ];
  const [y0, y1] = [
    Math.floor(lx(Math.min(...all.map((p) => p[1])))),
    Math.ceil(lx(Math.max(...all.map((p) => p[1])))),
  ];
  const sx = (v: number): number => left + ((lx(v) - x0) / Math.max(1, x1 - x0)) * (w - left - 20);
  const sy = (v: number): number => h - bottom - ((lx(v) - y0) / Math.max(1, y1 - y0)) * (h - bottom - 20);
  const parts: string[] = [
    `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">`,
  ];
  for (let e = x0; e <= x1; e++)
    parts.push(
      `<line x1="${sx(10 ** e)}" y1="20" x2="${sx(10 ** e)}" y2="${h - bottom}" stroke="#ddd"/><text x="${sx(10 ** e)}" y="${h - bottom + 16}" font-size="11" text-anchor="middle">${(10 ** e).toLocaleString('en')}</text>`,
    );
  for (let e = y0; e <= y1; e++)
    parts.push(
      `<line x1="${left}" y1="${sy(10 ** e)}" x2="${w - 20}" y2="${sy(10 ** e)}" stroke="#ddd"/><text x="${left - 6}" y="${sy(10 ** e) + 4}" font-size="11" text-anchor="end">${10 ** e >= 1 ? (10 ** e).toLocaleString('en') : (10 ** e).toPrecision(1)}</text>`,
    );
  parts.push(`<text x="${(left + w) / 2}" y="${h - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${(h - bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(h - bottom) / 2})">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, y] of pts)
      parts.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(s.name)}: ${y} at ${x}</title></circle>`,
      );
    parts.push(
      `<rect x="${left + 10}" y="${24 + 16 * i}" width="10" height="10" fill="${s.color}"/><text x="${left + 26}" y="${33 + 16 * i}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `<figure><figcaption>${esc(title)}</figcaption>${parts.join('')}</figure>`;
}

/** Grouped bars: total cost per instance for Cascade, greedy and the optimum. */
function qualityChart(r: BenchResults): string {
  const rows = r.quality;
  if (rows.length === 0) return '';
  const [w, h, left, bottom] = [Math.max(560, 60 + rows.length * 36), 300, 60, 70];
  // Relative to the optimum (or Cascade when there is none): 1.0 is optimal, so a few percent are visible.
  const rel = rows.map((q) => {
    const base = q.optimum ?? q.cascade;
    return {
      q,
      cascade: base === 0 ? 1 : q.cascade / base,
      greedy: base === 0 ? (q.greedy === 0 ? 1 : 2) : q.greedy / base,
    };
  });
  const top = Math.max(1.05, ...rel.map((x) => x.greedy));
  const sy = (v: number): number => h - bottom - ((v - 0.9) / (top - 0.9)) * (h - bottom - 20);
  const parts: string[] = [
    `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="quality versus baselines">`,
  ];
  for (const v of [0.9, 1, top])
    parts.push(
      `<line x1="${left}" y1="${sy(v)}" x2="${w - 10}" y2="${sy(v)}" stroke="#ddd"/><text x="${left - 6}" y="${sy(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(3)}</text>`,
    );
  rel.forEach(({ q, cascade, greedy }, i) => {
    const x = left + 10 + i * 36;
    parts.push(
      `<rect x="${x}" y="${sy(cascade)}" width="12" height="${sy(0.9) - sy(cascade)}" fill="#2b7bb9"><title>Cascade ${q.cascade} (optimum ${q.optimum ?? 'n/a'})</title></rect>`,
    );
    parts.push(
      `<rect x="${x + 13}" y="${sy(greedy)}" width="12" height="${sy(0.9) - sy(greedy)}" fill="#e07b39"><title>greedy ${q.greedy}</title></rect>`,
    );
    parts.push(
      `<text x="${x + 12}" y="${h - bottom + 12}" font-size="9" text-anchor="end" transform="rotate(-60 ${x + 12} ${h - bottom + 12})">${esc(`${q.kind === 'cascade' ? 'casc' : 'fail'} ${q.blades}/${q.seed}`)}</text>`,
    );
  });
  parts.push(
    `<rect x="${left + 10}" y="6" width="10" height="10" fill="#2b7bb9"/><text x="${left + 26}" y="15" font-size="11">Cascade / optimum</text>`,
  );
  parts.push(
    `<rect x="${left + 170}" y="6" width="10" height="10" fill="#e07b39"/><text x="${left + 186}" y="15" font-size="11">greedy / optimum</text>`,
  );
  parts.push('</svg>');
  return `<figure><figcaption>Total cost after the plan, relative to the offline optimum (HiGHS); 1.000 is optimal, higher is worse</figcaption>${parts.join('')}</figure>`;
}

function htmlTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => esc(v === null || v === undefined ? '-' : String(v));
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function renderReport(r: BenchResults): string {
  const single = r.failover.filter((f) => f.failing === 1);
  const chassis = r.failover.filter((f) => f.failing > 1);
  const latency = logChart(
    'Failover decision latency against data-center size (ms, log-log)',
    'blades',
    'ms per decision',
    [
      { name: 'one blade, p99', color: '#2b7bb9', points: single.map((f) => [f.blades, f.p99Ms]) },
      { name: 'chassis of 14, p99', color: '#1a9850', points: chassis.map((f) => [f.blades, f.p99Ms]) },
      {
        name: 'plain planner (no index), one blade, p99',
        color: '#d73027',
        points: single.map((f) => [f.blades, f.plainP99Ms]),
      },
    ],
  );
  const rounds = logChart(
    'Cascade round against problem size (ms, log-log)',
    'candidates (= standby blades)',
    'ms per round',
    [
      {
        name: 'median round',
        color: '#2b7bb9',
        points: r.cascade.filter((c) => c.family === 'generated').map((c) => [c.candidates, c.medianMs]),
      },
    ],
  );
  const peers = r.peers.filter((p) => p.status === 'ok');
  const peerChart = logChart(
    'Single-blade failover: peers and Cascade on the same inputs (ms, log-log)',
    'blades',
    'ms per decision',
    [
      {
        name: 'cascade plan (whole process)',
        color: '#2b7bb9',
        points: [...new Map(peers.map((p) => [p.blades, p.cascadeProcessMs!])).entries()],
      },
      {
        name: 'Pacemaker crm_simulate',
        color: '#d73027',
        points: peers.filter((p) => p.peer === 'pacemaker').map((p) => [p.blades, p.peerMs!]),
      },
      {
        name: 'Pacemaker, pool-only CIB',
        color: '#fc8d59',
        points: peers.filter((p) => p.peer === 'pacemaker-pool').map((p) => [p.blades, p.peerMs!]),
      },
      {
        name: 'Ganeti hail',
        color: '#984ea3',
        points: peers.filter((p) => p.peer === 'ganeti').map((p) => [p.blades, p.peerMs!]),
      },
    ],
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cascade benchmarks</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f4f4f4}figure{margin:1em 0}figcaption{font-weight:600}</style></head>
<body><h1>Cascade benchmarks${r.quick ? ' (quick subset)' : ''}</h1>
<p>${esc(`${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.platform}; started ${r.startedAt}, ${r.seconds} s.`)} Every figure is a median over runs of this one invocation; ratios compare with baselines measured in the same run.</p>
<h2>Targets</h2>${htmlTable(
    ['target', 'measured', 'met'],
    r.targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
  )}
<h2>Failover latency</h2>${latency}${htmlTable(
    [
      'blades',
      'standby',
      'failing',
      'median ms',
      'p99 ms',
      'plain median ms',
      'plain p99 ms',
      'speedup',
      'same decisions',
    ],
    r.failover.map((f) => [
      f.blades,
      f.standby,
      f.failing,
      f.medianMs,
      f.p99Ms,
      f.plainMedianMs,
      f.plainP99Ms,
      f.speedupVsPlain,
      f.sameDecisions,
    ]),
  )}
<h2>Cascade rounds</h2>${rounds}${htmlTable(
    ['hardware', 'candidates', 'standby', 'runs', 'median ms', 'min', 'max', 'round MiB', 'moves', 'deferred'],
    r.cascade.map((c) => [
      c.family,
      c.candidates,
      c.standby,
      c.runs,
      c.medianMs,
      c.minMs,
      c.maxMs,
      c.roundMemoryMiB,
      c.moves,
      c.deferred,
    ]),
  )}
<h2>Decision quality</h2>${qualityChart(r)}${htmlTable(
    ['kind', 'blades', 'seed', 'rows', 'blades offered', 'cascade', 'greedy', 'optimum', 'gap', 'better than greedy'],
    r.quality.map((q) => [
      q.kind,
      q.blades,
      q.seed,
      q.rows,
      q.columns,
      q.cascade,
      q.greedy,
      q.optimum,
      q.gapToOptimum,
      q.betterThanGreedy,
    ]),
  )}
<h2>Simulator</h2>${htmlTable(
    ['blades', 'runs', 'events', 'transfers', 'wall s', 'events/s', 'peak RSS MiB'],
    r.simulation.map((s) => [
      s.blades,
      s.runs,
      s.events,
      s.transfers,
      (s.medianMs / 1000).toFixed(2),
      s.eventsPerSecond,
      s.peakRssMiB,
    ]),
  )}
<h2>Peers</h2>${peerChart}${htmlTable(
    [
      'peer',
      'blades',
      'runs',
      'status',
      'peer ms (process)',
      'cascade plan ms (process)',
      'peer / cascade (both processes)',
      'cascade decision ms (in-process)',
      'peer surplus',
      'cascade surplus',
      'worse/same/better/failed',
      'same blade as whole-cluster CIB',
    ],
    r.peers.map((p) => [
      p.peer,
      p.blades,
      p.runs,
      p.status,
      p.peerMs,
      p.cascadeProcessMs,
      p.processRatio,
      p.cascadeMs,
      p.peerSurplus,
      p.cascadeSurplus,
      p.status === 'ok' ? `${p.peerWorse}/${p.peerSame}/${p.peerBetter}/${p.peerFailed}` : '',
      p.sameAsCluster ?? '',
    ]),
  )}
</body></html>
`;
}
