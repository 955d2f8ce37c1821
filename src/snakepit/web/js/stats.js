/**
 * stats.js — the operator's page (/stats): the server's figures now, and line charts of
 * the last minutes (up to ten), from /api/stats/history (one sample a second), fetched every 2 s.
 *
 * Each chart is a Canvas 2D drawing at CSS size x devicePixelRatio, redrawn when its size
 * changes. After drawing, a canvas carries `data-points` (samples drawn) for tests and
 * scripts. Every piece of text is set with textContent, never parsed as HTML.
 */

const REFRESH_MS = 2000;
/** Seconds a chart may span, and the step of its time labels: it shows the shortest span
 * that holds every sample (the server keeps ten minutes). */
const SPANS = [[60, 15], [120, 30], [300, 60], [600, 120]];
/** Horizontal bands of a chart's grid. */
const BANDS = 4;
/** A gap longer than this between two samples breaks the line (a stall or a restart). */
const GAP_S = 3.5;

const GREEN = '#3ddc84';
const BLUE = '#58a6ff';
const AMBER = '#ffc44d';
const RED = '#ff6b6b';
const VIOLET = '#c297ff';

const count = (v) => formatNumber(v, 0);
const ms = (v) => `${formatNumber(v, v < 10 ? 2 : 1)} ms`;
const perSecond = (v) => `${formatNumber(v, 0)}/s`;
/** A round axis value (such as 0.25, 5 or 20) with no more decimals than it has. */
const decimals = (v) => (Number.isInteger(v) ? 0 : Number.isInteger(v * 10) ? 1 : 2);
const roundMs = (v) => `${formatNumber(v, decimals(v))} ms`;

/** The charts: which sample fields each one draws, in which colour, how values read (and
 * `axis`: how the grid's round values read, if not the same), and whether they are whole
 * numbers (so the axis steps by whole numbers too). */
const CHARTS = {
  'chart-connections': {
    format: count,
    integer: true,
    series: [{ key: 'connections', label: 'connections', color: GREEN }],
  },
  'chart-people': {
    format: count,
    integer: true,
    series: [
      { key: 'players', label: 'players', color: GREEN },
      { key: 'spectators', label: 'spectators', color: BLUE },
      { key: 'bots', label: 'bots', color: VIOLET },
    ],
  },
  'chart-work': {
    format: ms,
    axis: roundMs,
    series: [
      { key: 'work_p50_ms', label: 'p50', color: BLUE },
      { key: 'work_p99_ms', label: 'p99', color: AMBER },
    ],
  },
  'chart-overruns': {
    format: count,
    integer: true,
    series: [{ key: 'overruns', label: 'overrun ticks per second', color: RED }],
  },
  'chart-bytes': {
    format: (v) => `${formatBytes(v)}/s`,
    integer: true,
    series: [{ key: 'bytes_per_s', label: 'tick frames to clients', color: GREEN }],
  },
  'chart-drops': {
    format: perSecond,
    integer: true,
    series: [
      { key: 'drops', label: 'clients dropped', color: RED },
      { key: 'rejects', label: 'messages rejected', color: AMBER },
    ],
  },
};

const numberFormats = new Map();

/** `value` with `digits` decimals and thousands separators. */
export function formatNumber(value, digits = 0) {
  if (!numberFormats.has(digits)) {
    numberFormats.set(digits, new Intl.NumberFormat('en', {
      minimumFractionDigits: digits, maximumFractionDigits: digits,
    }));
  }
  return numberFormats.get(digits).format(value);
}

