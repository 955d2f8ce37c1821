/**
 * ui.js — the page's general panels and screens (everything except the canvas drawing
 * and the arenas, which are in arenas-panel.js): the start screen (name, Play, the name
 * error and messages), the death screen, the "Connection lost" screen, the connection
 * status and ping, the players list, the top scores and your score and length. Reads the
 * World (never changes it).
 *
 * The start screen has two forms: the full card over the board (name, Play, the arenas,
 * "play with friends"), and, while you watch an arena, a compact bar ("Watching pit-2",
 * Play, Arenas) that leaves the board in view. The arena panel fills in the arena parts
 * and asks for the compact form (`showCompact`).
 *
 * Every piece of text that comes from the server or a player is set with textContent or
 * createTextNode, never parsed as HTML, so a name like `<svg onload=f()>` shows literally.
 *
 * Events: "play" (the name typed), "play-again", "reconnect", "keep-watching" (close the
 * full start screen, or Watch on the death screen), "browse" (the list of arenas has just
 * come into view).
 */

import { Emitter } from './emitter.js';
import { snakeColor } from './palette.js';

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
  reconnecting: 'Reconnecting…',
};

/** The death screen's headline for a cause of death (and the killer's name, if any). */
export function causeText(cause, killer) {
  switch (cause) {
    case 'wall':
      return 'You hit the wall';
    case 'stone':
      return 'You hit a stone';
    case 'self':
      return 'You bit yourself';
    case 'snake':
      return killer ? `You ran into ${killer}` : 'You ran into a snake';
    case 'head-on':
      return killer ? `Head-on with ${killer}` : 'Head-on crash';
    case 'left':
      return 'You left the game';
    default:
      return 'You died';
  }
}

