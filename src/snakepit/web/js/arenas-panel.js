/**
 * arenas-panel.js — everything on the page about arenas: the list of open arenas on the
 * start screen (a Watch and a Play button per row), the "play with friends" field (an
 * arena name and Go) and its error, the arena the next Play goes to, the name shown in
 * the compact "Watching" bar, and the masthead's arena info (its name, its "Copy link"
 * link, how many watch it). Reads what it is given (never changes the World).
 *
 * It works beside the UI (ui.js), which owns the start screen itself: the panel asks it to
 * fold the start screen into the "Watching" bar, shows or hides its "keep watching" close
 * button, and has it flash the link when the clipboard cannot be used.
 *
 * Every piece of text that comes from the server or a player is set with textContent or
 * createTextNode, never parsed as HTML.
 *
 * Events: "watch" (an arena id, from the list), "play-in" (an arena id, from the list),
 * "go" (the arena name typed).
 */

import { Emitter } from './emitter.js';
import { el } from './ui.js';

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

export class ArenaPanel extends Emitter {
  /**
   * @param {Document} doc
   * @param {import('./ui.js').UI} ui the page's UI, which owns the start screen
   */
  constructor(doc, ui) {
    super();
    const $ = (id) => doc.getElementById(id);
    this.doc = doc;
    this.ui = ui;
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
    this._copyTimer = 0;
    this._watchers = null;
    /** The arena we are in (welcomed there), or null. */
    this._arena = null;
    /** The last list from /api/arenas, to redraw it when our arena changes. */
    this._arenaRows = null;
    this._arenasSig = '';

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

  /** Fold the start screen into a bar over the board: "Watching ID", Play, Arenas. */
  showWatching(id) {
    this.watchingArena.textContent = String(id);
    this.ui.showCompact();
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
    this.ui.startClose.hidden = id === null;
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
   * How many watch the arena we are in (the World's `watchers`), or null when unknown.
   * @param {number | null} count
   */
  setWatchers(count) {
    if (count === this._watchers) return;
    this._watchers = count;
    this.watchers.hidden = count === null;
    this.watchers.textContent = `${count ?? 0} watching`;
  }

  /**
   * Fill the list of open arenas from /api/arenas: id, players, spectators, best score,
   * and a Watch and a Play button per row.
   * @param {{id: string, public: boolean, players: number, bots: number, max_players: number, spectators: number, best: number}[]} rows
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
      const bots = Number(a.bots) || 0;
      const meta = el('div', 'arena-meta');
      meta.append(el('span', 'arena-players', `${players}/${Number(a.max_players) || 0} playing`));
      if (bots > 0) meta.append(' · ', el('span', 'arena-bots', plural(bots, 'bot')));
      meta.append(
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
      this.ui.flash(`Share this link: ${url}`);
    }
  }
}
