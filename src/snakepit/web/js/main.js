/**
 * main.js — wires the client together: the connection (net.js), the world model
 * (state.js), the canvas (render.js), the page (ui.js) and the controls (input.js).
 *
 * The flow: the page loads without connecting and shows the start screen. Play opens the
 * socket (if needed), says hello with the name, and joins once welcomed. A death shows
 * the death screen; Play again joins again on the same socket. A dropped connection shows
 * "Connection lost"; Reconnect opens a new socket, says hello and returns to the start
 * screen, with the world visible behind it.
 */

import { Input } from './input.js';
import { Net, socketUrl } from './net.js';
import { Renderer } from './render.js';
import { World } from './state.js';
import { UI } from './ui.js';

const NAME_KEY = 'snakepit.name';

const world = new World();
const ui = new UI(document);
const net = new Net(socketUrl());
const input = new Input(window, ui.canvas, document.getElementById('touch-controls'));
const renderer = new Renderer(ui.canvas, world);

let helloName = null; // the name of the hello sent (or to send) on this socket
let helloPending = false; // a hello was sent and not yet answered
let wantJoin = false; // join as soon as the server has welcomed us
let joining = false; // a join was sent and not yet answered
let gotTop = false;

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

function sayHello(name) {
  helloName = name;
  helloPending = net.hello(name);
}

function join() {
  if (joining) return;
  joining = net.join();
}

function play(name) {
  saveName(name);
  ui.setNameError('');
  ui.setStartMessage('');
  wantJoin = true;
  if (net.welcomed && name !== helloName) net.close(); // a new name needs a new connection
  if (!net.active) {
    helloName = name;
    world.clearMe();
    net.open(); // the hello goes out when it opens
  } else if (!net.isOpen) {
    helloName = name;
  } else if (net.welcomed) {
    join();
  } else if (!helloPending || name !== helloName) {
    sayHello(name); // another try after a rejected name
  }
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

ui.on('play', play);
ui.on('play-again', playAgain);
ui.on('reconnect', () => {
  ui.showLost(false);
  ui.hideDeath();
  world.reset();
  ui.refresh(world);
  ui.showStart(true);
  wantJoin = false;
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

net.on('state', (state) => ui.setStatus(state));
net.on('ping', (ms) => ui.setPing(ms));
net.on('open', () => {
  if (helloName !== null) sayHello(helloName);
});
net.on('welcome', (msg) => {
  helloPending = false;
  world.applyWelcome(msg);
  ui.setGridSize(world.width, world.height);
  helloName = msg.name;
  ui.name = msg.name;
  saveName(msg.name);
  if (wantJoin) join();
});
net.on('snapshot', (msg) => {
  world.applySnapshot(msg, performance.now());
  ui.setGridSize(world.width, world.height);
  ui.refresh(world);
});
net.on('frame', (msg) => {
  if (world.applyFrame(msg, performance.now())) ui.refresh(world);
});
net.on('spawned', (msg) => {
  joining = false;
  wantJoin = false;
  world.setMe(msg.snake);
  ui.hideDeath();
  ui.showStart(false);
  ui.focusGame();
  ui.refresh(world);
});
net.on('died', (msg) => {
  world.clearMe();
  ui.refresh(world);
  ui.showDeath(msg, world.tickRate);
});
net.on('top', (msg) => {
  gotTop = true;
  ui.renderTop(msg);
});
net.on('error', (msg) => {
  const text = String(msg.message || msg.code || 'Something went wrong');
  joining = false;
  if (msg.code === 'bad-name') {
    helloPending = false;
    wantJoin = false;
    ui.hideDeath();
    ui.showStart(true);
    ui.setNameError(text);
  } else if (msg.code === 'world-full' || msg.code === 'no-room') {
    wantJoin = false;
    ui.hideDeath();
    ui.showStart(true);
    ui.setStartMessage(text);
  } else {
    ui.flash(text);
  }
});
net.on('close', ({ wasWelcomed }) => {
  const rejected = !wasWelcomed && ui.nameError.textContent !== '';
  joining = false;
  wantJoin = false;
  helloPending = false;
  world.clearMe();
  ui.refresh(world);
  ui.hideDeath();
  if (rejected) {
    ui.showStart(true); // the server hung up on a refused name: just try again
  } else {
    ui.showStart(false);
    ui.showLost(true);
  }
});

ui.setGridSize(world.width, world.height);
ui.setStatus('disconnected');
ui.setPing(null);
ui.name = loadName();
ui.refresh(world);
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