/** Create an element with a class and text content. */
const LOST_TEXT = {
  1001: 'The server is going down (a restart, most likely). Reconnect in a moment.',
  1008: 'The server closed the connection: this page sent messages it does not accept.',
  1009: 'The server closed the connection: a message was too big.',
  1013: 'The server closed the connection: this page fell too far behind (a slow network?).',
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export class UI extends Emitter {
  constructor(doc = document) {
    super();
    const $ = (id) => doc.getElementById(id);
    this.doc = doc;
    this.canvas = $('world');
    this.board = $('board');
    this.nameInput = $('name');
    this.playButton = $('play');
    this.nameError = $('name-error');
    this.startMessage = $('start-message');
    this.start = $('start');
    this.death = $('death');
    this.deathCause = $('death-cause');
    this.playAgain = $('play-again');
    this.lost = $('lost');
    this.status = $('status');
    this.ping = $('ping');
    this.players = $('players');
    this.playersEmpty = $('players-empty');
    this.score = $('score');
    this.length = $('length');
    this.notice = $('notice');
    this.startClose = $('start-close');
    this._playersSig = '';
    this._label = '';
    this._noticeTimer = 0;

    $('start-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.emit('play', this.nameInput.value);
    });
    this.playAgain.addEventListener('click', () => this.emit('play-again'));
    $('death-watch').addEventListener('click', () => this.emit('keep-watching'));
    $('reconnect').addEventListener('click', () => this.emit('reconnect'));
    this.startClose.addEventListener('click', () => this.emit('keep-watching'));
    $('show-arenas').addEventListener('click', () => this.showStart(true));
    this.start.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && !this.startClose.hidden && !this.compact) {
        ev.preventDefault();
        this.emit('keep-watching');
      }
    });
  }

  get name() {
    return this.nameInput.value;
  }

  set name(value) {
    this.nameInput.value = value;
  }

  setStatus(state) {
    this.status.dataset.state = state;
    this.status.textContent = STATUS_TEXT[state] || state;
    if (state !== 'connected') this.setPing(null);
    this.playButton.textContent = state === 'connecting' ? 'Connecting…' : 'Play';
  }

  /** @param {number | null} ms round trip, or null when unknown */
  setPing(ms) {
    this.ping.textContent = ms === null ? '— ms' : `${Math.round(ms)} ms`;
  }

  /** Keep the board's shape at width:height cells. */
  setGridSize(width, height) {
    this.board.style.setProperty('--grid-w', String(width));
    this.board.style.setProperty('--grid-h', String(height));
  }

  /** Show the full start screen (name, Play, the arenas), or hide the start screen. */
  showStart(show) {
    const browsing = show && !(this.startVisible && !this.compact);
    this.start.hidden = !show;
    this.start.classList.remove('compact');
    if (show && this.lost.hidden) this.nameInput.focus();
    if (browsing) this.emit('browse');
  }

  /**
   * Fold the start screen into a bar over the board: "Watching ID" (the arena panel sets
   * the name), Play, Arenas.
   */
  showCompact() {
    const hadFocus = this.start.contains(this.doc.activeElement);
    this.start.hidden = false;
    this.start.classList.add('compact');
    if (hadFocus && this.lost.hidden) this.playButton.focus({ preventScroll: true });
  }

  get startVisible() {
    return !this.start.hidden;
  }

  /** Whether the start screen is the compact "Watching" bar. */
  get compact() {
    return this.start.classList.contains('compact');
  }

  /** Whether the list of arenas is in view (the full start screen). */
  get arenasVisible() {
    return this.startVisible && !this.compact;
  }

  setNameError(text) {
    this.nameError.textContent = text || '';
    this.nameInput.setAttribute('aria-invalid', text ? 'true' : 'false');
    if (text) {
      this.nameInput.focus();
      this.nameInput.select();
    }
  }

  setStartMessage(text) {
    this.startMessage.textContent = text || '';
  }

  /**
   * Show the death screen for a `died` message.
   * @param {{cause: string, killer: string | null, score: number, length: number, kills: number, ticks: number}} died
   * @param {number} tickRate ticks per second, to say how long the snake lived
   */
  showDeath(died, tickRate, replayId = null, deathTick = 0) {
    this.deathCause.textContent = causeText(died.cause, died.killer);
    const seconds = tickRate > 0 ? died.ticks / tickRate : 0;
    this._set('death-score', died.score);
    this._set('death-length', died.length);
    this._set('death-kills', died.kills);
    this._set('death-time', `${seconds.toFixed(1)} s`);
    this.score.textContent = String(died.score);
    this.length.textContent = String(died.length);
    this.setSaved(false);
    this.death.hidden = false;
    const link = this.doc.getElementById('death-replay');
    if (replayId) {
      // The last few seconds before the crash; a link anyone can open.
      const from = Math.max(0, deathTick - Math.round(5 * tickRate));
      link.href = `/replay?id=${encodeURIComponent(replayId)}&tick=${from}`;
      link.hidden = false;
    } else {
      link.hidden = true;
    }
    if (this.lost.hidden) this.playAgain.focus();
  }

  /** Whether the game on the death card is safely in the top-score database yet. */
  setSaved(saved) {
    const node = this.doc.getElementById('death-saved');
    node.dataset.saved = saved ? 'yes' : 'no';
    node.textContent = saved ? 'Score saved ✓' : 'Saving your score…';
  }

  hideDeath() {
    this.death.hidden = true;
  }

  get deathVisible() {
    return !this.death.hidden;
  }

  /**
   * Show (or hide) the "connection lost" card, saying why the server closed the connection
   * when its close code says so (1001: the server is going down, 1008: too many bad or too
   * many messages, 1009: a message too big, 1013: not reading fast enough).
   */
  showLost(show, code = 0, reason = '') {
    this.lost.hidden = !show;
    if (show) {
      const why = LOST_TEXT[code] || 'The connection to the server was closed.';
      this.doc.getElementById('lost-reason').textContent =
        code === 1008 && reason ? `${why} (${reason})` : why;
    }
    if (show) this.doc.getElementById('reconnect').focus();
  }

  /** A short-lived message over the board (errors the player should see). */
  flash(text) {
    this.notice.textContent = text;
    this.notice.hidden = false;
    clearTimeout(this._noticeTimer);
    this._noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, 4000);
  }

  /** Move the keyboard focus off the form, to the board, for playing. */
  focusGame() {
    const active = this.doc.activeElement;
    if (active && active !== this.doc.body && active.blur) active.blur();
    this.canvas.focus({ preventScroll: true });
  }

  /**
   * Bring the panels and the canvas' accessible description up to date with the world
   * (the arena panel shows its watchers).
   */
  refresh(world) {
    const me = world.me;
    if (world.tick !== null) this.canvas.dataset.tick = String(world.tick);
    let label = `Snakepit world, ${world.width} by ${world.height}`;
    if (me && me.body.length) {
      const [x, y] = me.body[0];
      label = `Your snake: heading ${me.dir} at ${x},${y}, length ${me.body.length}`;
      this.score.textContent = String(me.score);
      this.length.textContent = String(me.body.length);
    }
    if (label !== this._label) {
      this._label = label;
      this.canvas.setAttribute('aria-label', label);
    }
    this._players(world);
  }

  _players(world) {
    const ranking = world.ranking();
    const sig = ranking.map((s) => `${s.id}:${s.score}:${s.color}:${s.id === world.myId}:${s.bot}:${s.name}`).join('\n');
    if (sig === this._playersSig) return;
    this._playersSig = sig;
    const items = ranking.map((snake) => {
      const li = el('li', snake.id === world.myId ? 'me' : '');
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = snakeColor(snake.color);
      li.append(swatch, el('span', 'who', snake.name));
      if (snake.bot) {
        const badge = el('span', 'bot-badge', 'bot');
        badge.title = 'A computer-driven snake; bots never enter the top scores';
        li.classList.add('bot');
        li.append(' ', badge);
      }
      li.append(' ', el('span', 'pts', snake.score));
      if (snake.id === world.myId) li.setAttribute('aria-current', 'true');
      return li;
    });
    this.players.replaceChildren(...items);
    this.playersEmpty.hidden = items.length > 0;
  }

  /** Fill both top-score lists from a `top` message or /api/top-scores. */
  renderTop(top) {
    this._topList('top-all', top.all_time || []);
    this._topList('top-today', top.today || []);
  }

  _topList(id, entries) {
    const list = this.doc.getElementById(id);
    const items = entries.map((e) => {
      const li = el('li');
      const kills = Number(e.kills) || 0;
      const meta = `length ${e.length} · ${kills} ${kills === 1 ? 'kill' : 'kills'}`;
      li.append(el('span', 'who', e.name), ' ', el('span', 'pts', e.score), ' ', el('span', 'meta', meta));
      li.title = [e.cause && `died: ${e.cause}`, e.at].filter(Boolean).join(' · ');
      return li;
    });
    list.replaceChildren(...items);
    const empty = this.doc.getElementById(`${id}-empty`);
    if (empty) empty.hidden = items.length > 0;
  }

  _set(id, value) {
    this.doc.getElementById(id).textContent = String(value);
  }
}
