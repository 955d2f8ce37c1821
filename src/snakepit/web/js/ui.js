/**
 * ui.js — everything on the page except the canvas drawing: the start screen (with the
 * list of open arenas), the death screen, the "Connection lost" screen, the connection
 * status and ping, the arena you are in (its name, its link, how many watch it), the
 * players list, the top scores and your score and length. Reads the World (never changes
 * it).
 *
 * The start screen has two forms: the full card over the board (name, Play, the arenas,
 * "play with friends"), and, while you watch an arena, a compact bar ("Watching pit-2",
 * Play, Arenas) that leaves the board in view.
 *
 * Every piece of text that comes from the server or a player is set with textContent or
 * createTextNode, never parsed as HTML, so a name like `<svg onload=f()>` shows literally.
 *
 * Events: "play" (the name typed), "play-again", "reconnect", "watch" (an arena id, from
 * the list), "play-in" (an arena id, from the list), "go" (the arena name typed),
 * "keep-watching" (close the full start screen, or Watch on the death screen), "browse"
 * (the list of arenas has just come into view).
 */

import { Emitter } from './emitter.js';
import { snakeColor } from './palette.js';

const STATUS_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
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

/** "1 player" / "2 players". */
function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The link that opens the page in arena `id`. */
export function arenaHref(id) {
  return `/?arena=${encodeURIComponent(id)}`;
}

