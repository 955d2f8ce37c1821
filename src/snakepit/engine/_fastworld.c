/* The rules of Snakepit in C: the same game as snakepit/engine/world.py, tick for tick.
 *
 * World (world.py) is the reference: readable, and what replays are checked against.
 * This is the same state machine with a compact layout, for the server's hot path:
 * the board is two flat arrays (which snake's body is on a cell; which digit or stone
 * lies there), a body is a ring of cell indexes, digits and stones are short vectors in
 * the order they were put down (the order of World's dicts), and the generator is
 * CPython's own Mersenne Twister, started from the state a random.Random(seed) has, so
 * every number drawn is the number World draws. The differential tests
 * (tests/engine/test_fast_world.py) hold the two to the same reports, the same
 * fingerprints and the same digests.
 *
 * Python sees it through snakepit.engine.fast.FastWorld, which binds the engine's
 * classes here once (_bind) and builds the views (snakes, digits, stones, rng) on
 * demand. Nothing here does I/O, reads a clock or holds the GIL away from anyone.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_sha256.h"

/* -- what Python binds -------------------------------------------------------------- */

static PyObject *TickReportType, *MoveType, *DeathType, *SpawnType;
static PyObject *TurnType, *LeaveType;
static PyObject *Directions[4];  /* DIRECTIONS order: UP, RIGHT, DOWN, LEFT */
static PyObject *DirectionNames[4];  /* their wire names, for the digest */
static PyObject *Causes[7];      /* index: the C cause code below (0 unused) */
static PyObject *str_snake_id, *str_direction, *str_ref, *str_name;
/* the dataclasses' field names, in their order (dataclasses.fields) */
static PyObject *ReportFields, *DeathFields, *SpawnFields;

/* An instance of a slots dataclass with its fields set, as its __init__ would set them
 * (none of the engine's value classes does more), without running that Python __init__:
 * object.__new__, then object.__setattr__ for each field (which a frozen class allows). */
static PyObject *new_value(PyObject *type, PyObject *fields, PyObject *const *values)
{
    PyTypeObject *t = (PyTypeObject *)type;
    PyObject *obj = t->tp_alloc(t, 0);
    if (!obj) return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        if (PyObject_GenericSetAttr(obj, PyTuple_GET_ITEM(fields, i), values[i]) < 0) {
            Py_DECREF(obj);
            return NULL;
        }
    }
    return obj;
}

/* new_value with values built by Py_BuildValue's ``format`` (a tuple of the fields) */
static PyObject *new_value_of(PyObject *type, PyObject *fields, PyObject *values)
{
    if (!values) return NULL;
    PyObject *obj = NULL;
    if (PyTuple_GET_SIZE(values) != PyTuple_GET_SIZE(fields))
        PyErr_SetString(PyExc_TypeError, "a value's fields and values differ in number");
    else
        obj = new_value(type, fields, &PyTuple_GET_ITEM(values, 0));
    Py_DECREF(values);
    return obj;
}

enum { NO_CAUSE = 0, WALL, STONE, SELF_, SNAKE, HEAD_ON, LEFT_ };
static const int DX[4] = {0, 1, 0, -1};
static const int DY[4] = {-1, 0, 1, 0};
#define OPPOSITE(d) (((d) + 2) & 3)
#define KIND_STONE 10
#define PALETTE 16
#define PROBES 64
#define MAX_SLOTS 65535

/* -- CPython's Mersenne Twister (Modules/_randommodule.c), state for state ---------- */

#define MT_N 624
#define MT_M 397

typedef struct { uint32_t mt[MT_N]; int index; } MT;

static uint32_t mt_next(MT *r)
{
    static const uint32_t mag01[2] = {0x0U, 0x9908b0dfU};
    uint32_t y, *mt = r->mt;
    if (r->index >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
            mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (mt[kk] & 0x80000000U) | (mt[kk + 1] & 0x7fffffffU);
            mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 0x1U];
        }
        y = (mt[MT_N - 1] & 0x80000000U) | (mt[0] & 0x7fffffffU);
        mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
        r->index = 0;
    }
    y = mt[r->index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

static int bit_length(uint32_t n)
{
    int bits = 0;
    while (n) { bits++; n >>= 1; }
    return bits;
}

/* rng.getrandbits(k) for 1 <= k <= 32 */
static uint32_t getrandbits(MT *r, int k) { return mt_next(r) >> (32 - k); }

/* dice.below: k in [0, n), by rejection, n >= 1 */
static uint32_t below(MT *r, uint32_t n)
{
    int k = bit_length(n);
    uint32_t v = getrandbits(r, k);
    while (v >= n) v = getrandbits(r, k);
    return v;
}

/* -- values ------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    PyObject *name;
    int color, dir;
    int64_t born, grow, score, kills, eaten;
    int32_t *body;      /* ring of cell indexes; body[(start + i) & mask] is cell i, head first */
    uint32_t mask, start, len;
    uint8_t *turns;     /* queued turns, oldest first */
    int nturns;
    uint16_t slot;      /* what occ[] holds for this snake's cells */
} Snake;

typedef struct { int32_t cell; int64_t v; } Entry;
typedef struct { Entry *a; Py_ssize_t n, cap; } Vec;

static int vec_push(Vec *v, int32_t cell, int64_t value)
{
    if (v->n == v->cap) {
        Py_ssize_t cap = v->cap ? v->cap * 2 : 16;
        Entry *a = PyMem_Realloc(v->a, cap * sizeof(Entry));
        if (!a) { PyErr_NoMemory(); return -1; }
        v->a = a; v->cap = cap;
    }
    v->a[v->n].cell = cell;
    v->a[v->n].v = value;
    v->n++;
    return 0;
}

static Py_ssize_t vec_find(const Vec *v, int32_t cell)
{
    for (Py_ssize_t i = 0; i < v->n; i++)
        if (v->a[i].cell == cell) return i;
    return -1;
}

static void vec_remove_at(Vec *v, Py_ssize_t i)
{
    memmove(v->a + i, v->a + i + 1, (v->n - i - 1) * sizeof(Entry));
    v->n--;
}

/* dict.setdefault(cell, value) */
static int vec_setdefault(Vec *v, int32_t cell, int64_t value)
{
    if (vec_find(v, cell) >= 0) return 0;
    return vec_push(v, cell, value);
}

/* what one live snake does during a step */
typedef struct {
    Snake *s;
    int32_t old_head;
    int nx, ny;
    int64_t length;     /* after the move */
    int kept;           /* grew: the tail stayed */
    int cause;
    int64_t killer;     /* 0: none */
} Mover;

typedef struct {
    PyObject_HEAD
    int W, H, start_length, turn_queue, digits_base, digits_per_snake, kill_points;
    int corpse_step, corpse_max_digit, corpse_ttl, stone_interval, max_stones, stone_ttl;
    int spawn_head_distance, stone_head_distance, spawn_margin;
    int64_t tick, next_id;
    MT rng;
    uint16_t *occ;      /* per cell: 0, or the slot of the snake whose body is there */
    uint8_t *kind;      /* per cell: 0 free of items, 1-9 a digit, KIND_STONE */
    Vec digits, expiry, stones;  /* (cell, value / fading tick / crumbling tick), dict order */
    Snake **live;       /* in id order */
    Py_ssize_t nlive, live_cap;
    Snake **slots;      /* slots[slot - 1] */
    uint16_t *free_slots;
    Py_ssize_t nslots, nfree;
    /* a step's scratch */
    Vec were, stones_were;
    Mover *movers;
    Py_ssize_t movers_cap;
    PyObject *wire_moves;  /* the last step's moves as the wire has them (wire_moves()) */
} World;

/* -- helpers ------------------------------------------------------------------------ */

static inline int32_t body_at(const Snake *s, uint32_t i) { return s->body[(s->start + i) & s->mask]; }

static int body_push_head(Snake *s, int32_t cell)
{
    if (s->len == s->mask + 1) {
        uint32_t cap = (s->mask + 1) * 2;
        int32_t *body = PyMem_Malloc(cap * sizeof(int32_t));
        if (!body) { PyErr_NoMemory(); return -1; }
        for (uint32_t i = 0; i < s->len; i++) body[i + 1] = body_at(s, i);
        PyMem_Free(s->body);
        s->body = body; s->mask = cap - 1; s->start = 1;
    }
    s->start = (s->start - 1) & s->mask;
    s->body[s->start] = cell;
    s->len++;
    return 0;
}

/* A tuple of ``n`` integers, made directly (Py_BuildValue parses its format at every call:
   these are made a few dozen times a tick). */
static PyObject *int_tuple(Py_ssize_t n, const long long *values)
{
    PyObject *t = PyTuple_New(n);
    if (!t) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyLong_FromLongLong(values[i]);
        if (!v) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

static PyObject *xy_obj(int x, int y)
{
    const long long xy[2] = {x, y};
    return int_tuple(2, xy);
}

static PyObject *cell_obj(const World *w, int32_t cell)
{
    return xy_obj(cell % w->W, cell / w->W);
}

static int cell_less(const World *w, int32_t a, int32_t b)
{
    int ax = a % w->W, bx = b % w->W;
    return ax != bx ? ax < bx : a / w->W < b / w->W;
}

static const World *sort_world;
static int cmp_entry(const void *pa, const void *pb)
{
    int32_t a = ((const Entry *)pa)->cell, b = ((const Entry *)pb)->cell;
    if (a == b) return 0;
    return cell_less(sort_world, a, b) ? -1 : 1;
}

static Snake *find_snake(const World *w, int64_t id)
{
    Py_ssize_t lo = 0, hi = w->nlive;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (w->live[mid]->id < id) lo = mid + 1; else hi = mid;
    }
    return lo < w->nlive && w->live[lo]->id == id ? w->live[lo] : NULL;
}

