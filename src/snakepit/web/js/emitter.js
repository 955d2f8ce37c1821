/**
 * emitter.js — a tiny event emitter shared by the client's modules.
 *
 * `on(type, fn)` subscribes (and returns an unsubscribe function); `emit(type, data)`
 * calls every listener of `type` in the order they subscribed. A listener that throws
 * is reported to the console and does not stop the others.
 */

export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
  }

  /**
   * @param {string} type
   * @param {(data: any) => void} fn
   * @returns {() => void} a function that removes the listener
   */
  on(type, fn) {
    let set = this._listeners.get(type);
    if (!set) {
      set = new Set();
      this._listeners.set(type, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * @param {string} type
   * @param {any} [data]
   */
  emit(type, data) {
    const set = this._listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(data);
      } catch (err) {
        console.error(`snakepit: listener for "${type}" failed`, err);
      }
    }
  }
}
