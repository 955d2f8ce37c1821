/**
 * replay.js — the replay viewer (/replay, /replay?id=ID&tick=N). Plays a recorded game
 * with the live client's own world model (state.js) and canvas renderer (render.js).
 *
 * The server re-simulates the recording and hands it out in windows of CHUNK ticks
 * (`/api/replays/ID?from=S&count=CHUNK`): the snapshot at tick S and the frames of ticks
 * S+1 .. S+CHUNK, the very messages a live client got. Playing applies one frame per tick
 * period (divided by the speed); seeking to tick T applies the snapshot of T's window and
 * its frames up to T. Windows are fetched ahead while playing and a few are kept for
 * seeking back. A recording whose arena is still open ("live") grows while it is watched.
 *
 * The list of recent recordings (/api/replays) is refreshed while the page is in view; a
 * click on one plays it without reloading the page. "Copy link" copies a link that opens
 * this recording at the tick shown; the address bar follows it when paused or seeking.
 * Keys: Space plays / pauses, ← / → step one tick (with Shift: ten).
 */

import { snakeColor } from './palette.js';
import { Renderer } from './render.js';
import { World } from './state.js';

const CHUNK = 500;
const KEEP_CHUNKS = 8;
const LIST_REFRESH_MS = 5000;
const LIVE_REFRESH_MS = 1000;
/** At most this many ticks are applied in one animation frame (a slow or hidden tab). */
const MAX_CATCH_UP = 40;
const ID_PATTERN = /^[0-9]{8}-[0-9]{6}-[a-z0-9][a-z0-9_-]{0,31}-[0-9a-f]{6}$/;

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

const ui = {
  status: $('status'),
  board: $('board'),
  message: $('board-message'),
  play: $('play'),
  speed: $('speed'),
  seek: $('seek'),
  tick: $('tick'),
  share: $('share'),
  about: $('about'),
  players: $('players'),
  playersEmpty: $('players-empty'),
  playersTick: $('players-tick'),
  recordings: $('recordings'),
  recordingsEmpty: $('recordings-empty'),
};

const world = new World();
const renderer = new Renderer($('world'), world);

/** The recording being watched: {id, arena, started, tickRate, ticks, live, people, bots}. */
let rec = null;
/** Windows by their first tick: {snapshot, frames}. */
const chunks = new Map();
/** Windows on their way, by their first tick: Promise. */
const pending = new Map();
let loadSerial = 0; // bumped by every load, so that answers for an older one are dropped
let playing = false;
let speed = 1;
let clock = 0; // milliseconds of replay time gathered toward the next tick
let lastNow = performance.now();
let seekTarget = null;
let lastLiveCheck = 0;
let playersSig = '';
let listed = [];

// -- small helpers ----------------------------------------------------------------------

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function showMessage(text) {
  ui.message.textContent = text || '';
  ui.message.hidden = !text;
}