static Snake *snake_of_intent(const World *w, PyObject *intent)
{
    PyObject *id = PyObject_GetAttr(intent, str_snake_id);
    if (!id) { PyErr_Clear(); return NULL; }
    Snake *s = NULL;
    if (PyLong_Check(id)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(id, &overflow);
        if (!overflow && !(v == -1 && PyErr_Occurred())) s = find_snake(w, v);
        PyErr_Clear();
    }
    Py_DECREF(id);
    return s;
}

static void free_snake(Snake *s)
{
    Py_XDECREF(s->name);
    PyMem_Free(s->body);
    PyMem_Free(s->turns);
    PyMem_Free(s);
}

static int taken(const World *w, int32_t c) { return w->occ[c] != 0 || w->kind[c] != 0; }
static int64_t owner_id(const World *w, int32_t c) { return w->slots[w->occ[c] - 1]->id; }

/* -- the tick ----------------------------------------------------------------------- */

/* World._kill: off the board, its record appended to ``deaths``, its body into digits
 * (never on a cell where a survivor of ``keep`` lands). ``length`` < 0: its own length. */
static int kill(World *w, Snake *s, int cause, int64_t killer, PyObject *killer_name,
                int64_t length, const Mover *keep, Py_ssize_t nkeep, PyObject *deaths)
{
    PyObject *kid = killer ? PyLong_FromLongLong(killer) : Py_NewRef(Py_None);
    if (!kid) return -1;
    PyObject *death = new_value_of(DeathType, DeathFields, Py_BuildValue(
        "(LOOOOLLLL)", (long long)s->id, s->name, Causes[cause], kid,
        killer_name ? killer_name : Py_None,
        (long long)s->score, (long long)(length >= 0 ? length : (int64_t)s->len),
        (long long)s->kills, (long long)(w->tick - s->born)));
    Py_DECREF(kid);
    if (!death) return -1;
    int r = PyList_Append(deaths, death);
    Py_DECREF(death);
    if (r < 0) return -1;

    Py_ssize_t i = 0;
    while (w->live[i] != s) i++;
    memmove(w->live + i, w->live + i + 1, (w->nlive - i - 1) * sizeof(Snake *));
    w->nlive--;
    w->slots[s->slot - 1] = NULL;
    w->free_slots[w->nfree++] = s->slot;
    for (uint32_t k = 0; k < s->len; k++) w->occ[body_at(s, k)] = 0;

    int64_t expiry = w->tick + w->corpse_ttl;
    int rc = 0;
    for (uint32_t k = 0; k < s->len; k += (uint32_t)w->corpse_step) {
        int32_t c = body_at(s, k);
        if (w->kind[c] != 0) continue;
        int clear = 0;
        for (Py_ssize_t j = 0; j < nkeep && !clear; j++)
            if (keep[j].cause == NO_CAUSE && keep[j].ny * w->W + keep[j].nx == c) clear = 1;
        if (clear) continue;
        int value = 1 + (int)below(&w->rng, (uint32_t)w->corpse_max_digit);
        if (vec_setdefault(&w->were, c, 0) < 0 || vec_push(&w->digits, c, value) < 0
                || vec_push(&w->expiry, c, expiry) < 0) { rc = -1; break; }
        w->kind[c] = (uint8_t)value;
    }
    free_snake(s);
    return rc;
}

/* World._queue_turn */
static void queue_turn(World *w, Snake *s, int d)
{
    int last = s->nturns ? s->turns[s->nturns - 1] : s->dir;
    if (d == last || d == OPPOSITE(last)) return;
    if (s->nturns < w->turn_queue) s->turns[s->nturns++] = (uint8_t)d;
}

static int direction_index(PyObject *d)
{
    for (int k = 0; k < 4; k++) if (d == Directions[k]) return k;
    return -1;
}

/* -- placement (placement.py) ------------------------------------------------------- */

enum { FIND_FREE, FIND_STONE, FIND_SPAWN };

typedef struct {
    const World *w;
    int mode, margin, distance, need, length, chosen;
    const int32_t *heads;
    Py_ssize_t nheads;
} Finder;

static int far_from(const Finder *f, int x, int y)
{
    int d = f->distance, W = f->w->W;
    for (Py_ssize_t i = 0; i < f->nheads; i++) {
        int hx = f->heads[i] % W, hy = f->heads[i] / W;
        if (-d < x - hx && x - hx < d && -d < y - hy && y - hy < d) return 0;
    }
    return 1;
}

/* placement._best_heading: the heading with the longest free run ahead, or -1 */
static int best_heading(const World *w, int hx, int hy, int length, int need)
{
    int best = -1, best_run = need - 1;
    for (int d = 0; d < 4; d++) {
        int dx = DX[d], dy = DY[d], ok = 1;
        for (int i = 1; i < length; i++) {
            int x = hx - dx * i, y = hy - dy * i;
            if (!(0 <= x && x < w->W && 0 <= y && y < w->H) || taken(w, y * w->W + x)) {
                ok = 0;
                break;
            }
        }
        if (!ok) continue;
        int run = 0, x = hx + dx, y = hy + dy;
        while (run < 8 && 0 <= x && x < w->W && 0 <= y && y < w->H) {
            if (taken(w, y * w->W + x)) break;
            run++; x += dx; y += dy;
        }
        if (run > best_run) { best = d; best_run = run; }
    }
    return best;
}

static int finder_ok(Finder *f, int x, int y)
{
    const World *w = f->w;
    int32_t c = y * w->W + x;
    switch (f->mode) {
    case FIND_FREE:
        return !taken(w, c);
    case FIND_STONE:
        return !taken(w, c) && far_from(f, x, y);
    default: {
        int m = f->margin;
        if (!(m <= x && x < w->W - m && m <= y && y < w->H - m)) return 0;
        if (taken(w, c) || !far_from(f, x, y)) return 0;
        int d = best_heading(w, x, y, f->length, f->need);
        if (d < 0) return 0;
        f->chosen = d;
        return 1;
    }
    }
}

/* placement.find_cell: a random cell for which the finder holds, or -1 */
static int32_t find_cell(World *w, Finder *f)
{
    int W = w->W, H = w->H, xb = bit_length((uint32_t)W), yb = bit_length((uint32_t)H);
    for (int probe = 0; probe < PROBES; probe++) {
        uint32_t x = getrandbits(&w->rng, xb);
        while (x >= (uint32_t)W) x = getrandbits(&w->rng, xb);
        uint32_t y = getrandbits(&w->rng, yb);
        while (y >= (uint32_t)H) y = getrandbits(&w->rng, yb);
        if (finder_ok(f, (int)x, (int)y)) return (int32_t)(y * W + x);
    }
    uint32_t cells = (uint32_t)W * (uint32_t)H;
    uint32_t start = below(&w->rng, cells);
    for (uint32_t i = 0; i < cells; i++) {
        uint32_t index = (start + i) % cells;
        if (finder_ok(f, (int)(index % W), (int)(index / W))) return (int32_t)index;
    }
    return -1;
}

static int32_t *live_heads(World *w)
{
    int32_t *heads = PyMem_Malloc((w->nlive + 1) * sizeof(int32_t));
    if (!heads) { PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < w->nlive; i++) heads[i] = body_at(w->live[i], 0);
    return heads;
}

/* World._spawn */
static int spawn(World *w, PyObject *join, PyObject *spawns, PyObject *rejected)
{
    PyObject *ref = PyObject_GetAttr(join, str_ref);
    if (!ref) return -1;
    int32_t *heads = live_heads(w);
    if (!heads) { Py_DECREF(ref); return -1; }
    int hd = w->spawn_head_distance;
    const int attempts[3][3] = {
        {w->spawn_margin, hd, w->start_length + 2},
        {1, hd / 2 > 2 ? hd / 2 : 2, 2},
        {0, 1, 1},
    };
    int32_t head = -1;
    int dir = 0;
    for (int a = 0; a < 3 && head < 0; a++) {
        int m = attempts[a][0];
        if ((int64_t)w->W - 2 * (int64_t)m < 1 || (int64_t)w->H - 2 * (int64_t)m < 1) continue;
        Finder f = {w, FIND_SPAWN, m, attempts[a][1], attempts[a][2], w->start_length, -1,
                    heads, w->nlive};
        head = find_cell(w, &f);
        dir = f.chosen;
    }
    PyMem_Free(heads);
    if (head < 0 || (w->nfree == 0 && w->nslots >= MAX_SLOTS)) {
        int r = PyList_Append(rejected, ref);
        Py_DECREF(ref);
        return r;
    }

    Snake *s = PyMem_Calloc(1, sizeof(Snake));
    uint32_t cap = 4;
    while (cap < (uint32_t)w->start_length * 2) cap *= 2;
    if (s) s->body = PyMem_Malloc(cap * sizeof(int32_t));
    if (s) s->turns = PyMem_Malloc((size_t)w->turn_queue);
    if (!s || !s->body || !s->turns) {
        if (s) { PyMem_Free(s->body); PyMem_Free(s->turns); PyMem_Free(s); }
        Py_DECREF(ref);
        PyErr_NoMemory();
        return -1;
    }
    s->name = PyObject_GetAttr(join, str_name);
    if (!s->name) { free_snake(s); Py_DECREF(ref); return -1; }
    s->id = w->next_id++;
    unsigned used = 0;
    for (Py_ssize_t i = 0; i < w->nlive; i++) used |= 1u << w->live[i]->color;
    s->color = (int)(s->id % PALETTE);
    for (int c = 0; c < PALETTE; c++) if (!(used & (1u << c))) { s->color = c; break; }
    s->dir = dir;
    s->born = w->tick;
    s->mask = cap - 1;
    s->slot = w->nfree ? w->free_slots[--w->nfree] : (uint16_t)(++w->nslots);
    w->slots[s->slot - 1] = s;
    int hx = head % w->W, hy = head / w->W, back = OPPOSITE(dir);
    for (int i = 0; i < w->start_length; i++) {
        int32_t c = (hy + DY[back] * i) * w->W + (hx + DX[back] * i);
        s->body[i] = c;
        w->occ[c] = s->slot;
    }
    s->len = (uint32_t)w->start_length;
    w->live[w->nlive++] = s;  /* the newest id: the end of id order */

    PyObject *sp = new_value_of(SpawnType, SpawnFields,
                                Py_BuildValue("(OL)", ref, (long long)s->id));
    Py_DECREF(ref);
    if (!sp) return -1;
    int r = PyList_Append(spawns, sp);
    Py_DECREF(sp);
    return r;
}

