/**
 * main.js — wires the client together: the connection (net.js), the world model
 * (state.js), the canvas (render.js), the page (ui.js and, for the arenas,
 * arenas-panel.js) and the controls (input.js).
 *
 * The flow: the page loads without connecting and shows the start screen, with the list
 * of open arenas (from /api/arenas, refreshed while it is in view). Play opens the socket
 * (if needed), says hello with the name (and the arena of the page's link, `/?arena=ID`,
 * if any), and joins once welcomed. Watch (on a row of the list) or Go (an arena name
 * typed: this is how named arenas are opened) says hello in that arena, or, when already
 * welcomed, asks the server to `watch` it; the start screen then folds into a "Watching"
 * bar so the board is in view. A death shows the death screen; Play again joins again on
 * the same socket, Watch keeps watching.
 *
 * A connection that drops (the network, not the server closing it on purpose) is resumed
 * by itself: the page shows "Reconnecting…", opens new sockets with backoff, and says hello
 * with the resume token of the last `welcome`; the server gives the same session back (the
 * same snake, if it still lives) with a fresh snapshot, and play goes on without a reload.
 * If that fails for longer than the server keeps sessions, or the server closed the
 * connection on purpose, the page shows "Connection lost" and why; Reconnect opens a new
 * socket, says hello (in the same arena) and returns to the start screen.
 *
 * The server may move us to another arena at any time we are not playing (a `join` in a
 * full public arena does): every `welcome` names the arena we are in, and the address bar
 * follows it (`history.replaceState`), so the page's URL is always a link to the arena.
 */

import { ArenaPanel } from './arenas-panel.js';
import { Input } from './input.js';
import { Net, socketUrl } from './net.js';
import { Renderer } from './render.js';
import { World } from './state.js';
import { UI } from './ui.js';

const NAME_KEY = 'snakepit.name';
const ARENAS_REFRESH_MS = 3000;
/** The protocol's limit on an arena field (a longer one is not even an arena name). */
const ARENA_MAX = 64;

const world = new World();
const ui = new UI(document);
const arenaPanel = new ArenaPanel(document, ui);
const net = new Net(socketUrl());
const input = new Input(window, ui.canvas, document.getElementById('touch-controls'));
const renderer = new Renderer(ui.canvas, world);

let helloName = null; // the name of the hello sent (or to send) on this socket
let helloArena = arenaFromUrl(); // the arena named in the next hello (null: the server picks)
let helloPending = false; // a hello was sent and not yet answered
let watchPending = null; // the arena of a watch sent and not yet answered
let moveAfterWelcome = null; // an arena picked while the hello was on its way
let wantJoin = false; // join as soon as the server has welcomed us
let wantWatch = false; // fold the start screen into the "Watching" bar once welcomed
let joining = false; // a join was sent and not yet answered
let gotTop = false;
let resumeToken = null; // the token of the last welcome: says hello again as the same session
let reconnecting = false; // the socket dropped and we are trying to get the session back
let reconnectTimer = 0;
let reconnectSince = 0;
let reconnectAttempt = 0;
/** Delays between reconnection attempts (ms); the last repeats until RESUME_GIVE_UP_MS. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000];
const RESUME_GIVE_UP_MS = 15000;
/** Closes after which reconnecting by ourselves is wrong (the server meant it). */
const NO_RESUME_CODES = new Set([1000, 1001, 1008, 1009, 1013, 4000]);

function loadName() {
  try {
    return localStorage.getItem(NAME_KEY) || '';
  } catch {
    return '';
  }
}

function saveName(name) {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    /* storage unavailable: the name is simply not remembered */
  }
}

/** An arena name as the server compares them (it ignores case and surrounding spaces). */
function arenaKey(raw) {
  return String(raw).trim().toLowerCase().slice(0, ARENA_MAX);
}

/** The arena of the page's link (`/?arena=ID`), or null. */
function arenaFromUrl() {
  const raw = new URLSearchParams(window.location.search).get('arena');
  const id = raw === null ? '' : arenaKey(raw);
  return id || null;
}

/** Make the address bar a link to arena `id`, without a new history entry. */
function syncUrl(id) {
  try {
    const url = new URL(window.location.href);
    if (url.searchParams.get('arena') === id) return;
    url.searchParams.set('arena', id);
    history.replaceState(history.state, '', url);
  } catch {
    /* not allowed here: the link in the masthead still says where we are */
  }
}

/** The arena we are in on this socket, or null before the server has welcomed us. */
function currentArena() {
  return net.welcomed ? world.arena : null;
}

/** Bring the page up to date with the world. */
function refresh() {
  ui.refresh(world);
  arenaPanel.setWatchers(world.watchers);
}

function sayHello(name) {
  helloName = name;
  helloPending = net.hello(name, helloArena, reconnecting ? resumeToken : null);
}

/** Try again to get the dropped session back, after a delay that grows with each try. */
function scheduleReconnect(attempt) {
  if (performance.now() - reconnectSince > RESUME_GIVE_UP_MS) {
    giveUpReconnecting();
    return;
  }
  const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(() => {
    reconnectTimer = 0;
    if (!reconnecting) return;
    reconnectAttempt = attempt + 1;
    net.open();
  }, delay);
}

