/**
 * state.js — the client's model of the world. Never touches the DOM.
 *
 * `World` applies the server's `welcome`, `snapshot` and `frame` messages and holds the
 * result: the grid's size, the live snakes (head first bodies, colour, direction, score),
 * digits, stones, and which snake is mine. For smooth drawing it remembers, per snake,
 * where the head came from and which tail cell left during the last tick, and when that
 * tick arrived (`frameAt`, a performance.now() time passed in by the caller); recently
 * dead snakes are kept briefly as `ghosts` so the renderer can fade them out.
 *
 * One connection can move between arenas (worlds): each move brings a `welcome` and a
 * fresh `snapshot`, which replaces everything (no ghosts or half-moves of the old arena
 * survive it, and I have no snake until the server says `spawned` again).
 */

const DIR_NAMES = new Set(['up', 'down', 'left', 'right']);
const GHOST_MS = 700;

/** The key of cell (x, y) in the digit and stone maps. */
export function cellKey(x, y) {
  return y * 4096 + x;
}

/** The direction of a step from cell `a` to cell `b`, or null when not one step apart. */
export function stepDir(a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  if (dx === 1 && dy === 0) return 'right';
  if (dx === -1 && dy === 0) return 'left';
  if (dx === 0 && dy === 1) return 'down';
  if (dx === 0 && dy === -1) return 'up';
  return null;
}

/**
 * @typedef {object} Snake
 * @property {number} id
 * @property {string} name
 * @property {number} color
 * @property {string} dir
 * @property {number[][]} body head first
 * @property {number} score
 * @property {boolean} bot one of the server's bots
 * @property {boolean} moved whether it moved in the last applied tick
 * @property {number[] | null} lostTail the tail cell it left in the last tick, if any
 * @property {number} bornAt performance.now() when this client first saw it
 */

function toSnake(info, now) {
  return {
    id: info.id,
    name: String(info.name ?? ''),
    color: Number(info.color) || 0,
    dir: DIR_NAMES.has(info.dir) ? info.dir : 'right',
    body: (info.body || []).map((c) => [c[0], c[1]]),
    score: Number(info.score) || 0,
    bot: info.bot === true,
    moved: false,
    lostTail: null,
    bornAt: now,
  };
}

export class World {
  constructor() {
    this.width = 60;
    this.height = 40;
    this.tickRate = 10;
    this.maxPlayers = 0;
    /** The arena this world is (from the last welcome), or null. */
    this.arena = null;
    this.reset();
  }

  /** Forget everything about the world (e.g. before a new connection). */
  reset() {
    /** Last applied tick, or null before the first snapshot. */
    this.tick = null;
    /** @type {Map<number, Snake>} */
    this.snakes = new Map();
    /** @type {Map<number, number[]>} key -> [x, y, value] */
    this.digits = new Map();
    /** @type {Map<number, number[]>} key -> [x, y] */
    this.stones = new Map();
    /** @type {{body: number[][], color: number, at: number}[]} */
    this.ghosts = [];
    this.myId = null;
    /** Spectators of this arena (clients in it that are not playing), or null if unknown. */
    this.watchers = null;
    this.frameAt = 0;
    this.version = 0; // bumped on every change, for cheap "did anything change" checks
  }

  /** Milliseconds per tick. */
  get tickMs() {
    return 1000 / (this.tickRate > 0 ? this.tickRate : 10);
  }

  /** My live snake, or null. */
  get me() {
    return this.myId === null ? null : this.snakes.get(this.myId) || null;
  }

  applyWelcome(msg) {
    if (msg.width > 0) this.width = msg.width;
    if (msg.height > 0) this.height = msg.height;
    if (msg.tick_rate > 0) this.tickRate = msg.tick_rate;
    this.maxPlayers = msg.max_players || 0;
    if (typeof msg.arena === 'string') this.arena = msg.arena;
    /** The id of this arena's recording, if it is recorded (for "watch the replay"). */
    this.replay = typeof msg.replay === 'string' ? msg.replay : null;
    this.version++;
  }

  /**
   * Replace the whole world with a snapshot: the first one on a connection, or the one of
   * the arena we just moved to. Nothing of the previous world survives; my snake is
   * forgotten too (a `spawned` that follows names it again).
   */
  applySnapshot(msg, now) {
    if (msg.width > 0) this.width = msg.width;
    if (msg.height > 0) this.height = msg.height;
    this.tick = msg.tick;
    this.myId = null;
    this.watchers = Number.isFinite(msg.watchers) ? msg.watchers : 0;
    this.snakes.clear();
    for (const info of msg.snakes || []) this.snakes.set(info.id, toSnake(info, now));
    this.digits.clear();
    for (const [x, y, v] of msg.digits || []) this.digits.set(cellKey(x, y), [x, y, v]);
    this.stones.clear();
    for (const [x, y] of msg.stones || []) this.stones.set(cellKey(x, y), [x, y]);
    this.ghosts = [];
    this.frameAt = now;
    this.version++;
  }

  /**
   * Apply one tick's changes, in the protocol's order. Frames older than the world are
   * ignored, as are frames that arrive before any snapshot. Returns whether it applied.
   */
  applyFrame(msg, now) {
    if (this.tick === null || msg.tick <= this.tick) return false;
    this.tick = msg.tick;
    this.frameAt = now;
    this.ghosts = this.ghosts.filter((g) => now - g.at < GHOST_MS);
    for (const snake of this.snakes.values()) {
      snake.moved = false;
      snake.lostTail = null;
    }
    for (const [id] of msg.deaths || []) {
      const snake = this.snakes.get(id);
      if (!snake) continue;
      this.ghosts.push({ body: snake.body, color: snake.color, at: now });
      this.snakes.delete(id);
    }
    for (const [id, x, y, grew] of msg.moves || []) {
      const snake = this.snakes.get(id);
      if (!snake) continue;
      const head = [x, y];
      const dir = snake.body.length ? stepDir(snake.body[0], head) : null;
      if (dir) snake.dir = dir;
      snake.body.unshift(head);
      if (!grew && snake.body.length > 1) snake.lostTail = snake.body.pop();
      snake.moved = dir !== null;
    }
    for (const info of msg.spawns || []) this.snakes.set(info.id, toSnake(info, now));
    for (const [x, y] of msg.eaten || []) this.digits.delete(cellKey(x, y));
    for (const [x, y, v] of msg.digits || []) this.digits.set(cellKey(x, y), [x, y, v]);
    for (const [x, y] of msg.crumbled || []) this.stones.delete(cellKey(x, y));
    for (const [x, y] of msg.stones || []) this.stones.set(cellKey(x, y), [x, y]);
    for (const [id, score] of msg.scores || []) {
      const snake = this.snakes.get(id);
      if (snake) snake.score = score;
    }
    if (Number.isFinite(msg.watchers)) this.watchers = msg.watchers;
    this.version++;
    return true;
  }

  /** The server told us which snake is ours. */
  setMe(id) {
    this.myId = id;
    this.version++;
  }

  /** We have no snake (died, or not playing). */
  clearMe() {
    this.myId = null;
    this.version++;
  }

  /**
   * How far the current tick has progressed at time `now`, from 0 (just arrived) to 1.
   * @param {number} now performance.now()
   */
  progress(now) {
    const f = (now - this.frameAt) / this.tickMs;
    return f < 0 ? 0 : f > 1 ? 1 : f;
  }

  /** Live snakes, best score first (then by name, then id). */
  ranking() {
    return [...this.snakes.values()].sort(
      (a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id - b.id,
    );
  }
}