/* World._upkeep: fading digits, crumbling and new stones, digits topped up */
static int upkeep(World *w, PyObject *stones_added, PyObject *stones_removed)
{
    for (Py_ssize_t i = 0; i < w->expiry.n;) {
        if (w->expiry.a[i].v == w->tick) {
            int32_t c = w->expiry.a[i].cell;
            if (vec_setdefault(&w->were, c, w->kind[c]) < 0) return -1;
            vec_remove_at(&w->digits, vec_find(&w->digits, c));
            w->kind[c] = 0;
            vec_remove_at(&w->expiry, i);
        } else {
            i++;
        }
    }
    for (Py_ssize_t i = 0; i < w->stones.n;) {
        if (w->stones.a[i].v == w->tick) {
            int32_t c = w->stones.a[i].cell;
            if (vec_setdefault(&w->stones_were, c, 1) < 0) return -1;
            w->kind[c] = 0;
            vec_remove_at(&w->stones, i);
        } else {
            i++;
        }
    }
    if (w->tick % w->stone_interval == 0 && w->stones.n < w->max_stones) {
        int32_t *heads = live_heads(w);
        if (!heads) return -1;
        Finder f = {w, FIND_STONE, 0, w->stone_head_distance, 0, 0, -1, heads, w->nlive};
        int32_t c = find_cell(w, &f);
        PyMem_Free(heads);
        if (c >= 0) {
            int64_t crumbles = w->tick + w->stone_ttl
                + below(&w->rng, (uint32_t)(w->stone_ttl / 2 + 1));
            if (vec_push(&w->stones, c, crumbles) < 0) return -1;
            w->kind[c] = KIND_STONE;
            if (vec_setdefault(&w->stones_were, c, 0) < 0) return -1;
        }
    }
    if (w->stones_were.n) {
        sort_world = w;
        qsort(w->stones_were.a, w->stones_were.n, sizeof(Entry), cmp_entry);
        for (Py_ssize_t i = 0; i < w->stones_were.n; i++) {
            int32_t c = w->stones_were.a[i].cell;
            int was = (int)w->stones_were.a[i].v, is = w->kind[c] == KIND_STONE;
            PyObject *into = was && !is ? stones_removed : (!was && is ? stones_added : NULL);
            if (!into) continue;
            PyObject *cell = cell_obj(w, c);
            if (!cell || PyList_Append(into, cell) < 0) { Py_XDECREF(cell); return -1; }
            Py_DECREF(cell);
        }
    }
    int64_t wanted = (int64_t)w->digits_base + (int64_t)w->digits_per_snake * w->nlive;
    while (w->digits.n < wanted) {
        Finder f = {w, FIND_FREE, 0, 0, 0, 0, -1, NULL, 0};
        int32_t c = find_cell(w, &f);
        if (c < 0) break;
        int value = 1 + (int)below(&w->rng, 9);
        if (vec_setdefault(&w->were, c, 0) < 0 || vec_push(&w->digits, c, value) < 0) return -1;
        w->kind[c] = (uint8_t)value;
    }
    return 0;
}

static Mover *mover_of(World *w, Py_ssize_t n, int64_t id)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (w->movers[mid].s->id < id) lo = mid + 1; else hi = mid;
    }
    return &w->movers[lo];
}

/* collisions._head_on */
static void head_on(Mover **ids, int n)
{
    int64_t longest = ids[0]->length, winner = 0;
    int winners = 0;
    for (int i = 1; i < n; i++) if (ids[i]->length > longest) longest = ids[i]->length;
    for (int i = 0; i < n; i++)
        if (ids[i]->length == longest) { winners++; winner = ids[i]->s->id; }
    if (winners != 1) winner = 0;
    for (int i = 0; i < n; i++) {
        if (ids[i]->s->id != winner && ids[i]->cause == NO_CAUSE) {
            ids[i]->cause = HEAD_ON;
            ids[i]->killer = winner;
        }
    }
}

/* collisions.eliminate, over w->movers[0:n] */
static int eliminate(World *w, Py_ssize_t n)
{
    int W = w->W, H = w->H;
    /* arrivals on free cells are marked by cause = -1 until the meetings are settled */
    for (Py_ssize_t i = 0; i < n; i++) {
        Mover *m = &w->movers[i];
        if (!(0 <= m->nx && m->nx < W && 0 <= m->ny && m->ny < H)) { m->cause = WALL; continue; }
        int32_t c = m->ny * W + m->nx;
        if (w->kind[c] == KIND_STONE) { m->cause = STONE; continue; }
        if (!w->occ[c]) { m->cause = -1; continue; }
        int64_t owner = owner_id(w, c);
        if (owner == m->s->id) { m->cause = SELF_; continue; }
        Mover *o = mover_of(w, n, owner);
        int ox = m->old_head % W, oy = m->old_head / W;
        if (o->old_head == c && o->nx == ox && o->ny == oy) continue;  /* a swap: below */
        m->cause = SNAKE;
        m->killer = owner;
    }
    Mover *group[64];
    Mover **ids = group;
    if (n > 64 && !(ids = PyMem_Malloc(n * sizeof(Mover *)))) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {  /* meetings on free cells */
        if (w->movers[i].cause != -1) continue;
        int k = 0;
        ids[k++] = &w->movers[i];
        for (Py_ssize_t j = i + 1; j < n; j++)
            if (w->movers[j].cause == -1 && w->movers[j].nx == w->movers[i].nx
                    && w->movers[j].ny == w->movers[i].ny)
                ids[k++] = &w->movers[j];
        for (int j = 0; j < k; j++) ids[j]->cause = NO_CAUSE;
        if (k > 1) head_on(ids, k);
        else ids[0]->cause = -2;  /* settled, alone: kept apart from the unsettled */
    }
    for (Py_ssize_t i = 0; i < n; i++) if (w->movers[i].cause == -2) w->movers[i].cause = NO_CAUSE;
    if (ids != group) PyMem_Free(ids);
    for (Py_ssize_t i = 0; i < n; i++) {  /* swaps, each pair once */
        Mover *m = &w->movers[i];
        if (m->cause != NO_CAUSE || !(0 <= m->nx && m->nx < W && 0 <= m->ny && m->ny < H))
            continue;
        int32_t c = m->ny * W + m->nx;
        if (!w->occ[c] || w->kind[c] == KIND_STONE) continue;
        int64_t owner = owner_id(w, c);
        if (owner == m->s->id || m->s->id > owner) continue;
        Mover *o = mover_of(w, n, owner);
        if (o->old_head == c && o->nx == m->old_head % W && o->ny == m->old_head / W) {
            Mover *pair[2] = {m, o};
            head_on(pair, 2);
        }
    }
    return 0;
}

/* -- the step ----------------------------------------------------------------------- */

static int add_id(int64_t **ids, Py_ssize_t *n, Py_ssize_t *cap, int64_t id)
{
    if (*n == *cap) {
        Py_ssize_t c = *cap ? *cap * 2 : 32;
        int64_t *a = PyMem_Realloc(*ids, c * sizeof(int64_t));
        if (!a) { PyErr_NoMemory(); return -1; }
        *ids = a; *cap = c;
    }
    (*ids)[(*n)++] = id;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static PyObject *new_move(int64_t sid, int x, int y, int grew)
{
    PyTypeObject *type = (PyTypeObject *)MoveType;
    PyObject *move = type->tp_alloc(type, 3);
    if (!move) return NULL;
    PyObject *id = PyLong_FromLongLong(sid), *cell = xy_obj(x, y);
    if (!id || !cell) { Py_XDECREF(id); Py_XDECREF(cell); Py_DECREF(move); return NULL; }
    PyTuple_SET_ITEM(move, 0, id);
    PyTuple_SET_ITEM(move, 1, cell);
    PyTuple_SET_ITEM(move, 2, Py_NewRef(grew ? Py_True : Py_False));
    return move;
}

/* the deaths in snake id order (stable: World sorts its list by id) */
static int sort_deaths(PyObject *deaths)
{
    Py_ssize_t n = PyList_GET_SIZE(deaths);
    if (n < 2) return 0;
    int64_t *ids = PyMem_Malloc(n * sizeof(int64_t));
    if (!ids) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *id = PyObject_GetAttr(PyList_GET_ITEM(deaths, i), str_snake_id);
        if (!id) { PyMem_Free(ids); return -1; }
        ids[i] = PyLong_AsLongLong(id);
        Py_DECREF(id);
    }
    PyObject **items = ((PyListObject *)deaths)->ob_item;
    for (Py_ssize_t i = 1; i < n; i++) {  /* insertion sort: few deaths, stable */
        int64_t key = ids[i];
        PyObject *item = items[i];
        Py_ssize_t j = i - 1;
        while (j >= 0 && ids[j] > key) { ids[j + 1] = ids[j]; items[j + 1] = items[j]; j--; }
        ids[j + 1] = key;
        items[j + 1] = item;
    }
    PyMem_Free(ids);
    return 0;
}