function giveUpReconnecting() {
  reconnecting = false;
  resumeToken = null;
  clearTimeout(reconnectTimer);
  world.clearMe();
  refresh();
  ui.hideDeath();
  ui.showStart(false);
  ui.showLost(true, 0, '');
}

function join() {
  if (joining) return;
  joining = net.join();
}

function clearMessages() {
  ui.setNameError('');
  ui.setStartMessage('');
  arenaPanel.setArenaError('');
}

/**
 * Get to arena `to` (an arena name, or undefined: the current one, or the link's) as
 * `name`, and then play (`thenJoin`) or watch.
 */
function go(name, to, thenJoin) {
  saveName(name);
  clearMessages();
  wantJoin = thenJoin;
  wantWatch = !thenJoin;
  if (net.welcomed && thenJoin && name !== helloName) net.close(); // a new name needs a new connection
  if (!net.active) {
    helloName = name;
    if (to !== undefined) helloArena = to;
    moveAfterWelcome = null;
    world.clearMe();
    net.open(); // the hello goes out when it opens
  } else if (!net.isOpen) {
    helloName = name;
    if (to !== undefined) helloArena = to;
  } else if (net.welcomed) {
    if (to !== undefined && to === watchPending) {
      // Already on the way there (a second click): the welcome does the rest.
    } else if (to !== undefined && to !== currentArena()) {
      watchPending = net.watch(to) ? to : null; // a welcome and a snapshot of it come back
    } else if (thenJoin) {
      join();
    } else {
      wantWatch = false;
      arenaPanel.showWatching(currentArena());
    }
  } else if (helloPending && name === helloName) {
    if (to !== undefined) moveAfterWelcome = to; // the hello is on its way: move once welcomed
  } else {
    if (to !== undefined) helloArena = to;
    sayHello(name); // another try after a refused name or arena
  }
  arenaPanel.setStartArena(currentArena() === null ? helloArena : null);
}

function play(name) {
  go(name, undefined, true);
}

/** Watch (or play in) arena `id` from the list or the "play with friends" field. */
function goToArena(id, thenJoin) {
  if (world.me || joining) return; // playing: finish this game first
  const name = ui.name;
  if (!name.trim()) {
    arenaPanel.setArenaError('');
    ui.setNameError('Type a name first');
    return;
  }
  go(name, id, thenJoin);
}

function playAgain() {
  ui.setStartMessage('');
  if (net.welcomed) {
    wantJoin = true;
    join();
  } else {
    play(ui.name);
  }
}

function keepWatching() {
  const id = currentArena();
  ui.hideDeath();
  if (id === null) {
    ui.showStart(true);
  } else {
    arenaPanel.showWatching(id);
  }
}

ui.on('play', play);
ui.on('play-again', playAgain);
ui.on('keep-watching', keepWatching);
arenaPanel.on('watch', (id) => goToArena(arenaKey(id), false));
arenaPanel.on('play-in', (id) => goToArena(arenaKey(id), true));
arenaPanel.on('go', (text) => {
  const id = arenaKey(text);
  if (!id) {
    arenaPanel.setArenaError('Type the name of an arena: letters, digits, - or _');
    return;
  }
  goToArena(id, false);
});
ui.on('browse', () => refreshArenas());
ui.on('reconnect', () => {
  reconnecting = false;
  ui.showLost(false);
  ui.hideDeath();
  world.reset();
  refresh();
  ui.showStart(true);
  wantJoin = false;
  wantWatch = false;
  moveAfterWelcome = null;
  helloName = ui.name;
  net.open();
});

input.on('turn', (dir) => {
  if (world.me) net.turn(dir);
});
input.on('confirm', () => {
  if (!ui.lost.hidden) return;
  if (ui.deathVisible) playAgain();
  else if (ui.startVisible) play(ui.name);
});

