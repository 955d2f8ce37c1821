/**
 * input.js — turns the keyboard, touch swipes and the on-screen arrow buttons into
 * intents, emitted as events:
 *
 *   "turn"    ("up" | "down" | "left" | "right") — arrow keys, WASD, a swipe, a button;
 *   "confirm" — Enter or Space pressed outside a text field or button (buttons and forms
 *               handle those keys themselves).
 *
 * Keys typed into a text field are left alone, so a name with a "w" in it can be typed.
 * Arrow keys and Space never scroll the page while the game has them.
 */

import { Emitter } from './emitter.js';

const KEY_DIRS = new Map([
  ['ArrowUp', 'up'],
  ['ArrowDown', 'down'],
  ['ArrowLeft', 'left'],
  ['ArrowRight', 'right'],
  ['KeyW', 'up'],
  ['KeyS', 'down'],
  ['KeyA', 'left'],
  ['KeyD', 'right'],
]);

const LETTER_DIRS = new Map([
  ['w', 'up'],
  ['s', 'down'],
  ['a', 'left'],
  ['d', 'right'],
]);

/** Minimum finger travel, in CSS pixels, that counts as a swipe. */
const SWIPE_PX = 24;

function isTextField(el) {
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function isButton(el) {
  return !!el && (el.tagName === 'BUTTON' || el.tagName === 'A');
}

export class Input extends Emitter {
  /**
   * @param {Window} win where key presses are listened for
   * @param {HTMLElement} swipeArea the element that takes swipes (the canvas)
   * @param {HTMLElement | null} buttons container of `button[data-dir]` arrow buttons
   */
  constructor(win, swipeArea, buttons) {
    super();
    win.addEventListener('keydown', (ev) => this._onKey(ev));
    this._bindSwipes(swipeArea);
    if (buttons) this._bindButtons(buttons);
  }

  _onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = ev.target;
    if (isTextField(target)) return;
    const dir = KEY_DIRS.get(ev.code) || LETTER_DIRS.get(String(ev.key).toLowerCase());
    if (dir) {
      if (ev.key.startsWith('Arrow')) ev.preventDefault();
      this.emit('turn', dir);
      return;
    }
    if (ev.key === 'Enter' || ev.key === ' ' || ev.code === 'Space') {
      if (isButton(target)) return; // the button clicks itself
      if (ev.repeat) return;
      ev.preventDefault();
      this.emit('confirm');
    }
  }

  _bindSwipes(area) {
    let origin = null;
    let id = null;
    const start = (ev) => {
      const t = ev.changedTouches[0];
      if (!t || id !== null) return;
      id = t.identifier;
      origin = { x: t.clientX, y: t.clientY };
    };
    const track = (ev, ending) => {
      if (origin === null) return;
      const t = [...ev.changedTouches].find((c) => c.identifier === id);
      if (!t) return;
      if (ev.cancelable) ev.preventDefault();
      const dx = t.clientX - origin.x;
      const dy = t.clientY - origin.y;
      if (Math.max(Math.abs(dx), Math.abs(dy)) >= SWIPE_PX) {
        const dir = Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'down' : 'up';
        this.emit('turn', dir);
        // Keep tracking from here, so one gesture can make several turns.
        origin = { x: t.clientX, y: t.clientY };
      }
      if (ending) {
        origin = null;
        id = null;
      }
    };
    area.addEventListener('touchstart', start, { passive: true });
    area.addEventListener('touchmove', (ev) => track(ev, false), { passive: false });
    area.addEventListener('touchend', (ev) => track(ev, true), { passive: false });
    area.addEventListener('touchcancel', () => {
      origin = null;
      id = null;
    });
  }

  _bindButtons(container) {
    container.addEventListener('pointerdown', (ev) => {
      const btn = ev.target.closest('button[data-dir]');
      if (!btn) return;
      ev.preventDefault(); // keep the focus where it is, no double tap zoom
      this.emit('turn', btn.dataset.dir);
    });
    // Keyboard activation of a focused arrow button (pointer clicks were handled above).
    container.addEventListener('click', (ev) => {
      const btn = ev.target.closest('button[data-dir]');
      if (btn && ev.detail === 0) this.emit('turn', btn.dataset.dir);
    });
  }
}