static PyObject *World_step(World *w, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs > 1) { PyErr_SetString(PyExc_TypeError, "step(intents=())"); return NULL; }
    PyObject *moves = PyList_New(0), *deaths = PyList_New(0), *spawns = PyList_New(0);
    PyObject *rejected = PyList_New(0), *digits_added = PyList_New(0);
    PyObject *digits_removed = PyList_New(0), *stones_added = PyList_New(0);
    PyObject *stones_removed = PyList_New(0), *scores = PyList_New(0), *joins = PyList_New(0);
    PyObject *wire = PyList_New(0);
    PyObject *report = NULL, *it = NULL, *item = NULL;
    PyObject **names = NULL;
    int64_t *scored = NULL;
    Py_ssize_t nscored = 0, scored_cap = 0, n = 0;
    if (!moves || !deaths || !spawns || !rejected || !digits_added || !digits_removed
            || !stones_added || !stones_removed || !scores || !joins || !wire)
        goto done;

    Py_CLEAR(w->wire_moves);
    w->tick++;
    w->were.n = 0;
    w->stones_were.n = 0;

    if (nargs == 1) {  /* stage 1: intents */
        if (!(it = PyObject_GetIter(args[0]))) goto done;
        while ((item = PyIter_Next(it))) {
            int is = PyObject_IsInstance(item, TurnType);
            if (is < 0) goto done;
            if (is) {
                Snake *s = snake_of_intent(w, item);
                PyObject *d = s ? PyObject_GetAttr(item, str_direction) : NULL;
                if (d) {
                    int k = direction_index(d);
                    Py_DECREF(d);
                    if (k >= 0) queue_turn(w, s, k);
                }
                PyErr_Clear();
            } else if ((is = PyObject_IsInstance(item, LeaveType)) != 0) {
                if (is < 0) goto done;
                Snake *s = snake_of_intent(w, item);
                if (s && kill(w, s, LEFT_, 0, NULL, -1, NULL, 0, deaths) < 0) goto done;
            } else if (PyList_Append(joins, item) < 0) {
                goto done;
            }
            Py_CLEAR(item);
        }
        if (PyErr_Occurred()) goto done;
    }

    n = w->nlive;  /* stages 2 and 3: steer and move */
    if (n > w->movers_cap) {
        Mover *m = PyMem_Realloc(w->movers, n * 2 * sizeof(Mover));
        if (!m) { PyErr_NoMemory(); goto done; }
        w->movers = m;
        w->movers_cap = n * 2;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Snake *s = w->live[i];
        Mover *m = &w->movers[i];
        if (s->nturns) {
            int heading = s->dir, used = 0;
            while (used < s->nturns) {
                int turn = s->turns[used++];
                if (turn != heading && turn != OPPOSITE(heading)) { s->dir = turn; break; }
            }
            memmove(s->turns, s->turns + used, s->nturns - used);
            s->nturns -= used;
        }
        m->s = s;
        m->old_head = body_at(s, 0);
        m->nx = m->old_head % w->W + DX[s->dir];
        m->ny = m->old_head / w->W + DY[s->dir];
        m->cause = NO_CAUSE;
        m->killer = 0;
        if (s->grow > 0) {
            s->grow--;
            m->kept = 1;
        } else {
            w->occ[body_at(s, s->len - 1)] = 0;
            s->len--;
            m->kept = 0;
        }
        m->length = (int64_t)s->len + 1;
    }

    if (eliminate(w, n) < 0) goto done;  /* stage 4 */
    int any = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Mover *m = &w->movers[i];
        if (m->cause == NO_CAUSE) continue;
        any = 1;
        if (m->killer) {
            Snake *k = mover_of(w, n, m->killer)->s;
            k->kills++;
            k->score += w->kill_points;
            if (add_id(&scored, &nscored, &scored_cap, k->id) < 0) goto done;
        }
    }
    if (any) {  /* stage 5: the dead leave, named killers and all */
        if (!(names = PyMem_Calloc(n, sizeof(PyObject *)))) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t i = 0; i < n; i++)
            if (w->movers[i].cause != NO_CAUSE && w->movers[i].killer)
                names[i] = Py_NewRef(mover_of(w, n, w->movers[i].killer)->s->name);
        for (Py_ssize_t i = 0; i < n; i++) {
            Mover *m = &w->movers[i];
            if (m->cause == NO_CAUSE) continue;
            if (kill(w, m->s, m->cause, m->killer, names[i], m->length - m->kept,
                     w->movers, n, deaths) < 0)
                goto done;
            m->s = NULL;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {  /* survivors' heads; stage 6: feed */
        Mover *m = &w->movers[i];
        if (m->cause != NO_CAUSE) continue;
        Snake *s = m->s;
        int32_t c = m->ny * w->W + m->nx;
        if (body_push_head(s, c) < 0) goto done;
        w->occ[c] = s->slot;
        PyObject *move = new_move(s->id, m->nx, m->ny, m->kept);
        if (!move || PyList_Append(moves, move) < 0) { Py_XDECREF(move); goto done; }
        Py_DECREF(move);
        const long long wired[4] = {s->id, m->nx, m->ny, m->kept ? 1 : 0};
        move = int_tuple(4, wired);
        if (!move || PyList_Append(wire, move) < 0) { Py_XDECREF(move); goto done; }
        Py_DECREF(move);
        int value = w->kind[c];
        if (value >= 1 && value <= 9) {
            if (vec_setdefault(&w->were, c, value) < 0) goto done;
            vec_remove_at(&w->digits, vec_find(&w->digits, c));
            Py_ssize_t e = vec_find(&w->expiry, c);
            if (e >= 0) vec_remove_at(&w->expiry, e);
            w->kind[c] = 0;
            s->score += value;
            s->grow += value;
            s->eaten += value;
            if (add_id(&scored, &nscored, &scored_cap, s->id) < 0) goto done;
        }
    }

    if (upkeep(w, stones_added, stones_removed) < 0) goto done;  /* stage 7 */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(joins); i++)  /* stage 8 */
        if (spawn(w, PyList_GET_ITEM(joins, i), spawns, rejected) < 0) goto done;

    if (sort_deaths(deaths) < 0) goto done;
    qsort(scored, nscored, sizeof(int64_t), cmp_id);
    for (Py_ssize_t i = 0; i < nscored; i++) {
        if (i && scored[i] == scored[i - 1]) continue;
        Snake *s = find_snake(w, scored[i]);
        if (!s) continue;
        const long long scored_pair[2] = {s->id, s->score};
        PyObject *pair = int_tuple(2, scored_pair);
        if (!pair || PyList_Append(scores, pair) < 0) { Py_XDECREF(pair); goto done; }
        Py_DECREF(pair);
    }
    sort_world = w;  /* World._net_digits */
    qsort(w->were.a, w->were.n, sizeof(Entry), cmp_entry);
    for (Py_ssize_t i = 0; i < w->were.n; i++) {
        int32_t c = w->were.a[i].cell;
        int was = (int)w->were.a[i].v, now = w->kind[c] >= 1 && w->kind[c] <= 9 ? w->kind[c] : 0;
        PyObject *entry = NULL, *into = NULL;
        if (now && was != now) {
            entry = Py_BuildValue("((ii)i)", c % w->W, c / w->W, now);
            into = digits_added;
        } else if (was && !now) {
            entry = cell_obj(w, c);
            into = digits_removed;
        }
        if (!into) continue;
        if (!entry || PyList_Append(into, entry) < 0) { Py_XDECREF(entry); goto done; }
        Py_DECREF(entry);
    }
    report = new_value_of(TickReportType, ReportFields,
                          Py_BuildValue("(LOOOOOOOOO)", (long long)w->tick, moves, deaths,
                                        spawns, rejected, digits_added, digits_removed,
                                        stones_added, stones_removed, scores));
    if (report) w->wire_moves = Py_NewRef(wire);
done:
    if (names) {
        for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(names[i]);
        PyMem_Free(names);
    }
    PyMem_Free(scored);
    Py_XDECREF(item);
    Py_XDECREF(it);
    Py_XDECREF(moves); Py_XDECREF(deaths); Py_XDECREF(spawns); Py_XDECREF(rejected);
    Py_XDECREF(digits_added); Py_XDECREF(digits_removed); Py_XDECREF(stones_added);
    Py_XDECREF(stones_removed); Py_XDECREF(scores); Py_XDECREF(joins); Py_XDECREF(wire);
    return report;
}

/* -- views (FastWorld builds the engine's values from these) ---------------------- */

static PyObject *snake_tuple(const World *w, const Snake *s)
{
    PyObject *body = PyList_New(s->len), *turns = PyList_New(s->nturns);
    if (!body || !turns) { Py_XDECREF(body); Py_XDECREF(turns); return NULL; }
    for (uint32_t i = 0; i < s->len; i++) {
        PyObject *cell = cell_obj(w, body_at(s, i));
        if (!cell) { Py_DECREF(body); Py_DECREF(turns); return NULL; }
        PyList_SET_ITEM(body, i, cell);
    }
    for (int i = 0; i < s->nturns; i++) PyList_SET_ITEM(turns, i, Py_NewRef(Directions[s->turns[i]]));
    return Py_BuildValue("(LOiNOLLLLLN)", (long long)s->id, s->name, s->color, body,
                         Directions[s->dir], (long long)s->born, (long long)s->grow,
                         (long long)s->score, (long long)s->kills, (long long)s->eaten, turns);
}