net.on('state', (state) => ui.setStatus(reconnecting && state !== 'connected' ? 'reconnecting' : state));
net.on('ping', (ms) => ui.setPing(ms));
net.on('open', () => {
  if (helloName !== null) sayHello(helloName);
});
net.on('welcome', (msg) => {
  if (reconnecting) {
    reconnecting = false;
    reconnectAttempt = 0;
    ui.flash('Reconnected');
  }
  if (typeof msg.token === 'string') resumeToken = msg.token;
  helloPending = false;
  watchPending = null;
  world.applyWelcome(msg);
  ui.setGridSize(world.width, world.height);
  helloName = msg.name;
  ui.name = msg.name;
  saveName(msg.name);
  const id = world.arena;
  helloArena = id; // a new connection (Reconnect, another name) comes back here
  arenaPanel.setArena(id);
  arenaPanel.setStartArena(null);
  syncUrl(id);
  const next = moveAfterWelcome;
  moveAfterWelcome = null;
  if (next !== null && next !== id && !joining) {
    watchPending = net.watch(next) ? next : null;
    return;
  }
  if (wantJoin) {
    join();
  } else if (wantWatch && !joining) {
    wantWatch = false;
    ui.hideDeath();
    arenaPanel.showWatching(id);
  }
});
net.on('snapshot', (msg) => {
  world.applySnapshot(msg, performance.now());
  ui.setGridSize(world.width, world.height);
  refresh();
});
net.on('frame', (msg) => {
  if (world.applyFrame(msg, performance.now())) refresh();
});
net.on('spawned', (msg) => {
  joining = false;
  wantJoin = false;
  wantWatch = false;
  world.setMe(msg.snake);
  ui.hideDeath();
  ui.showStart(false);
  ui.focusGame();
  refresh();
});
net.on('died', (msg) => {
  world.clearMe();
  refresh();
  ui.showDeath(msg, world.tickRate, world.replay, world.tick + 1);
});
net.on('warning', (msg) => {
  if (msg.code === 'resume-failed') {
    // The game we were in has ended (we were away too long): a fresh start.
    world.clearMe();
    wantJoin = false;
    ui.hideDeath();
    ui.showStart(true);
    ui.setStartMessage('Your game ended while the connection was down. Play again?');
    refresh();
  }
});
net.on('saved', () => {
  ui.setSaved(true);
});
net.on('top', (msg) => {
  gotTop = true;
  ui.renderTop(msg);
});
net.on('error', (msg) => {
  const text = String(msg.message || msg.code || 'Something went wrong');
  const answersHello = !net.welcomed; // before the welcome, only the hello gets answers
  if (answersHello) helloPending = false;
  joining = false;
  if (msg.code === 'bad-name') {
    wantJoin = false;
    wantWatch = false;
    ui.hideDeath();
    ui.showStart(true);
    ui.setNameError(text);
  } else if (msg.code === 'bad-arena' || msg.code === 'no-arena' || msg.code === 'arena-limit') {
    watchPending = null;
    wantJoin = false;
    wantWatch = false;
    if (answersHello) {
      helloArena = null; // the next Play lets the server pick an arena
      arenaPanel.setStartArena(null);
    }
    ui.hideDeath();
    ui.showStart(true);
    arenaPanel.setArenaError(text);
  } else if (msg.code === 'world-full' || msg.code === 'no-room') {
    wantJoin = false;
    ui.hideDeath();
    ui.showStart(true);
    ui.setStartMessage(text);
  } else {
    if (msg.code === 'out-of-place') watchPending = null;
    ui.flash(text);
  }
});
net.on('close', ({ code, reason, wasWelcomed }) => {
  if ((wasWelcomed || reconnecting) && resumeToken && !NO_RESUME_CODES.has(code)) {
    // The network dropped us: get the same session back, without a reload.
    if (!reconnecting) {
      reconnecting = true;
      reconnectAttempt = 0;
      reconnectSince = performance.now();
      ui.setStatus('reconnecting');
      ui.flash('Connection lost: reconnecting…');
    }
    joining = false;
    helloPending = false;
    watchPending = null;
    scheduleReconnect(reconnectAttempt);
    return;
  }
  reconnecting = false;
  const refused = ui.nameError.textContent !== '' || arenaPanel.arenaError.textContent !== '';
  const rejected = !wasWelcomed && refused;
  joining = false;
  wantJoin = false;
  wantWatch = false;
  helloPending = false;
  watchPending = null;
  moveAfterWelcome = null;
  world.clearMe();
  refresh();
  arenaPanel.setArena(null);
  arenaPanel.setStartArena(helloArena);
  ui.hideDeath();
  if (rejected) {
    ui.showStart(true); // the server hung up on a refused name: just try again
  } else {
    ui.showStart(false);
    ui.showLost(true, code, reason);
  }
});

// -- the list of open arenas, while it is in view --------------------------------------

let arenasBusy = false;

async function refreshArenas() {
  if (arenasBusy || !ui.arenasVisible || document.visibilityState === 'hidden') return;
  arenasBusy = true;
  try {
    const res = await fetch('/api/arenas', { cache: 'no-store' });
    const data = res.ok ? await res.json() : null;
    if (data && Array.isArray(data.arenas)) arenaPanel.renderArenas(data.arenas);
  } catch {
    /* the server is away: keep the last list; "Connection lost" says the rest */
  } finally {
    arenasBusy = false;
  }
}

setInterval(refreshArenas, ARENAS_REFRESH_MS);
document.addEventListener('visibilitychange', () => refreshArenas());

// -- start -------------------------------------------------------------------------------

ui.setGridSize(world.width, world.height);
ui.setStatus('disconnected');
ui.setPing(null);
ui.name = loadName();
arenaPanel.setStartArena(helloArena);
refresh();
ui.showStart(true);
renderer.start();

fetch('/api/top-scores')
  .then((res) => (res.ok ? res.json() : null))
  .then((top) => {
    if (top && !gotTop) ui.renderTop(top);
  })
  .catch(() => {
    /* no scores yet: the server sends them on connect */
  });
