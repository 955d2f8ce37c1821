/**
 * net.js — the WebSocket connection to the Snakepit server.
 *
 * `Net` opens and closes the socket at `/ws` on this page's host (ws: or wss: to match
 * the page), encodes outgoing messages as JSON, decodes incoming ones and re-emits each
 * as an event named after its `type` (plus a generic "message" event). Once the server
 * has said `welcome` it pings every 2 seconds and emits "ping" with the round trip in ms.
 *
 * Events: "state" ("connecting" | "connected" | "disconnected"), "open", "close"
 * ({code, reason, wasWelcomed} — only for closes this side did not ask for), "message",
 * one event per message type ("welcome", "snapshot", "frame", ...), and "ping" (ms).
 */

import { Emitter } from './emitter.js';

export const PROTOCOL_VERSION = 1;
const PING_INTERVAL_MS = 2000;

/** The WebSocket URL of the server that served this page. */
export function socketUrl(loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}

export class Net extends Emitter {
  /** @param {string} url */
  constructor(url) {
    super();
    this.url = url;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.state = 'disconnected';
    this.welcomed = false;
    this._pingTimer = 0;
    this._decoder = new TextDecoder();
  }

  /** True while a socket is connecting or open. */
  get active() {
    return this.ws !== null;
  }

  /** True when messages can be sent right now. */
  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Open a new socket unless one is already connecting or open. */
  open() {
    if (this.ws) return;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      console.warn('snakepit: cannot open the socket', err);
      this._setState('disconnected');
      this.emit('close', { code: 0, reason: String(err), wasWelcomed: false });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.welcomed = false;
    this._setState('connecting');
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this._setState('connected');
      this.emit('open');
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws === ws) this._receive(ev.data);
    });
    ws.addEventListener('close', (ev) => {
      if (this.ws !== ws) return;
      const wasWelcomed = this.welcomed;
      this._drop();
      this.emit('close', { code: ev.code, reason: ev.reason, wasWelcomed });
    });
    // An 'error' is always followed by 'close', which does the work.
    ws.addEventListener('error', () => {});
  }

  /** Close the socket on purpose (no "close" event is emitted for it). */
  close() {
    const ws = this.ws;
    if (!ws) return;
    this._drop();
    try {
      ws.close(1000, 'bye');
    } catch {
      /* already closing */
    }
  }

  /**
   * Send one message (an object with a `type`). Returns false when the socket is not open.
   * @param {object} message
   */
  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * @param {string} name
   * @param {string | null} [arena] the arena to enter (opened if new); null: the server picks
   * @param {string | null} [resume] the token of a dropped connection's session, to get it back
   */
  hello(name, arena = null, resume = null) {
    const msg = { type: 'hello', protocol: PROTOCOL_VERSION, name };
    if (arena) msg.arena = arena;
    if (resume) msg.resume = resume;
    return this.send(msg);
  }

  /**
   * Move to another arena to watch it (only while not playing); null: the liveliest public one.
   * @param {string | null} [arena]
   */
  watch(arena = null) {
    return this.send(arena ? { type: 'watch', arena } : { type: 'watch' });
  }

  join() {
    return this.send({ type: 'join' });
  }

  turn(dir) {
    return this.send({ type: 'turn', dir });
  }

  _receive(data) {
    const text = typeof data === 'string' ? data : this._decoder.decode(data);
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      console.warn('snakepit: ignoring a message that is not JSON');
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (msg.type === 'pong') {
      if (typeof msg.t === 'number') this.emit('ping', Math.max(0, performance.now() - msg.t));
      return;
    }
    if (msg.type === 'welcome') {
      this.welcomed = true;
      this._startPing();
    }
    this.emit('message', msg);
    this.emit(msg.type, msg);
  }

  _startPing() {
    this._stopPing();
    const ping = () => this.send({ type: 'ping', t: performance.now() });
    ping();
    this._pingTimer = setInterval(ping, PING_INTERVAL_MS);
  }

  _stopPing() {
    if (this._pingTimer) clearInterval(this._pingTimer);
    this._pingTimer = 0;
  }

  _drop() {
    this._stopPing();
    this.ws = null;
    this.welcomed = false;
    this._setState('disconnected');
  }

  _setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.emit('state', state);
  }
}