static PyObject *World_snakes_state(World *w, PyObject *unused)
{
    PyObject *out = PyList_New(w->nlive);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < w->nlive; i++) {
        PyObject *t = snake_tuple(w, w->live[i]);
        if (!t) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

static PyObject *World_snake_state(World *w, PyObject *id)
{
    long long v = PyLong_AsLongLong(id);
    if (v == -1 && PyErr_Occurred()) { PyErr_Clear(); Py_RETURN_NONE; }
    Snake *s = find_snake(w, v);
    if (!s) Py_RETURN_NONE;
    return snake_tuple(w, s);
}

static PyObject *World_ids(World *w, PyObject *unused)
{
    PyObject *out = PyList_New(w->nlive);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < w->nlive; i++) {
        PyObject *id = PyLong_FromLongLong(w->live[i]->id);
        if (!id) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, id);
    }
    return out;
}

static PyObject *vec_items(const World *w, const Vec *v)
{
    PyObject *out = PyList_New(v->n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < v->n; i++) {
        int32_t c = v->a[i].cell;
        PyObject *t = Py_BuildValue("((ii)L)", c % w->W, c / w->W, (long long)v->a[i].v);
        if (!t) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

static PyObject *World_digits_items(World *w, PyObject *u) { return vec_items(w, &w->digits); }
static PyObject *World_expiry_items(World *w, PyObject *u) { return vec_items(w, &w->expiry); }
static PyObject *World_stones_items(World *w, PyObject *u) { return vec_items(w, &w->stones); }

static PyObject *World_rng_state(World *w, PyObject *unused)
{
    PyObject *out = PyTuple_New(MT_N + 1);
    if (!out) return NULL;
    for (int i = 0; i < MT_N; i++) {
        PyObject *v = PyLong_FromUnsignedLong(w->rng.mt[i]);
        if (!v) { Py_DECREF(out); return NULL; }
        PyTuple_SET_ITEM(out, i, v);
    }
    PyObject *index = PyLong_FromLong(w->rng.index);
    if (!index) { Py_DECREF(out); return NULL; }
    PyTuple_SET_ITEM(out, MT_N, index);
    return out;
}

/* -- the per-tick digest's bytes, as msgspec's msgpack encoder writes them ---------- */

typedef struct { char *p; Py_ssize_t n, cap; } Buf;

static int buf_put(Buf *b, const void *data, Py_ssize_t n)
{
    if (b->n + n > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        char *p = PyMem_Realloc(b->p, cap);
        if (!p) { PyErr_NoMemory(); return -1; }
        b->p = p; b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    return 0;
}

static int put_be(Buf *b, uint8_t tag, uint64_t v, int bytes)
{
    uint8_t out[9];
    out[0] = tag;
    for (int i = 0; i < bytes; i++) out[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return buf_put(b, out, 1 + bytes);
}

static int mp_int(Buf *b, int64_t x)
{
    if (x < 0) {
        if (x < -(1LL << 31)) return put_be(b, 0xd3, (uint64_t)x, 8);
        if (x < -(1 << 15)) return put_be(b, 0xd2, (uint64_t)x, 4);
        if (x < -(1 << 7)) return put_be(b, 0xd1, (uint64_t)x, 2);
        if (x < -(1 << 5)) return put_be(b, 0xd0, (uint64_t)x, 1);
        uint8_t v = (uint8_t)x;
        return buf_put(b, &v, 1);
    }
    if (x < (1 << 7)) { uint8_t v = (uint8_t)x; return buf_put(b, &v, 1); }
    if (x < (1 << 8)) return put_be(b, 0xcc, (uint64_t)x, 1);
    if (x < (1 << 16)) return put_be(b, 0xcd, (uint64_t)x, 2);
    if (x < (1LL << 32)) return put_be(b, 0xce, (uint64_t)x, 4);
    return put_be(b, 0xcf, (uint64_t)x, 8);
}

static int mp_array(Buf *b, Py_ssize_t n)
{
    if (n < 16) { uint8_t v = (uint8_t)(0x90 | n); return buf_put(b, &v, 1); }
    if (n < (1 << 16)) return put_be(b, 0xdc, (uint64_t)n, 2);
    return put_be(b, 0xdd, (uint64_t)n, 4);
}

static int mp_str(Buf *b, PyObject *s)
{
    Py_ssize_t n;
    const char *utf8 = PyUnicode_AsUTF8AndSize(s, &n);
    if (!utf8) return -1;
    int r;
    if (n < 32) { uint8_t v = (uint8_t)(0xa0 | n); r = buf_put(b, &v, 1); }
    else if (n < (1 << 8)) r = put_be(b, 0xd9, (uint64_t)n, 1);
    else if (n < (1 << 16)) r = put_be(b, 0xda, (uint64_t)n, 2);
    else r = put_be(b, 0xdb, (uint64_t)n, 4);
    return r < 0 ? -1 : buf_put(b, utf8, n);
}

static int mp_cell(Buf *b, const World *w, int32_t c)
{
    return mp_array(b, 2) < 0 || mp_int(b, c % w->W) < 0 || mp_int(b, c / w->W) < 0 ? -1 : 0;
}

static int mp_map(Buf *b, Py_ssize_t n)
{
    if (n < 16) { uint8_t v = (uint8_t)(0x80 | n); return buf_put(b, &v, 1); }
    if (n < (1 << 16)) return put_be(b, 0xde, (uint64_t)n, 2);
    return put_be(b, 0xdf, (uint64_t)n, 4);
}

/* a short ASCII string known here (a field's name) */
static int mp_key(Buf *b, const char *s)
{
    size_t n = strlen(s);
    uint8_t v = (uint8_t)(0xa0 | n);
    return buf_put(b, &v, 1) < 0 ? -1 : buf_put(b, s, (Py_ssize_t)n);
}

static int mp_nil(Buf *b)
{
    uint8_t nil = 0xc0;
    return buf_put(b, &nil, 1);
}

/* The two msgpack documents recording.tick_digest hashes, one after the other in ``b``;
 * ``*split`` is where the second (the counts) begins. */
static int tick_documents(const World *w, Buf *b, Py_ssize_t *split)
{
    if (mp_array(b, w->nlive) < 0) return -1;
    for (Py_ssize_t i = 0; i < w->nlive; i++) {
        const Snake *s = w->live[i];
        if (mp_array(b, 10) < 0 || mp_int(b, s->id) < 0 || mp_cell(b, w, body_at(s, 0)) < 0
                || mp_int(b, s->len) < 0 || mp_str(b, DirectionNames[s->dir]) < 0
                || mp_int(b, s->grow) < 0 || mp_int(b, s->score) < 0
                || mp_int(b, s->kills) < 0 || mp_int(b, s->eaten) < 0
                || mp_array(b, s->nturns) < 0)
            return -1;
        for (int k = 0; k < s->nturns; k++)
            if (mp_str(b, DirectionNames[s->turns[k]]) < 0) return -1;
        if (s->born == w->tick) {
            if (mp_array(b, 3) < 0 || mp_str(b, s->name) < 0 || mp_int(b, s->color) < 0
                    || mp_array(b, s->len) < 0)
                return -1;
            for (uint32_t k = 0; k < s->len; k++)
                if (mp_cell(b, w, body_at(s, k)) < 0) return -1;
        } else if (mp_nil(b) < 0) {
            return -1;
        }
    }
    *split = b->n;
    return mp_array(b, 5) < 0 || mp_int(b, w->tick) < 0 || mp_int(b, w->digits.n) < 0
           || mp_int(b, w->expiry.n) < 0 || mp_int(b, w->stones.n) < 0
           || mp_int(b, w->next_id) < 0 ? -1 : 0;
}

/* The last step's moves as frames put them on the wire, [(id, x, y, grew 0/1)], built
 * during the step (one list, shared: read it, do not change it). */
static PyObject *World_wire_moves(World *w, PyObject *unused)
{
    return w->wire_moves ? Py_NewRef(w->wire_moves) : PyList_New(0);
}

/* (snakes, counts): the two msgpack documents recording.tick_digest hashes */
static PyObject *World_digest_parts(World *w, PyObject *unused)
{
    Buf b = {NULL, 0, 0};
    Py_ssize_t split;
    PyObject *out = NULL;
    if (tick_documents(w, &b, &split) == 0)
        out = Py_BuildValue("(y#y#)", b.p, split, b.p + split, b.n - split);
    PyMem_Free(b.p);
    return out;
}

/* recording.tick_digest: 12 hex digits of the snakes' document's SHA-256, 4 of the
 * counts' */
static PyObject *World_tick_digest(World *w, PyObject *unused)
{
    Buf b = {NULL, 0, 0};
    Py_ssize_t split;
    if (tick_documents(w, &b, &split) < 0) {
        PyMem_Free(b.p);
        return NULL;
    }
    uint8_t hash[32];
    char hex[16];
    sha256(b.p, (size_t)split, hash);
    sha256_hex(hash, 12, hex);
    sha256(b.p + split, (size_t)(b.n - split), hash);
    sha256_hex(hash, 4, hex + 12);
    PyMem_Free(b.p);
    return PyUnicode_FromStringAndSize(hex, 16);
}

/* a Vec as World keeps it in a dict: {(x, y): value}, in the dict's order */
static int mp_vec(Buf *b, const World *w, const Vec *v)
{
    if (mp_map(b, v->n) < 0) return -1;
    for (Py_ssize_t i = 0; i < v->n; i++)
        if (mp_cell(b, w, v->a[i].cell) < 0 || mp_int(b, v->a[i].v) < 0) return -1;
    return 0;
}

/* World.snakes as msgspec encodes it: {id: Snake}, each snake a map of its dataclass's
 * fields in their order (deques as arrays, directions by their value) */
static int mp_snakes(Buf *b, const World *w)
{
    if (mp_map(b, w->nlive) < 0) return -1;
    for (Py_ssize_t i = 0; i < w->nlive; i++) {
        const Snake *s = w->live[i];
        if (mp_int(b, s->id) < 0 || mp_map(b, 11) < 0
                || mp_key(b, "id") < 0 || mp_int(b, s->id) < 0
                || mp_key(b, "name") < 0 || mp_str(b, s->name) < 0
                || mp_key(b, "color") < 0 || mp_int(b, s->color) < 0
                || mp_key(b, "body") < 0 || mp_array(b, s->len) < 0)
            return -1;
        for (uint32_t k = 0; k < s->len; k++)
            if (mp_cell(b, w, body_at(s, k)) < 0) return -1;
        if (mp_key(b, "direction") < 0 || mp_str(b, DirectionNames[s->dir]) < 0
                || mp_key(b, "born_tick") < 0 || mp_int(b, s->born) < 0
                || mp_key(b, "grow") < 0 || mp_int(b, s->grow) < 0
                || mp_key(b, "score") < 0 || mp_int(b, s->score) < 0
                || mp_key(b, "kills") < 0 || mp_int(b, s->kills) < 0
                || mp_key(b, "eaten") < 0 || mp_int(b, s->eaten) < 0
                || mp_key(b, "turns") < 0 || mp_array(b, s->nturns) < 0)
            return -1;
        for (int k = 0; k < s->nturns; k++)
            if (mp_str(b, DirectionNames[s->turns[k]]) < 0) return -1;
    }
    return 0;
}

/* random.Random.getstate(): (3, (624 words..., index), None) */
static int mp_rng(Buf *b, const MT *r)
{
    if (mp_array(b, 3) < 0 || mp_int(b, 3) < 0 || mp_array(b, MT_N + 1) < 0) return -1;
    for (int i = 0; i < MT_N; i++)
        if (mp_int(b, r->mt[i]) < 0) return -1;
    return mp_int(b, r->index) < 0 || mp_nil(b) < 0 ? -1 : 0;
}

#define FULL_PARTS 7
#define PART_HEX 4
#define WHOLE_HEX 16

/* recording.full_digest: the SHA-256 of each part's msgpack document (tick, snakes,
 * digits, digit fading, stones, next id, generator), and of the seven hashes together;
 * returned as (16 hex digits of the whole, 4 of each part's) */
/* -- a tick's frame as JSON, byte for byte what msgspec writes for protocol.Frame ------- */

/* The wire's words: the causes' values (index: the C cause code), and the report's and a
 * death's attribute names. */
static PyObject *CauseNames[7];
static PyObject *str_moves, *str_deaths, *str_spawns, *str_digits_added, *str_digits_removed;
static PyObject *str_stones_added, *str_stones_removed, *str_scores, *str_cause, *str_killer_id;
static PyObject *str_tick;

static int j_lit(Buf *b, const char *s) { return buf_put(b, s, (Py_ssize_t)strlen(s)); }

static int j_int(Buf *b, long long v)
{
    char out[24], *end = out + sizeof out, *p = end;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) *--p = '-';
    return buf_put(b, p, end - p);
}

/* a str as msgspec's JSON encoder writes it: UTF-8, with ", \ and the control characters
 * escaped (\b \t \n \f \r by name, the others as \u00xx) */
static int j_str(Buf *b, PyObject *s)
{
    Py_ssize_t n;
    const char *utf8 = PyUnicode_AsUTF8AndSize(s, &n);
    if (!utf8 || buf_put(b, "\"", 1) < 0) return -1;
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)utf8[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        if (buf_put(b, utf8 + run, i - run) < 0) return -1;
        run = i + 1;
        char esc[7] = {'\\', 0};
        int len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\t': esc[1] = 't'; break;
        case '\n': esc[1] = 'n'; break;
        case '\f': esc[1] = 'f'; break;
        case '\r': esc[1] = 'r'; break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            len = 6;
        }
        if (buf_put(b, esc, len) < 0) return -1;
    }
    return buf_put(b, utf8 + run, n - run) < 0 || buf_put(b, "\"", 1) < 0 ? -1 : 0;
}

/* a tuple of ints (a cell, a move, a score) as a JSON array; ``ints`` of them */
static int j_ints(Buf *b, PyObject *t, Py_ssize_t ints)
{
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != ints) {
        PyErr_SetString(PyExc_TypeError, "a report's entry is not the tuple it should be");
        return -1;
    }
    if (buf_put(b, "[", 1) < 0) return -1;
    for (Py_ssize_t i = 0; i < ints; i++) {
        long long v = PyLong_AsLongLong(PyTuple_GET_ITEM(t, i));
        if (v == -1 && PyErr_Occurred()) return -1;
        if ((i && buf_put(b, ",", 1) < 0) || j_int(b, v) < 0) return -1;
    }
    return buf_put(b, "]", 1);
}

