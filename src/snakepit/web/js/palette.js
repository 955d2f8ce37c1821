/**
 * palette.js — the 16 snake colours (indexed 0..15 by the protocol's `color` field) and
 * the colours of the board, chosen to read well on a dark background. Shared by the
 * canvas renderer and the DOM panels so a snake has the same colour everywhere.
 */

export const SNAKE_COLORS = Object.freeze([
  '#ff5c5c', // red
  '#ffa23d', // orange
  '#ffe14d', // yellow
  '#a6e22e', // lime
  '#3ddc84', // green
  '#2ee6c8', // teal
  '#4cc9f0', // sky
  '#5b8cff', // blue
  '#a98bff', // violet
  '#e07bff', // magenta
  '#ff7eb6', // pink
  '#e9d8b4', // sand
  '#c2410c', // rust
  '#f5f5f5', // white
  '#8b5cf6', // indigo
  '#84cc16', // olive
]);

/**
 * The colour of palette index `i` (any integer; out-of-range values wrap).
 * @param {number} i
 * @returns {string}
 */
export function snakeColor(i) {
  const n = SNAKE_COLORS.length;
  const k = Number.isInteger(i) ? ((i % n) + n) % n : 0;
  return SNAKE_COLORS[k];
}

/**
 * `hex` moved towards `other` by `amount` (0..1), both "#rrggbb"; returns an rgb() string.
 * @param {string} hex
 * @param {string} other
 * @param {number} amount
 */
export function mixColor(hex, other, amount) {
  const a = parseInt(hex.slice(1), 16);
  const b = parseInt(other.slice(1), 16);
  const ch = (v, s) => (v >> s) & 255;
  const m = (s) => Math.round(ch(a, s) + (ch(b, s) - ch(a, s)) * amount);
  return `rgb(${m(16)}, ${m(8)}, ${m(0)})`;
}

export const BOARD = Object.freeze({
  background: '#0b0f17',
  grid: 'rgba(255, 255, 255, 0.045)',
  border: '#3b4a66',
  stone: '#7d8590',
  stoneLight: '#a3acb8',
  stoneDark: '#4a5059',
  digitTile: '#1c2333',
  digitText: '#fff6d5',
  me: '#ffffff',
});
