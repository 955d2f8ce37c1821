/**
 * render.js — draws the world on the canvas with the Canvas 2D API. Reads the `World`
 * from state.js and never changes it; touches no DOM other than its own canvas (whose
 * backing store it keeps at CSS size x devicePixelRatio, so it is crisp on any screen).
 *
 * Every animation frame it draws the board (grid and border), stones, digits, fading
 * ghosts of snakes that just died, and the snakes, interpolated between the previous and
 * the current tick by the fraction of the tick period elapsed since the frame arrived.
 * Your own snake gets a white outline, a glow and its name in bold.
 */

import { BOARD, mixColor, snakeColor } from './palette.js';

const GHOST_MS = 700;
const FADE_IN_MS = 300;
const MY_PULSE_MS = 1800;

const DIR_VEC = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] };

function lerp(a, b, f) {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** The centre line of a snake at tick progress `f`, in cell units, head first. */
function snakePoints(snake, f) {
  const body = snake.body;
  if (!snake.moved || body.length < 2) return body.slice();
  const pts = [lerp(body[1], body[0], f)];
  for (let i = 1; i < body.length; i++) pts.push(body[i]);
  if (snake.lostTail) pts.push(lerp(snake.lostTail, body[body.length - 1], f));
  return pts;
}

export class Renderer {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {import('./state.js').World} world
   */
  constructor(canvas, world) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.world = world;
    this._watchSize();
  }

  /** Draw on every display refresh from now on. */
  start() {
    const loop = () => {
      this.draw(performance.now());
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  _watchSize() {
    const fit = (w, h) => {
      w = Math.max(1, Math.round(w));
      h = Math.max(1, Math.round(h));
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
    };
    const fromCss = () => {
      const dpr = window.devicePixelRatio || 1;
      const rect = this.canvas.getBoundingClientRect();
      fit(rect.width * dpr, rect.height * dpr);
    };
    if ('ResizeObserver' in window) new ResizeObserver(fromCss).observe(this.canvas);
    window.addEventListener('resize', fromCss);
    // A change of devicePixelRatio alone (moving to another screen) fires no resize.
    const watchDpr = () => {
      const mq = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      mq.addEventListener('change', () => {
        fromCss();
        watchDpr();
      }, { once: true });
    };
    watchDpr();
    fromCss();
  }

  /** Cell size and grid origin in canvas pixels. */
  _layout() {
    const { width: W, height: H } = this.world;
    const dpr = window.devicePixelRatio || 1;
    const border = Math.max(2, Math.round(2 * dpr));
    const cell = Math.max(1, Math.min((this.canvas.width - 2 * border) / W, (this.canvas.height - 2 * border) / H));
    const ox = (this.canvas.width - cell * W) / 2;
    const oy = (this.canvas.height - cell * H) / 2;
    return { W, H, cell, ox, oy, border, dpr };
  }

  /** @param {number} now performance.now() */
  draw(now) {
    const ctx = this.ctx;
    const world = this.world;
    const L = this._layout();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = BOARD.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this._grid(L);
    ctx.save();
    ctx.translate(L.ox, L.oy);
    for (const [x, y] of world.stones.values()) this._stone(L.cell, x, y);
    for (const [x, y, v] of world.digits.values()) this._digit(L.cell, x, y, v);
    for (const g of world.ghosts) {
      const age = now - g.at;
      if (age < GHOST_MS) this._body(L, g.body, g.color, 0.6 * (1 - age / GHOST_MS), false, 'up', true);
    }
    const f = world.progress(now);
    const mine = world.me;
    const labels = [];
    for (const snake of world.snakes.values()) {
      if (snake === mine) continue;
      const pts = snakePoints(snake, f);
      const alpha = Math.min(1, (now - snake.bornAt) / FADE_IN_MS);
      this._body(L, pts, snake.color, alpha, false, snake.dir, false);
      labels.push([snake, pts[0], false]);
    }
    if (mine) {
      const pts = snakePoints(mine, f);
      this._body(L, pts, mine.color, 1, true, mine.dir, false);
      const age = now - mine.bornAt;
      if (age < MY_PULSE_MS) this._pulse(L.cell, pts[0], age / MY_PULSE_MS);
      labels.push([mine, pts[0], true]);
    }
    for (const [snake, head, isMe] of labels) this._label(L, snake, head, isMe);
    ctx.restore();
  }

  _grid(L) {
    const ctx = this.ctx;
    const { W, H, cell, ox, oy, border } = L;
    ctx.beginPath();
    for (let x = 1; x < W; x++) {
      const px = Math.round(ox + x * cell) + 0.5;
      ctx.moveTo(px, oy);
      ctx.lineTo(px, oy + H * cell);
    }
    for (let y = 1; y < H; y++) {
      const py = Math.round(oy + y * cell) + 0.5;
      ctx.moveTo(ox, py);
      ctx.lineTo(ox + W * cell, py);
    }
    ctx.strokeStyle = BOARD.grid;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.strokeStyle = BOARD.border;
    ctx.lineWidth = border;
    ctx.strokeRect(ox - border / 2, oy - border / 2, W * cell + border, H * cell + border);
  }

  _stone(cell, x, y) {
    const ctx = this.ctx;
    const px = x * cell;
    const py = y * cell;
    const inset = cell * 0.06;
    const s = cell - 2 * inset;
    ctx.fillStyle = BOARD.stoneDark;
    ctx.fillRect(px + inset, py + inset, s, s);
    ctx.fillStyle = BOARD.stone;
    ctx.fillRect(px + inset, py + inset, s * 0.88, s * 0.88);
    ctx.fillStyle = BOARD.stoneLight;
    ctx.fillRect(px + inset, py + inset, s * 0.88, Math.max(1, s * 0.14));
  }

  _digit(cell, x, y, v) {
    const ctx = this.ctx;
    const inset = cell * 0.08;
    const s = cell - 2 * inset;
    ctx.fillStyle = `rgba(255, 206, 84, ${0.1 + 0.025 * Math.min(9, v)})`;
    ctx.strokeStyle = 'rgba(255, 206, 84, 0.6)';
    ctx.lineWidth = Math.max(1, cell * 0.06);
    ctx.beginPath();
    if (ctx.roundRect) ctx.roundRect(x * cell + inset, y * cell + inset, s, s, cell * 0.22);
    else ctx.rect(x * cell + inset, y * cell + inset, s, s);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = BOARD.digitText;
    ctx.font = `bold ${Math.round(cell * 0.72)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(v), (x + 0.5) * cell, (y + 0.54) * cell);
  }

  /** A snake's body along `pts` (cell units), with its head at pts[0]. */
  _body(L, pts, colorIndex, alpha, isMe, dir, ghost) {
    if (!pts.length || alpha <= 0) return;
    const ctx = this.ctx;
    const cell = L.cell;
    const color = snakeColor(colorIndex);
    const px = pts.map(([x, y]) => [(x + 0.5) * cell, (y + 0.5) * cell]);
    const path = () => {
      ctx.beginPath();
      ctx.moveTo(px[0][0], px[0][1]);
      for (let i = 1; i < px.length; i++) ctx.lineTo(px[i][0], px[i][1]);
      if (px.length === 1) ctx.lineTo(px[0][0] + 0.01, px[0][1]);
    };
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    const width = cell * 0.74;
    if (isMe) {
      path();
      ctx.shadowColor = color;
      ctx.shadowBlur = cell * 0.9;
      ctx.strokeStyle = BOARD.me;
      ctx.lineWidth = width + Math.max(2 * L.dpr, cell * 0.22);
      ctx.stroke();
      ctx.shadowBlur = 0;
    }
    path();
    ctx.strokeStyle = ghost ? '#ffffff' : color;
    ctx.lineWidth = width;
    ctx.stroke();
    if (!ghost) {
      path();
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.18)';
      ctx.lineWidth = width * 0.3;
      ctx.stroke();
      this._head(cell, px[0], color, dir);
    }
    ctx.restore();
  }

  _head(cell, [hx, hy], color, dir) {
    const ctx = this.ctx;
    const [dx, dy] = DIR_VEC[dir] || DIR_VEC.right;
    ctx.fillStyle = mixColor(color, '#ffffff', 0.35);
    ctx.beginPath();
    ctx.arc(hx, hy, cell * 0.46, 0, Math.PI * 2);
    ctx.fill();
    // Two eyes, side by side across the heading, a little forward; pupils look ahead.
    const fwd = cell * 0.14;
    const side = cell * 0.2;
    for (const s of [-1, 1]) {
      const ex = hx + dx * fwd - dy * side * s;
      const ey = hy + dy * fwd + dx * side * s;
      ctx.fillStyle = '#ffffff';
      ctx.beginPath();
      ctx.arc(ex, ey, cell * 0.13, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#0b0f17';
      ctx.beginPath();
      ctx.arc(ex + dx * cell * 0.05, ey + dy * cell * 0.05, cell * 0.07, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  _pulse(cell, head, t) {
    const ctx = this.ctx;
    ctx.save();
    ctx.globalAlpha = 1 - t;
    ctx.strokeStyle = BOARD.me;
    ctx.lineWidth = Math.max(2, cell * 0.12);
    ctx.beginPath();
    ctx.arc((head[0] + 0.5) * cell, (head[1] + 0.5) * cell, cell * (0.8 + 2.2 * t), 0, Math.PI * 2);
    ctx.stroke();
    ctx.restore();
  }

  _label(L, snake, head, isMe) {
    const ctx = this.ctx;
    const { cell, dpr, H } = L;
    const size = Math.round(Math.min(16 * dpr, Math.max(11 * dpr, cell * (isMe ? 0.8 : 0.65))));
    ctx.font = `${isMe ? 'bold ' : ''}${size}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const half = ctx.measureText(snake.name).width / 2;
    const x = Math.max(half, Math.min(L.W * cell - half, (head[0] + 0.5) * cell));
    let y = head[1] * cell - cell * 0.2;
    if (head[1] < 1.5) {
      ctx.textBaseline = 'top';
      y = (head[1] + 1) * cell + cell * 0.2;
    }
    y = Math.min(y, H * cell);
    ctx.lineWidth = Math.max(2, 3 * dpr);
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.75)';
    ctx.strokeText(snake.name, x, y);
    ctx.fillStyle = isMe ? BOARD.me : snakeColor(snake.color);
    ctx.globalAlpha = isMe ? 1 : 0.85;
    ctx.fillText(snake.name, x, y);
    ctx.globalAlpha = 1;
  }
}