/* ``,"key":[...]`` for a non-empty list of int tuples (an empty one is left out, as
 * msgspec leaves out a field at its default) */
static int j_field_of_ints(Buf *b, const char *key, PyObject *list, Py_ssize_t ints)
{
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "a report's field is not a list");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (!n) return 0;
    if (j_lit(b, key) < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if ((i && buf_put(b, ",", 1) < 0) || j_ints(b, PyList_GET_ITEM(list, i), ints) < 0)
            return -1;
    return buf_put(b, "]", 1);
}

/* a digit put down: ((x, y), value) -> [x,y,value] */
static int j_digit(Buf *b, PyObject *entry)
{
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2) {
        PyErr_SetString(PyExc_TypeError, "a digit is ((x, y), value)");
        return -1;
    }
    PyObject *cell = PyTuple_GET_ITEM(entry, 0);
    if (!PyTuple_Check(cell) || PyTuple_GET_SIZE(cell) != 2) {
        PyErr_SetString(PyExc_TypeError, "a cell is (x, y)");
        return -1;
    }
    long long x = PyLong_AsLongLong(PyTuple_GET_ITEM(cell, 0));
    long long y = PyLong_AsLongLong(PyTuple_GET_ITEM(cell, 1));
    long long v = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 1));
    if (PyErr_Occurred()) return -1;
    return buf_put(b, "[", 1) < 0 || j_int(b, x) < 0 || buf_put(b, ",", 1) < 0
           || j_int(b, y) < 0 || buf_put(b, ",", 1) < 0 || j_int(b, v) < 0
           || buf_put(b, "]", 1) < 0 ? -1 : 0;
}

static int j_death(Buf *b, PyObject *death)
{
    PyObject *id = PyObject_GetAttr(death, str_snake_id);
    PyObject *cause = id ? PyObject_GetAttr(death, str_cause) : NULL;
    PyObject *killer = cause ? PyObject_GetAttr(death, str_killer_id) : NULL;
    int r = -1, k = 0;
    if (!killer) goto done;
    for (int i = 1; i <= 6; i++) if (Causes[i] == cause) k = i;
    if (!k) { PyErr_SetString(PyExc_ValueError, "a death's cause is not a Cause"); goto done; }
    long long sid = PyLong_AsLongLong(id);
    if (sid == -1 && PyErr_Occurred()) goto done;
    if (buf_put(b, "[", 1) < 0 || j_int(b, sid) < 0 || buf_put(b, ",", 1) < 0
            || j_str(b, CauseNames[k]) < 0 || buf_put(b, ",", 1) < 0)
        goto done;
    if (killer == Py_None) {
        if (j_lit(b, "null") < 0) goto done;
    } else {
        long long kid = PyLong_AsLongLong(killer);
        if ((kid == -1 && PyErr_Occurred()) || j_int(b, kid) < 0) goto done;
    }
    r = buf_put(b, "]", 1);
done:
    Py_XDECREF(id); Py_XDECREF(cause); Py_XDECREF(killer);
    return r;
}

/* protocol.SnakeInfo of a live snake: id, name, color, dir, body, then score, bot and
 * growing unless they are 0 / false */
static int j_snake_info(Buf *b, const World *w, const Snake *s, int bot)
{
    if (j_lit(b, "{\"id\":") < 0 || j_int(b, s->id) < 0 || j_lit(b, ",\"name\":") < 0
            || j_str(b, s->name) < 0 || j_lit(b, ",\"color\":") < 0 || j_int(b, s->color) < 0
            || j_lit(b, ",\"dir\":") < 0 || j_str(b, DirectionNames[s->dir]) < 0
            || j_lit(b, ",\"body\":[") < 0)
        return -1;
    for (uint32_t i = 0; i < s->len; i++) {
        int32_t c = body_at(s, i);
        if ((i && buf_put(b, ",", 1) < 0) || buf_put(b, "[", 1) < 0 || j_int(b, c % w->W) < 0
                || buf_put(b, ",", 1) < 0 || j_int(b, c / w->W) < 0 || buf_put(b, "]", 1) < 0)
            return -1;
    }
    if (buf_put(b, "]", 1) < 0) return -1;
    if (s->score && (j_lit(b, ",\"score\":") < 0 || j_int(b, s->score) < 0)) return -1;
    if (bot && j_lit(b, ",\"bot\":true") < 0) return -1;
    if (s->grow && (j_lit(b, ",\"growing\":") < 0 || j_int(b, s->grow) < 0)) return -1;
    return buf_put(b, "}", 1);
}