/** "m:ss" for a number of seconds. */
function clockText(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function whenText(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

function windowStart(tick) {
  return Math.floor(Math.max(0, tick) / CHUNK) * CHUNK;
}

function replayHref(id, tick) {
  const query = new URLSearchParams({ id });
  if (tick !== undefined && tick !== null) query.set('tick', String(tick));
  return `/replay?${query}`;
}

/** Copy `text` with the old selection API (works without a secure context). */
function legacyCopy(text) {
  const area = el('textarea', 'copy-buffer');
  area.value = text;
  area.setAttribute('readonly', '');
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

async function answerText(res) {
  try {
    const body = await res.clone().json();
    if (body && body.error) return String(body.error);
  } catch {
    /* not JSON: the text below */
  }
  return (await res.text()).trim() || `HTTP ${res.status}`;
}

// -- the windows of the recording -------------------------------------------------------

/** Take in what a window's answer says about the whole recording. */
function learn(data) {
  rec.arena = data.arena;
  rec.started = data.started;
  rec.tickRate = data.tick_rate > 0 ? data.tick_rate : 10;
  rec.ticks = data.ticks;
  rec.live = data.live === true;
  rec.people = data.people || [];
  rec.bots = data.bots || [];
  ui.seek.max = String(rec.ticks);
  world.tickRate = rec.tickRate * speed;
  showAbout();
}

/** The window that starts at `start` (a multiple of CHUNK), fetched if need be. */
function fetchWindow(start) {
  const have = chunks.get(start);
  if (have) return Promise.resolve(have);
  const waiting = pending.get(start);
  if (waiting) return waiting;
  const serial = loadSerial;
  const url = `/api/replays/${encodeURIComponent(rec.id)}?from=${start}&count=${CHUNK}`;
  const promise = fetch(url, { cache: 'no-store' })
    .then(async (res) => {
      if (!res.ok) throw new Error(await answerText(res));
      return res.json();
    })
    .then((data) => {
      if (serial !== loadSerial) throw new Error('stale');
      learn(data);
      const entry = { snapshot: data.snapshot, frames: data.frames || [] };
      chunks.set(start, entry);
      for (const key of [...chunks.keys()]) {
        if (chunks.size <= KEEP_CHUNKS) break;
        if (key !== start) chunks.delete(key);
      }
      return entry;
    })
    .finally(() => {
      if (pending.get(start) === promise) pending.delete(start);
    });
  pending.set(start, promise);
  promise.catch(() => {}); // callers that care handle it; the rest must not log it
  return promise;
}

/** Fetch the window at `start` again (it may have grown), at most once a second. */
function refetch(start, now) {
  if (now - lastLiveCheck < LIVE_REFRESH_MS || pending.has(start)) return;
  lastLiveCheck = now;
  chunks.delete(start);
  fetchWindow(start).catch(fail);
}

/** The frame of the tick after the one shown, if it is here (else fetch it: null). */
function nextFrame(now) {
  const n = world.tick + 1;
  const start = windowStart(n - 1);
  const entry = chunks.get(start);
  if (!entry) {
    fetchWindow(start).catch(fail);
    return null;
  }
  const frame = entry.frames[n - start - 1];
  if (frame && frame.tick === n) return frame;
  refetch(start, now); // a window of a live recording, fetched before this tick was written
  return null;
}

function prefetch() {
  const start = windowStart(world.tick);
  if (world.tick - start > CHUNK / 2 && start + CHUNK < rec.ticks) {
    fetchWindow(start + CHUNK).catch(() => {});
  }
}

// -- playing ----------------------------------------------------------------------------

function setPlaying(on) {
  playing = on && rec !== null && world.tick !== null;
  clock = 0;
  ui.play.textContent = playing ? 'Pause' : 'Play';
  ui.play.setAttribute('aria-pressed', String(playing));
  if (!playing) followUrl();
}

function step(now) {
  const tickMs = 1000 / rec.tickRate;
  clock += (now - lastNow) * speed;
  let applied = 0;
  while (clock >= tickMs && applied < MAX_CATCH_UP) {
    if (world.tick >= rec.ticks) {
      clock = 0;
      if (rec.live) refetch(windowStart(rec.ticks), now); // has it grown?
      else setPlaying(false);
      break;
    }
    const frame = nextFrame(now);
    if (!frame) {
      clock = Math.min(clock, tickMs); // buffering: go on as soon as the window is here
      break;
    }
    world.applyFrame(frame, now);
    clock -= tickMs;
    applied += 1;
  }
  if (applied >= MAX_CATCH_UP) clock = 0;
  if (applied) {
    showTick();
    prefetch();
  }
}

function animate(now) {
  if (playing && rec !== null && world.tick !== null) step(now);
  lastNow = now;
  requestAnimationFrame(animate);
}

/** Show tick `target` (clamped to the recording), still. */
async function seek(target) {
  if (rec === null) return;
  const tick = Math.max(0, Math.min(Math.round(Number(target) || 0), rec.ticks));
  const serial = loadSerial;
  seekTarget = tick;
  let entry;
  try {
    entry = await fetchWindow(windowStart(tick));
  } catch (error) {
    fail(error);
    return;
  }
  if (serial !== loadSerial || seekTarget !== tick) return; // a newer seek or load won
  seekTarget = null;
  const now = performance.now();
  world.applySnapshot(entry.snapshot, now);
  for (const frame of entry.frames) {
    if (frame.tick > tick) break;
    world.applyFrame(frame, now);
  }
  world.ghosts = []; // snakes that died on the way are not news
  world.frameAt = now - world.tickMs; // drawn where they are, not moving in
  clock = 0;
  showTick();
  if (!playing) followUrl();
}

// -- what the page shows ----------------------------------------------------------------

function showAbout() {
  if (rec === null) return;
  const people = rec.people.length ? rec.people.join(', ') : 'nobody';
  const bots = rec.bots.length ? ` and ${rec.bots.length} bot${rec.bots.length === 1 ? '' : 's'}` : '';
  ui.about.replaceChildren(
    el('strong', 'about-arena', rec.arena),
    ` · ${whenText(rec.started)} · ${clockText(rec.ticks / rec.tickRate)}`,
    rec.live ? el('span', 'live-badge', 'live') : '',
    el('span', 'about-who', `${people}${bots}`),
  );
  setStatus('connected', rec.live ? 'Live recording' : 'Recording');
}

function showTick() {
  if (rec === null || world.tick === null) return;
  const tick = world.tick;
  ui.tick.textContent = `Tick ${tick} / ${rec.ticks} · ${clockText(tick / rec.tickRate)} / ${clockText(rec.ticks / rec.tickRate)}`;
  ui.tick.dataset.tick = String(tick);
  if (document.activeElement !== ui.seek || playing) ui.seek.value = String(tick);
  ui.share.href = replayHref(rec.id, tick);
  ui.playersTick.textContent = `at ${clockText(tick / rec.tickRate)}`;
  showPlayers();
}

function showPlayers() {
  const ranking = world.ranking();
  const sig = ranking.map((s) => `${s.id}:${s.score}:${s.color}:${s.bot}:${s.name}`).join('\n');
  if (sig === playersSig) return;
  playersSig = sig;
  const items = ranking.map((snake) => {
    const li = el('li', snake.bot ? 'bot' : '');
    const swatch = el('span', 'swatch');
    swatch.style.backgroundColor = snakeColor(snake.color);
    li.append(swatch, el('span', 'who', snake.name));
    if (snake.bot) li.append(' ', el('span', 'bot-badge', 'bot'));
    li.append(' ', el('span', 'pts', snake.score));
    return li;
  });
  ui.players.replaceChildren(...items);
  ui.playersEmpty.hidden = items.length > 0;
}

/** The address bar: a link to this recording at the tick shown (no new history entry). */
function followUrl() {
  if (rec === null || world.tick === null) return;
  try {
    history.replaceState(history.state, '', replayHref(rec.id, world.tick));
  } catch {
    /* not allowed here: "Copy link" still has it */
  }
}

function fail(error) {
  const text = error && error.message ? error.message : String(error);
  if (text === 'stale') return;
  setStatus('error', 'Cannot play this recording');
  showMessage(text);
  setPlaying(false);
}

function markCurrent() {
  for (const link of ui.recordings.querySelectorAll('a[data-id]')) {
    if (rec !== null && link.dataset.id === rec.id) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

function renderList(replays) {
  listed = replays;
  const items = replays.map((r) => {
    const li = el('li');
    const link = el('a', 'recording');
    link.href = replayHref(r.id);
    link.dataset.id = r.id;
    const who = [r.players.join(', '), r.bots.length ? `${r.bots.length} bot${r.bots.length === 1 ? '' : 's'}` : '']
      .filter(Boolean).join(' + ');
    const arena = el('span', 'rec-arena', r.arena);
    if (r.live) arena.append(el('span', 'live-badge', 'live'));
    link.append(
      arena,
      el('span', 'rec-length', clockText(r.seconds)),
      el('span', 'rec-when', whenText(r.started)),
      el('span', 'rec-who', who || 'nobody played'),
    );
    li.append(link);
    return li;
  });
  ui.recordings.replaceChildren(...items);
  ui.recordingsEmpty.hidden = items.length > 0;
  markCurrent();
}

let listBusy = false;

async function refreshList() {
  if (listBusy || document.visibilityState === 'hidden') return listed;
  listBusy = true;
  try {
    const res = await fetch('/api/replays', { cache: 'no-store' });
    const data = res.ok ? await res.json() : null;
    if (data && Array.isArray(data.replays)) renderList(data.replays);
  } catch {
    /* the server is away: keep the last list */
  } finally {
    listBusy = false;
  }
  return listed;
}

// -- choosing a recording ---------------------------------------------------------------

/** Watch recording `id` from tick `tick`, paused. */
async function load(id, tick) {
  loadSerial += 1;
  chunks.clear();
  pending.clear();
  setPlaying(false);
  rec = { id, arena: '', started: '', tickRate: 10, ticks: 0, live: false, people: [], bots: [] };
  world.reset();
  playersSig = '';
  showPlayers();
  markCurrent();
  setStatus('connecting', 'Loading…');
  showMessage('Loading the recording…');
  const serial = loadSerial;
  let entry;
  try {
    entry = await fetchWindow(windowStart(tick));
  } catch (error) {
    fail(error);
    return;
  }
  if (serial !== loadSerial) return;
  ui.board.style.setProperty('--grid-w', String(entry.snapshot.width));
  ui.board.style.setProperty('--grid-h', String(entry.snapshot.height));
  showMessage('');
  ui.play.disabled = false;
  ui.seek.disabled = false;
  await seek(tick);
}

// -- controls ---------------------------------------------------------------------------

ui.play.addEventListener('click', () => {
  if (!playing && rec !== null && world.tick !== null && world.tick >= rec.ticks && !rec.live) {
    seek(0).then(() => setPlaying(true));
    return;
  }
  setPlaying(!playing);
});

ui.speed.addEventListener('change', () => {
  speed = Number(ui.speed.value) || 1;
  if (rec !== null) world.tickRate = rec.tickRate * speed;
});

ui.seek.addEventListener('input', () => seek(ui.seek.value));

ui.share.addEventListener('click', async (event) => {
  event.preventDefault();
  const url = new URL(ui.share.getAttribute('href') || '/replay', window.location.href).href;
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(url);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) ok = legacyCopy(url);
  ui.share.textContent = ok ? 'Copied!' : 'Copy this link';
  setTimeout(() => {
    ui.share.textContent = 'Copy link';
  }, 1500);
});

ui.recordings.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-id]') : null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  load(link.dataset.id, 0).then(followUrl);
});

window.addEventListener('keydown', (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
  if (rec === null || world.tick === null) return;
  if (event.key === ' ' && !(target instanceof HTMLButtonElement) && !(target instanceof HTMLAnchorElement)) {
    event.preventDefault();
    ui.play.click();
  } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
    event.preventDefault();
    setPlaying(false);
    const by = (event.shiftKey ? 10 : 1) * (event.key === 'ArrowLeft' ? -1 : 1);
    seek(world.tick + by);
  }
});

// -- start -------------------------------------------------------------------------------

showMessage('Pick a recording from the list.');
requestAnimationFrame(animate);
renderer.start();
setInterval(refreshList, LIST_REFRESH_MS);
document.addEventListener('visibilitychange', () => refreshList());

const params = new URLSearchParams(window.location.search);
const wanted = params.get('id');
const wantedTick = Number.parseInt(params.get('tick') || '0', 10);
if (wanted !== null && ID_PATTERN.test(wanted)) {
  load(wanted, Number.isFinite(wantedTick) ? wantedTick : 0);
  refreshList();
} else {
  if (wanted !== null) showMessage('That link does not name a recording. Pick one from the list.');
  setStatus('connected', 'Pick a recording');
  refreshList().then((replays) => {
    if (rec === null && wanted === null && replays.length) load(replays[0].id, 0).then(followUrl);
    else if (!replays.length) setStatus('connected', 'No recordings yet');
  });
}