/** Copy `text` with the old selection API (works without a secure context). */
function legacyCopy(doc, text) {
  const area = doc.createElement('textarea');
  area.className = 'copy-buffer';
  area.value = text;
  area.setAttribute('readonly', '');
  doc.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = doc.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Create an element with a class and text content. */
function el(tag, className, text) {
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
    this.arenaInfo = $('arena-info');
    this.arenaName = $('arena-name');
    this.arenaLink = $('arena-link');
    this.watchers = $('watchers');
    this.arenas = $('arenas');
    this.arenasEmpty = $('arenas-empty');
    this.arenaInput = $('arena-input');
    this.arenaError = $('arena-error');
    this.watchingArena = $('watching-arena');
    this.startArena = $('start-arena');
    this.startArenaName = $('start-arena-name');
    this.startClose = $('start-close');
    this._playersSig = '';
    this._label = '';
    this._noticeTimer = 0;
    this._copyTimer = 0;
    this._watchers = null;
    /** The arena we are in (welcomed there), or null. */
    this._arena = null;
    /** The last list from /api/arenas, to redraw it when our arena changes. */
    this._arenaRows = null;
    this._arenasSig = '';

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
    $('arena-go').addEventListener('click', () => this.emit('go', this.arenaInput.value));
    this.arenaInput.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.isComposing) return;
      ev.preventDefault(); // Enter here goes to that arena; it does not submit the Play form
      this.emit('go', this.arenaInput.value);
    });
    this.arenaInput.addEventListener('input', () => this.setArenaError(''));
    this.arenas.addEventListener('click', (ev) => {
      const button = ev.target.closest('button');
      const row = button && button.closest('li[data-arena]');
      if (!row) return;
      if (button.classList.contains('watch')) this.emit('watch', row.dataset.arena);
      else if (button.classList.contains('play-here')) this.emit('play-in', row.dataset.arena);
    });
    this.arenaLink.addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault(); // a plain click copies the link; others (new tab...) follow it
      this._copyLink();
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

  /** Fold the start screen into a bar over the board: "Watching ID", Play, Arenas. */
  showWatching(id) {
    this.watchingArena.textContent = String(id);
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

  setArenaError(text) {
    this.arenaError.textContent = text || '';
    this.arenaInput.setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  /**
   * The arena we are in now (welcomed there), or null when not in one: its name and link
   * in the masthead, the "keep watching" close button, the marked row of the list.
   * @param {string | null} id
   */
  setArena(id) {
    this._arena = id;
    this.arenaInfo.hidden = id === null;
    this.startClose.hidden = id === null;
    if (id !== null) {
      this.arenaName.textContent = String(id);
      this.arenaLink.setAttribute('href', arenaHref(id));
      this.watchingArena.textContent = String(id);
    }
    if (this._arenaRows) this.renderArenas(this._arenaRows);
  }

  /**
   * The arena the next Play goes to, shown on the start screen before connecting (e.g.
   * from a link), or null.
   * @param {string | null} id
   */
  setStartArena(id) {
    this.startArena.hidden = !id;
    this.startArenaName.textContent = id ? String(id) : '';
  }

  /**
   * Fill the list of open arenas from /api/arenas: id, players, spectators, best score,
   * and a Watch and a Play button per row.
   * @param {{id: string, public: boolean, players: number, max_players: number, spectators: number, best: number}[]} rows
   */
  renderArenas(rows) {
    this._arenaRows = rows;
    const here = this._arena;
    const sig = JSON.stringify([here, rows]);
    if (sig === this._arenasSig) return;
    this._arenasSig = sig;
    const focused = this.doc.activeElement;
    const keep = focused && this.arenas.contains(focused)
      ? [focused.closest('li[data-arena]')?.dataset.arena, focused.className]
      : null;
    const items = rows.map((a) => {
      const id = String(a.id);
      const li = el('li', id === here ? 'here' : '');
      li.dataset.arena = id;
      if (id === here) li.setAttribute('aria-current', 'true');
      const what = el('div', 'arena-what');
      const title = el('div', 'arena-title');
      title.append(el('span', 'arena-id', id));
      if (id === here) title.append(' ', el('span', 'tag here-tag', 'you are here'));
      else if (!a.public) title.append(' ', el('span', 'tag', 'named'));
      const players = Number(a.players) || 0;
      const spectators = Number(a.spectators) || 0;
      const meta = el('div', 'arena-meta');
      meta.append(
        el('span', 'arena-players', `${players}/${Number(a.max_players) || 0} playing`),
        ' · ',
        el('span', 'arena-watchers', `${spectators} watching`),
        ' · ',
        el('span', 'arena-best', `best ${Number(a.best) || 0}`),
      );
      what.append(title, meta);
      const watch = el('button', 'watch secondary small', 'Watch');
      watch.type = 'button';
      watch.setAttribute('aria-label', `Watch ${id}`);
      const play = el('button', 'play-here small', 'Play');
      play.type = 'button';
      play.setAttribute('aria-label', `Play in ${id}`);
      play.title = `${plural(players, 'player')} there now`;
      const actions = el('div', 'arena-actions');
      actions.append(watch, play);
      li.append(what, actions);
      return li;
    });
    this.arenas.replaceChildren(...items);
    this.arenasEmpty.hidden = items.length > 0;
    if (keep && keep[0] !== undefined) {
      // The rows were rebuilt under a focused button: put the focus back on its twin.
      const row = [...this.arenas.children].find((li) => li.dataset.arena === keep[0]);
      const twin = row && [...row.querySelectorAll('button')].find((b) => b.className === keep[1]);
      if (twin) twin.focus({ preventScroll: true });
    }
  }

  async _copyLink() {
    const url = new URL(this.arenaLink.getAttribute('href') || '/', this.doc.location.href).href;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) ok = legacyCopy(this.doc, url);
    if (ok) {
      this.arenaLink.textContent = 'Copied!';
      clearTimeout(this._copyTimer);
      this._copyTimer = setTimeout(() => {
        this.arenaLink.textContent = 'Copy link';
      }, 1500);
    } else {
      this.flash(`Share this link: ${url}`);
    }
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
  showDeath(died, tickRate) {
    this.deathCause.textContent = causeText(died.cause, died.killer);
    const seconds = tickRate > 0 ? died.ticks / tickRate : 0;
    this._set('death-score', died.score);
    this._set('death-length', died.length);
    this._set('death-kills', died.kills);
    this._set('death-time', `${seconds.toFixed(1)} s`);
    this.score.textContent = String(died.score);
    this.length.textContent = String(died.length);
    this.death.hidden = false;
    if (this.lost.hidden) this.playAgain.focus();
  }

  hideDeath() {
    this.death.hidden = true;
  }

  get deathVisible() {
    return !this.death.hidden;
  }

  showLost(show) {
    this.lost.hidden = !show;
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

  /** Bring the panels and the canvas' accessible description up to date with the world. */
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
    if (world.watchers !== this._watchers) {
      this._watchers = world.watchers;
      this.watchers.hidden = world.watchers === null;
      this.watchers.textContent = `${world.watchers ?? 0} watching`;
    }
    this._players(world);
  }

  _players(world) {
    const ranking = world.ranking();
    const sig = ranking.map((s) => `${s.id}:${s.score}:${s.color}:${s.id === world.myId}:${s.name}`).join('\n');
    if (sig === this._playersSig) return;
    this._playersSig = sig;
    const items = ranking.map((snake) => {
      const li = el('li', snake.id === world.myId ? 'me' : '');
      const swatch = el('span', 'swatch');
      swatch.style.backgroundColor = snakeColor(snake.color);
      li.append(swatch, el('span', 'who', snake.name), ' ', el('span', 'pts', snake.score));
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