static PyObject *report_list(PyObject *report, PyObject *name)
{
    PyObject *list = PyObject_GetAttr(report, name);
    if (list && !PyList_Check(list)) {
        Py_DECREF(list);
        PyErr_SetString(PyExc_TypeError, "a report's field is not a list");
        return NULL;
    }
    return list;
}

/* wire_frame(report, at, watchers, bots): see the method table */
static PyObject *World_wire_frame(World *w, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "wire_frame(report, at, watchers, bots)");
        return NULL;
    }
    PyObject *report = args[0], *watchers = args[2], *bots = args[3];
    long long at = PyLong_AsLongLong(args[1]);
    if (at == -1 && PyErr_Occurred()) return NULL;
    PyObject *fields[9] = {NULL};
    PyObject *names[9] = {str_moves, str_deaths, str_spawns, str_digits_added,
                          str_digits_removed, str_stones_added, str_stones_removed,
                          str_scores, NULL};
    PyObject *out = NULL;
    Buf b = {NULL, 0, 0};
    if (!(b.p = PyMem_Malloc(2048))) return PyErr_NoMemory();
    b.cap = 2048;
    PyObject *tick = PyObject_GetAttr(report, str_tick);
    long long of = tick ? PyLong_AsLongLong(tick) : -1;
    Py_XDECREF(tick);
    if (of == -1 && PyErr_Occurred()) goto done;
    if (of != w->tick) {
        PyErr_Format(PyExc_ValueError, "wire_frame: a report of tick %lld, not this world's "
                     "last (%lld)", of, (long long)w->tick);
        goto done;
    }
    for (int i = 0; names[i]; i++)
        if (!(fields[i] = report_list(report, names[i]))) goto done;
    if (j_lit(&b, "{\"type\":\"frame\",\"tick\":") < 0 || j_int(&b, w->tick) < 0
            || j_lit(&b, ",\"at\":") < 0 || j_int(&b, at) < 0)
        goto done;
    if (PyList_GET_SIZE(fields[0])) {  /* moves: the step's wire list */
        PyObject *moves = w->wire_moves;
        if (!moves || PyList_GET_SIZE(moves) != PyList_GET_SIZE(fields[0])) {
            PyErr_SetString(PyExc_ValueError, "wire_frame: the moves are not the report's");
            goto done;
        }
        if (j_field_of_ints(&b, ",\"moves\":[", moves, 4) < 0) goto done;
    }
    Py_ssize_t n = PyList_GET_SIZE(fields[1]);
    if (n) {
        if (j_lit(&b, ",\"deaths\":[") < 0) goto done;
        for (Py_ssize_t i = 0; i < n; i++)
            if ((i && buf_put(&b, ",", 1) < 0) || j_death(&b, PyList_GET_ITEM(fields[1], i)) < 0)
                goto done;
        if (buf_put(&b, "]", 1) < 0) goto done;
    }
    n = PyList_GET_SIZE(fields[2]);
    if (n) {
        if (j_lit(&b, ",\"spawns\":[") < 0) goto done;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *sid = PyObject_GetAttr(PyList_GET_ITEM(fields[2], i), str_snake_id);
            if (!sid) goto done;
            long long id = PyLong_AsLongLong(sid);
            int bot = id == -1 && PyErr_Occurred() ? -1 : PySequence_Contains(bots, sid);
            Py_DECREF(sid);
            if (bot < 0) goto done;
            const Snake *s = find_snake(w, id);
            if (!s) {
                PyErr_SetString(PyExc_ValueError, "wire_frame: a spawned snake is not here");
                goto done;
            }
            if ((i && buf_put(&b, ",", 1) < 0) || j_snake_info(&b, w, s, bot) < 0) goto done;
        }
        if (buf_put(&b, "]", 1) < 0) goto done;
    }
    n = PyList_GET_SIZE(fields[3]);
    if (n) {
        if (j_lit(&b, ",\"digits\":[") < 0) goto done;
        for (Py_ssize_t i = 0; i < n; i++)
            if ((i && buf_put(&b, ",", 1) < 0) || j_digit(&b, PyList_GET_ITEM(fields[3], i)) < 0)
                goto done;
        if (buf_put(&b, "]", 1) < 0) goto done;
    }
    if (j_field_of_ints(&b, ",\"eaten\":[", fields[4], 2) < 0
            || j_field_of_ints(&b, ",\"stones\":[", fields[5], 2) < 0
            || j_field_of_ints(&b, ",\"crumbled\":[", fields[6], 2) < 0
            || j_field_of_ints(&b, ",\"scores\":[", fields[7], 2) < 0)
        goto done;
    if (watchers != Py_None) {
        long long count = PyLong_AsLongLong(watchers);
        if ((count == -1 && PyErr_Occurred()) || j_lit(&b, ",\"watchers\":") < 0
                || j_int(&b, count) < 0)
            goto done;
    }
    if (buf_put(&b, "}", 1) < 0) goto done;
    out = PyBytes_FromStringAndSize(b.p, b.n);
done:
    for (int i = 0; i < 9; i++) Py_XDECREF(fields[i]);
    PyMem_Free(b.p);
    return out;
}

static PyObject *World_full_digest(World *w, PyObject *unused)
{
    Buf b = {NULL, 0, 0};
    uint8_t hashes[FULL_PARTS * 32], whole[32];
    char parts_hex[FULL_PARTS * PART_HEX], whole_hex[WHOLE_HEX];
    for (int part = 0; part < FULL_PARTS; part++) {
        int r;
        b.n = 0;
        switch (part) {
        case 0: r = mp_int(&b, w->tick); break;
        case 1: r = mp_snakes(&b, w); break;
        case 2: r = mp_vec(&b, w, &w->digits); break;
        case 3: r = mp_vec(&b, w, &w->expiry); break;
        case 4: r = mp_vec(&b, w, &w->stones); break;
        case 5: r = mp_int(&b, w->next_id); break;
        default: r = mp_rng(&b, &w->rng); break;
        }
        if (r < 0) {
            PyMem_Free(b.p);
            return NULL;
        }
        sha256(b.p, (size_t)b.n, hashes + 32 * part);
        sha256_hex(hashes + 32 * part, PART_HEX, parts_hex + PART_HEX * part);
    }
    PyMem_Free(b.p);
    sha256(hashes, sizeof hashes, whole);
    sha256_hex(whole, WHOLE_HEX, whole_hex);
    return Py_BuildValue("(s#s#)", whole_hex, (Py_ssize_t)WHOLE_HEX, parts_hex,
                         (Py_ssize_t)sizeof parts_hex);
}

/* _sha256(data) -> bytes: this file's SHA-256, for the tests to hold to hashlib's */
static PyObject *module_sha256(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    uint8_t hash[32];
    sha256(view.buf, (size_t)view.len, hash);
    PyBuffer_Release(&view);
    return PyBytes_FromStringAndSize((const char *)hash, 32);
}

/* -- the type ----------------------------------------------------------------------- */

static int World_init(World *w, PyObject *args, PyObject *kwds)
{
    PyObject *state;
    if (!PyArg_ParseTuple(args, "iiiiiiiiiiiiiiiiO!:CWorld", &w->W, &w->H, &w->start_length,
                          &w->turn_queue, &w->digits_base, &w->digits_per_snake,
                          &w->kill_points, &w->corpse_step, &w->corpse_max_digit,
                          &w->corpse_ttl, &w->stone_interval, &w->max_stones, &w->stone_ttl,
                          &w->spawn_head_distance, &w->stone_head_distance, &w->spawn_margin,
                          &PyTuple_Type, &state))
        return -1;
    if (!TickReportType) { PyErr_SetString(PyExc_RuntimeError, "_bind() first"); return -1; }
    if (w->occ) { PyErr_SetString(PyExc_RuntimeError, "already initialised"); return -1; }
    if (w->W < 1 || w->H < 1 || w->W > 1000 || w->H > 1000 || w->start_length < 2
            || w->turn_queue < 1 || w->corpse_step < 1 || w->stone_interval < 1
            || w->stone_ttl < 1 || w->corpse_max_digit < 1 || w->corpse_max_digit > 9
            || w->start_length > 2000) {
        PyErr_SetString(PyExc_ValueError, "a configuration WorldConfig would refuse");
        return -1;
    }
    if (PyTuple_GET_SIZE(state) != MT_N + 1) {
        PyErr_SetString(PyExc_ValueError, "the generator's state: 624 words and an index");
        return -1;
    }
    for (int i = 0; i <= MT_N; i++) {
        unsigned long v = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(state, i));
        if (v == (unsigned long)-1 && PyErr_Occurred()) return -1;
        if (i < MT_N) w->rng.mt[i] = (uint32_t)v; else w->rng.index = (int)v;
    }
    if (w->rng.index < 0 || w->rng.index > MT_N) {
        PyErr_SetString(PyExc_ValueError, "the generator's index is out of range");
        return -1;
    }
    size_t cells = (size_t)w->W * (size_t)w->H;
    w->occ = PyMem_Calloc(cells, sizeof(uint16_t));
    w->kind = PyMem_Calloc(cells, 1);
    w->slots = PyMem_Calloc(MAX_SLOTS, sizeof(Snake *));
    w->free_slots = PyMem_Malloc(MAX_SLOTS * sizeof(uint16_t));
    w->live_cap = 16;
    w->live = PyMem_Malloc(w->live_cap * sizeof(Snake *));
    if (!w->occ || !w->kind || !w->slots || !w->free_slots || !w->live) {
        PyErr_NoMemory();
        return -1;
    }
    w->tick = 0;
    w->next_id = 1;
    return 0;
}