/** A byte count in B, kB, MB or GB (powers of 1000). */
export function formatBytes(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${formatNumber(value, unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A duration in seconds as "3 d 4 h", "2 h 05 min", "4 min 12 s" or "9 s". */
export function formatDuration(seconds) {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${pad(m)} min`;
  if (m > 0) return `${m} min ${pad(s % 60)} s`;
  return `${s} s`;
}

/** The smallest "round" number (1, 2 or 5 times a power of ten) at or above `value`
 * (`fallback` for nothing above zero). */
export function niceCeil(value, fallback = 1) {
  if (!(value > 0)) return fallback;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

/** One line chart on a canvas, with its legend. */
class LineChart {
  constructor(figure, { series, format, axis = format, integer = false }) {
    this.canvas = figure.querySelector('canvas');
    this.legend = figure.querySelector('.legend');
    this.title = figure.querySelector('h2').textContent;
    this.series = series;
    this.format = format;
    this.axis = axis;
    this.integer = integer;
    this.samples = [];
    this.nowCells = series.map((s) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.setProperty('--swatch', s.color);
      const now = document.createElement('span');
      now.className = 'now';
      item.append(swatch, document.createTextNode(s.label), now);
      this.legend.append(item);
      return now;
    });
    if ('ResizeObserver' in window) new ResizeObserver(() => this.draw()).observe(this.canvas);
  }

  update(samples) {
    this.samples = samples;
    const last = samples[samples.length - 1];
    this.series.forEach((s, i) => {
      this.nowCells[i].textContent = last ? this.format(last[s.key]) : '';
    });
    this.draw();
  }

  draw() {
    const canvas = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return;
    const width = Math.round(rect.width * dpr);
    const height = Math.round(rect.height * dpr);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, rect.width, rect.height);

    const samples = this.samples;
    const values = samples.flatMap((p) => this.series.map((s) => p[s.key]));
    // Four bands of a round step that together hold the largest value.
    const band = niceCeil(Math.max(0, ...values) / BANDS, 0.25);
    const top = BANDS * (this.integer ? Math.max(1, band) : band);
    const plot = { left: 58, right: rect.width - 8, top: 8, bottom: rect.height - 20 };
    const tEnd = samples.length ? samples[samples.length - 1].t : Date.now() / 1000;
    const extent = samples.length ? tEnd - samples[0].t : 0;
    const [span, every] = SPANS.find(([s]) => s >= extent) || SPANS[SPANS.length - 1];
    const x = (t) => plot.right - ((tEnd - t) / span) * (plot.right - plot.left);
    const y = (v) => plot.bottom - (v / top) * (plot.bottom - plot.top);

    // The grid: four bands, labelled on the left; minutes ago along the bottom.
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let i = 0; i <= BANDS; i += 1) {
      const v = (top * i) / BANDS;
      const py = Math.round(y(v)) + 0.5;
      ctx.strokeStyle = i === 0 ? 'rgba(139, 152, 169, 0.55)' : 'rgba(139, 152, 169, 0.16)';
      ctx.beginPath();
      ctx.moveTo(plot.left, py);
      ctx.lineTo(plot.right, py);
      ctx.stroke();
      ctx.fillStyle = '#8b98a9';
      ctx.fillText(this.axis(v), plot.left - 6, py);
    }
    ctx.textBaseline = 'alphabetic';
    for (let ago = 0; ago <= span; ago += every) {
      ctx.textAlign = ago === 0 ? 'right' : ago === span ? 'left' : 'center';
      const label = ago === 0 ? 'now' : ago < 60 ? `−${ago} s` : `−${ago / 60} min`;
      ctx.fillText(label, x(tEnd - ago), rect.height - 4);
    }

    // The lines, broken where samples are missing.
    ctx.lineJoin = 'round';
    ctx.lineWidth = 1.75;
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      let previous = null;
      for (const p of samples) {
        const px = x(p.t);
        const py = y(p[s.key]);
        if (previous === null || p.t - previous > GAP_S) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
        previous = p.t;
      }
      ctx.stroke();
      const last = samples[samples.length - 1];
      if (last) { // a dot on the value of now
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.arc(x(last.t), y(last[s.key]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    canvas.dataset.points = String(samples.length);
    const last = samples[samples.length - 1];
    canvas.setAttribute('aria-label', last
      ? `${this.title} over the last minutes; now ${this.series
        .map((s) => `${s.label} ${this.format(last[s.key])}`).join(', ')}`
      : `${this.title}: no samples yet`);
  }
}

/** The figures of now, from the last sample and the sums of recent ones. */
function showFigures(data) {
  const samples = data.samples;
  const last = samples[samples.length - 1];
  document.getElementById('waiting').hidden = Boolean(last);
  document.getElementById('uptime').textContent = `up ${formatDuration(data.uptime_s)}`;
  if (!last) return;
  const sum = (key, n) => samples.slice(-n).reduce((total, p) => total + p[key], 0);
  const overruns = sum('overruns', 60);
  const figures = {
    connections: count(last.connections),
    players: count(last.players),
    spectators: count(last.spectators),
    bots: count(last.bots),
    arenas: count(last.arenas),
    ticks: formatNumber(last.ticks, 0),
    work: ms(last.work_p99_ms),
    overruns: count(overruns),
    bytes: `${formatBytes(last.bytes_per_s)}/s`,
    drops: count(sum('drops', samples.length)),
    rejects: count(sum('rejects', samples.length)),
    lag: ms(last.loop_lag_ms),
  };
  for (const [name, text] of Object.entries(figures)) {
    document.getElementById(`fig-${name}`).textContent = text;
  }
  const level = (node, warn, bad) => {
    if (bad) node.dataset.level = 'bad';
    else if (warn) node.dataset.level = 'warn';
    else delete node.dataset.level;
  };
  level(document.getElementById('fig-overruns'), overruns > 0, overruns > 60);
  level(document.getElementById('fig-lag'), last.loop_lag_ms > 20, last.loop_lag_ms > 100);
}

/** Totals by reason since the server started, largest first. */
function showReasons(listId, counts) {
  const list = document.getElementById(listId);
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  list.replaceChildren(...rows.map(([reason, n]) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = reason;
    const value = document.createElement('span');
    value.className = 'count';
    value.textContent = count(n);
    item.append(name, value);
    return item;
  }));
  document.getElementById(`${listId}-empty`).hidden = rows.length > 0;
}

function setStatus(state, text) {
  const status = document.getElementById('status');
  status.dataset.state = state;
  status.textContent = text;
}

const charts = Object.entries(CHARTS).map(
  ([id, spec]) => new LineChart(document.getElementById(id), spec),
);

async function refresh() {
  try {
    const response = await fetch('/api/stats/history', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    showFigures(data);
    showReasons('dropped', data.totals.dropped);
    showReasons('rejected', data.totals.rejected);
    for (const chart of charts) chart.update(data.samples);
    const time = new Date().toLocaleTimeString('en-GB');
    setStatus('connected', `Live · updated ${time}`);
    document.body.dataset.updated = String(Date.now());
  } catch (error) {
    setStatus('error', `Server not answering (${error.message}); retrying`);
  }
}

async function loop() {
  if (!document.hidden) await refresh();
  setTimeout(loop, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});
window.addEventListener('resize', () => charts.forEach((chart) => chart.draw()));
loop();