static void World_dealloc(World *w)
{
    for (Py_ssize_t i = 0; i < w->nlive; i++) free_snake(w->live[i]);
    PyMem_Free(w->live);
    PyMem_Free(w->occ);
    PyMem_Free(w->kind);
    PyMem_Free(w->slots);
    PyMem_Free(w->free_slots);
    PyMem_Free(w->digits.a);
    PyMem_Free(w->expiry.a);
    PyMem_Free(w->stones.a);
    PyMem_Free(w->were.a);
    PyMem_Free(w->stones_were.a);
    PyMem_Free(w->movers);
    Py_XDECREF(w->wire_moves);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

static PyObject *World_get_tick(World *w, void *c) { return PyLong_FromLongLong(w->tick); }
static PyObject *World_get_next_id(World *w, void *c) { return PyLong_FromLongLong(w->next_id); }
static PyObject *World_get_count(World *w, void *c) { return PyLong_FromSsize_t(w->nlive); }

static PyGetSetDef World_getset[] = {
    {"tick", (getter)World_get_tick, NULL, "Ticks stepped so far.", NULL},
    {"_next_id", (getter)World_get_next_id, NULL, "The id the next snake gets.", NULL},
    {"snake_count", (getter)World_get_count, NULL, "How many snakes are alive.", NULL},
    {NULL},
};

/* grow the live list before a step can need it (spawns append) */
static int reserve_live(World *w, Py_ssize_t more)
{
    if (w->nlive + more <= w->live_cap) return 0;
    Py_ssize_t cap = (w->nlive + more) * 2;
    Snake **live = PyMem_Realloc(w->live, cap * sizeof(Snake *));
    if (!live) { PyErr_NoMemory(); return -1; }
    w->live = live;
    w->live_cap = cap;
    return 0;
}

static PyObject *World_step_checked(World *w, PyObject *const *args, Py_ssize_t nargs)
{
    /* every intent may be a join: room for as many new snakes as intents */
    if (nargs == 1) {
        Py_ssize_t n = PyObject_Length(args[0]);
        if (n < 0) {
            PyErr_Clear();
            PyObject *list = PySequence_List(args[0]);
            if (!list) return NULL;
            if (reserve_live(w, PyList_GET_SIZE(list)) < 0) { Py_DECREF(list); return NULL; }
            PyObject *report = World_step(w, &list, 1);
            Py_DECREF(list);
            return report;
        }
        if (reserve_live(w, n) < 0) return NULL;
    }
    return World_step(w, args, nargs);
}

static PyMethodDef World_methods[] = {
    {"step", (PyCFunction)(void (*)(void))World_step_checked, METH_FASTCALL,
     "step(intents=()) -> TickReport: advance one tick, exactly as World.step does."},
    {"snakes_state", (PyCFunction)World_snakes_state, METH_NOARGS,
     "Every live snake, in id order: (id, name, color, body, direction, born_tick, grow, "
     "score, kills, eaten, turns)."},
    {"snake_state", (PyCFunction)World_snake_state, METH_O,
     "One live snake's tuple (as snakes_state), or None."},
    {"ids", (PyCFunction)World_ids, METH_NOARGS, "The live snakes' ids, in order."},
    {"digits_items", (PyCFunction)World_digits_items, METH_NOARGS,
     "[(cell, value)] in the order the digits were put down."},
    {"expiry_items", (PyCFunction)World_expiry_items, METH_NOARGS,
     "[(cell, tick)]: when each corpse digit fades, in the order they were put down."},
    {"stones_items", (PyCFunction)World_stones_items, METH_NOARGS,
     "[(cell, tick)]: when each stone crumbles, in the order they were put down."},
    {"rng_state", (PyCFunction)World_rng_state, METH_NOARGS,
     "The generator's 624 words and index, as random.Random.getstate()[1]."},
    {"digest_parts", (PyCFunction)World_digest_parts, METH_NOARGS,
     "The two msgpack documents the per-tick digest hashes."},
    {"wire_moves", (PyCFunction)World_wire_moves, METH_NOARGS,
     "The last step's moves as the wire has them: [(id, x, y, grew 0/1)] (do not change)."},
    {"tick_digest", (PyCFunction)World_tick_digest, METH_NOARGS,
     "recording.tick_digest of this world, computed here."},
    {"wire_frame", (PyCFunction)(void (*)(void))World_wire_frame, METH_FASTCALL,
     "wire_frame(report, at, watchers, bots) -> bytes: the JSON of protocol.frames.frame("
     "report, world, at, watchers, bots) as msgspec encodes it; ``report`` is this world's "
     "last, ``watchers`` None or a count, ``bots`` a container of snake ids."},
    {"full_digest", (PyCFunction)World_full_digest, METH_NOARGS,
     "recording.full_digest of this world, computed here: (digest, parts)."},
    {NULL},
};

static PyTypeObject WorldType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "snakepit.engine._fastworld.CWorld",
    .tp_basicsize = sizeof(World),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The rules of Snakepit in C; use snakepit.engine.fast.FastWorld.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)World_init,
    .tp_dealloc = (destructor)World_dealloc,
    .tp_methods = World_methods,
    .tp_getset = World_getset,
};

/* _bind(TickReport, Move, Death, Spawn, Turn, Leave, DIRECTIONS, causes, report_fields,
 * death_fields, spawn_fields): the engine's classes and members, once; ``causes`` in the
 * order WALL, STONE, SELF, SNAKE, HEAD_ON, LEFT; the fields as dataclasses.fields names
 * them (the step fills them in that order). */
static PyObject *bind(PyObject *module, PyObject *args)
{
    PyObject *report, *move, *death, *spawn, *turn, *leave, *dirs, *causes;
    PyObject *report_fields, *death_fields, *spawn_fields;
    if (!PyArg_ParseTuple(args, "OOOOOOOOO!O!O!", &report, &move, &death, &spawn, &turn,
                          &leave, &dirs, &causes, &PyTuple_Type, &report_fields,
                          &PyTuple_Type, &death_fields, &PyTuple_Type, &spawn_fields))
        return NULL;
    if (PyTuple_GET_SIZE(report_fields) != 10 || PyTuple_GET_SIZE(death_fields) != 9
            || PyTuple_GET_SIZE(spawn_fields) != 2) {
        PyErr_SetString(PyExc_TypeError, "TickReport has 10 fields, Death 9, Spawn 2");
        return NULL;
    }
    Py_XSETREF(ReportFields, Py_NewRef(report_fields));
    Py_XSETREF(DeathFields, Py_NewRef(death_fields));
    Py_XSETREF(SpawnFields, Py_NewRef(spawn_fields));
    if (!PyType_Check(move) || !PyType_IsSubtype((PyTypeObject *)move, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "Move must be a tuple type");
        return NULL;
    }
    if (!PySequence_Check(dirs) || PySequence_Size(dirs) != 4
            || !PySequence_Check(causes) || PySequence_Size(causes) != 6) {
        PyErr_SetString(PyExc_TypeError, "four directions and six causes");
        return NULL;
    }
    Py_XSETREF(TickReportType, Py_NewRef(report));
    Py_XSETREF(MoveType, Py_NewRef(move));
    Py_XSETREF(DeathType, Py_NewRef(death));
    Py_XSETREF(SpawnType, Py_NewRef(spawn));
    Py_XSETREF(TurnType, Py_NewRef(turn));
    Py_XSETREF(LeaveType, Py_NewRef(leave));
    for (int i = 0; i < 4; i++) {
        Py_XSETREF(Directions[i], PySequence_GetItem(dirs, i));
        Py_XSETREF(DirectionNames[i], PyObject_GetAttrString(Directions[i], "value"));
        if (!DirectionNames[i] || !PyUnicode_Check(DirectionNames[i])) {
            PyErr_SetString(PyExc_TypeError, "a direction's value must be its wire name");
            return NULL;
        }
    }
    for (int i = 1; i <= 6; i++) {
        Py_XSETREF(Causes[i], PySequence_GetItem(causes, i - 1));
        Py_XSETREF(CauseNames[i], Causes[i] ? PyObject_GetAttrString(Causes[i], "value") : NULL);
        if (!CauseNames[i] || !PyUnicode_Check(CauseNames[i])) {
            PyErr_SetString(PyExc_TypeError, "a cause's value must be its wire name");
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"_bind", bind, METH_VARARGS, "Bind the engine's classes (snakepit.engine.fast does)."},
    {"_sha256", module_sha256, METH_O, "SHA-256 of a bytes-like object, as bytes."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_fastworld",
    "The rules of Snakepit in C (see snakepit.engine.fast).", -1, module_methods,
};

PyMODINIT_FUNC PyInit__fastworld(void)
{
    str_snake_id = PyUnicode_InternFromString("snake_id");
    str_direction = PyUnicode_InternFromString("direction");
    str_ref = PyUnicode_InternFromString("ref");
    str_name = PyUnicode_InternFromString("name");
    if (!str_snake_id || !str_direction || !str_ref || !str_name) return NULL;
    PyObject **interned[] = {&str_moves, &str_deaths, &str_spawns, &str_digits_added,
                             &str_digits_removed, &str_stones_added, &str_stones_removed,
                             &str_scores, &str_cause, &str_killer_id, &str_tick};
    const char *words[] = {"moves", "deaths", "spawns", "digits_added", "digits_removed",
                           "stones_added", "stones_removed", "scores", "cause", "killer_id",
                           "tick"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!(*interned[i] = PyUnicode_InternFromString(words[i]))) return NULL;
    if (PyType_Ready(&WorldType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "CWorld", (PyObject *)&WorldType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
