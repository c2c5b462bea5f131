/* billing.c - one account's payments, installments, tokens, events and ledger
 * (see billing.h).
 *
 * Indexes: payments live in an array in creation order (seq); an open-addressing hash
 * maps ids to seqs; customer, subscription and installment ids map to ascending seq
 * vectors; status, billing type and "not deleted" are bitmaps over seq. A list query
 * starts from the smallest candidate set and ANDs the bitmaps a 64-bit word at a time,
 * so a filtered listing over 100k payments touches only what can match. */
#include "billing.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "bizdays.h"
#include "clock.h"
#include "ids.h"
#include "money.h"

#define MAX_ID_ATTEMPTS 64

/* ---- small containers ------------------------------------------------------------- */

struct vec {
    size_t *v;
    size_t n, cap;
};

static int vec_push(struct vec *vec, size_t x)
{
    if (vec->n == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2 : 4;
        size_t *v = realloc(vec->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        vec->v = v;
        vec->cap = cap;
    }
    vec->v[vec->n++] = x;
    return 0;
}

/* String -> size_t hash map. Keys are borrowed from objects that outlive the map. */
struct map_slot {
    const char *key;
    size_t val;
};

struct map {
    struct map_slot *slots;
    size_t nslots; /* power of two or 0 */
    size_t n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static struct map_slot *map_probe(const struct map *m, const char *key)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)hash_str(key) & mask;

    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return &m->slots[i];
}

static const size_t *map_get(const struct map *m, const char *key)
{
    struct map_slot *s;

    if (!m->nslots || !key)
        return NULL;
    s = map_probe(m, key);
    return s->key ? &s->val : NULL;
}

static int map_put(struct map *m, const char *key, size_t val)
{
    struct map_slot *s;

    if (m->nslots == 0 || (m->n + 1) * 4 > m->nslots * 3) {
        size_t nslots = m->nslots ? m->nslots * 2 : 64;
        struct map_slot *old = m->slots;
        size_t oldn = m->nslots;

        m->slots = calloc(nslots, sizeof(*m->slots));
        if (!m->slots) {
            m->slots = old;
            return -ENOMEM;
        }
        m->nslots = nslots;
        for (size_t i = 0; i < oldn; i++) {
            if (old[i].key)
                *map_probe(m, old[i].key) = old[i];
        }
        free(old);
    }
    s = map_probe(m, key);
    if (s->key)
        return -EEXIST;
    s->key = key;
    s->val = val;
    m->n++;
    return 0;
}

/* A group index: key -> vector of payment seqs (ascending). */
struct group_index {
    struct map map; /* key -> index into groups */
    struct vec *groups;
    size_t n, cap;
};

static const struct vec *group_get(const struct group_index *g, const char *key)
{
    const size_t *i = map_get(&g->map, key);

    return i ? &g->groups[*i] : NULL;
}

/* key must outlive the index (it is a payment's own field). */
static int group_add(struct group_index *g, const char *key, size_t seq)
{
    const size_t *i = map_get(&g->map, key);
    int r;

    if (i)
        return vec_push(&g->groups[*i], seq);
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct vec *groups = realloc(g->groups, cap * sizeof(*groups));

        if (!groups)
            return -ENOMEM;
        g->groups = groups;
        g->cap = cap;
    }
    memset(&g->groups[g->n], 0, sizeof(g->groups[g->n]));
    r = vec_push(&g->groups[g->n], seq);
    if (r < 0)
        return r;
    r = map_put(&g->map, key, g->n);
    if (r < 0) {
        free(g->groups[g->n].v);
        return r;
    }
    g->n++;
    return 0;
}

static void group_free(struct group_index *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->groups[i].v);
    free(g->groups);
    free(g->map.slots);
}

/* A bitmap over payment seqs. */
struct bitmap {
    uint64_t *w;
    size_t nwords;
};

static int bitmap_reserve(struct bitmap *bm, size_t nbits)
{
    size_t need = (nbits + 63) / 64;

    if (need > bm->nwords) {
        size_t nwords = bm->nwords ? bm->nwords * 2 : 16;
        uint64_t *w;

        while (nwords < need)
            nwords *= 2;
        w = realloc(bm->w, nwords * sizeof(*w));
        if (!w)
            return -ENOMEM;
        memset(w + bm->nwords, 0, (nwords - bm->nwords) * sizeof(*w));
        bm->w = w;
        bm->nwords = nwords;
    }
    return 0;
}

static void bitmap_set(struct bitmap *bm, size_t i, bool on)
{
    if (on)
        bm->w[i / 64] |= 1ULL << (i % 64);
    else
        bm->w[i / 64] &= ~(1ULL << (i % 64));
}

/* The dates a listing filters on, per payment seq, so range filters scan a dense array
 * instead of touching every payment. */
struct hot {
    int64_t created_day;
    int64_t due_day;
    int64_t payment_day;
    int64_t estimated_credit_day;
};

/* ---- the billing state ------------------------------------------------------------ */

struct am_billing {
    struct am_payment **payments;
    size_t n, cap;
    struct map by_id;
    struct group_index by_customer;
    struct group_index by_subscription;
    struct group_index by_installment;
    struct bitmap by_status[_AM_PAY_STATUS_MAX];
    size_t status_count[_AM_PAY_STATUS_MAX];
    struct bitmap by_type[_AM_BILLING_MAX];
    size_t type_count[_AM_BILLING_MAX];
    struct bitmap live; /* not deleted */
    struct hot *hot;    /* per seq: the dates list filters compare, packed for scans */
    size_t hot_cap;
    bool created_sorted; /* creation days never went backwards: binary-searchable */

    struct am_installment **installments;
    size_t n_inst, cap_inst;
    struct map inst_by_id;

    struct am_card_token **tokens;
    size_t n_tokens, cap_tokens;
    struct map token_by_id;

    uint64_t salt;
    uint64_t invoice_seq;
    uint64_t nosso_seq;

    struct am_event *events; /* ring once full */
    size_t ev_n, ev_cap, ev_start;
    uint64_t ev_seq;

    struct am_ledger_entry *ledger;
    size_t led_n, led_cap;
    int64_t balance;
};

static const char *const status_names[_AM_PAY_STATUS_MAX] = {
    [AM_PAY_PENDING] = "PENDING",
    [AM_PAY_RECEIVED] = "RECEIVED",
    [AM_PAY_CONFIRMED] = "CONFIRMED",
    [AM_PAY_OVERDUE] = "OVERDUE",
    [AM_PAY_REFUNDED] = "REFUNDED",
    [AM_PAY_RECEIVED_IN_CASH] = "RECEIVED_IN_CASH",
    [AM_PAY_REFUND_REQUESTED] = "REFUND_REQUESTED",
    [AM_PAY_REFUND_IN_PROGRESS] = "REFUND_IN_PROGRESS",
    [AM_PAY_CHARGEBACK_REQUESTED] = "CHARGEBACK_REQUESTED",
    [AM_PAY_CHARGEBACK_DISPUTE] = "CHARGEBACK_DISPUTE",
    [AM_PAY_AWAITING_CHARGEBACK_REVERSAL] = "AWAITING_CHARGEBACK_REVERSAL",
    [AM_PAY_DUNNING_REQUESTED] = "DUNNING_REQUESTED",
    [AM_PAY_DUNNING_RECEIVED] = "DUNNING_RECEIVED",
    [AM_PAY_AWAITING_RISK_ANALYSIS] = "AWAITING_RISK_ANALYSIS",
    [AM_PAY_AUTHORIZED] = "AUTHORIZED",
};

const char *am_payment_status_name(enum am_payment_status s)
{
    return (unsigned)s < _AM_PAY_STATUS_MAX ? status_names[s] : "UNKNOWN";
}

int am_payment_status_parse(const char *s, enum am_payment_status *ret)
{
    if (!s)
        return -EINVAL;
    for (int i = 0; i < _AM_PAY_STATUS_MAX; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *ret = (enum am_payment_status)i;
            return 0;
        }
    }
    return -EINVAL;
}

static const char *const ledger_names[_AM_LEDGER_MAX] = {
    [AM_LEDGER_PAYMENT_RECEIVED] = "PAYMENT_RECEIVED",
    [AM_LEDGER_PAYMENT_FEE] = "PAYMENT_FEE",
    [AM_LEDGER_PAYMENT_REFUND] = "PAYMENT_REFUND",
    [AM_LEDGER_PAYMENT_REVERSAL] = "PAYMENT_REVERSAL",
    [AM_LEDGER_PAYMENT_FEE_REVERSAL] = "PAYMENT_FEE_REVERSAL",
};

const char *am_ledger_type_name(enum am_ledger_type t)
{
    return (unsigned)t < _AM_LEDGER_MAX ? ledger_names[t] : "UNKNOWN";
}

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct am_billing *am_billing_new(const char *account_id)
{
    struct am_billing *b = calloc(1, sizeof(*b));

    if (!b)
        return NULL;
    b->salt = hash_str(account_id ? account_id : "");
    /* 8-digit numbers that look like the sandbox's global ones, stable per account. */
    b->invoice_seq = 10000000 + mix64(b->salt) % 80000000;
    b->nosso_seq = 10000000 + mix64(b->salt ^ 0x5a5a5a5aULL) % 80000000;
    b->created_sorted = true;
    return b;
}

static void payment_free(struct am_payment *p)
{
    if (!p)
        return;
    free(p->description);
    free(p->external_reference);
    for (size_t i = 0; i < p->n_refunds; i++)
        free(p->refunds[i].description);
    free(p->refunds);
    free(p);
}

void am_billing_free(struct am_billing *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        payment_free(b->payments[i]);
    free(b->payments);
    free(b->by_id.slots);
    group_free(&b->by_customer);
    group_free(&b->by_subscription);
    group_free(&b->by_installment);
    for (int i = 0; i < _AM_PAY_STATUS_MAX; i++)
        free(b->by_status[i].w);
    for (int i = 0; i < _AM_BILLING_MAX; i++)
        free(b->by_type[i].w);
    free(b->live.w);
    free(b->hot);
    for (size_t i = 0; i < b->n_inst; i++) {
        free(b->installments[i]->description);
        free(b->installments[i]);
    }
    free(b->installments);
    free(b->inst_by_id.slots);
    for (size_t i = 0; i < b->n_tokens; i++)
        free(b->tokens[i]);
    free(b->tokens);
    free(b->token_by_id.slots);
    for (size_t i = 0; i < b->ev_n; i++)
        free(b->events[i].snapshot);
    free(b->events);
    free(b->ledger);
    free(b);
}

/* ---- calendar --------------------------------------------------------------------- */

/* ---- sequences -------------------------------------------------------------------- */

void am_billing_next_invoice_number(struct am_billing *b, char out[9])
{
    snprintf(out, 9, "%08llu", (unsigned long long)(b->invoice_seq++ % 100000000ULL));
}

void am_billing_next_nosso_numero(struct am_billing *b, char out[9])
{
    snprintf(out, 9, "%08llu", (unsigned long long)(b->nosso_seq++ % 100000000ULL));
}

void am_billing_receipt_id(const char *seed, char out[17])
{
    uint64_t h = mix64(hash_str(seed ? seed : ""));

    snprintf(out, 17, "%016llu", (unsigned long long)(h % 10000000000000000ULL));
}

/* ---- card brand ------------------------------------------------------------------- */

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

const char *am_card_brand(const char *number)
{
    static const char *const elo[] = {"401178", "401179", "431274", "438935", "451416",
                                      "457393", "457631", "457632", "504175", "506699",
                                      "5067",   "509",    "627780", "636297", "636368",
                                      "650",    "6516",   "6550"};
    char digits[20];
    size_t n = 0;
    int p2;

    if (!number)
        return "UNKNOWN";
    for (; *number && n + 1 < sizeof(digits); number++) {
        if (*number >= '0' && *number <= '9')
            digits[n++] = *number;
    }
    digits[n] = '\0';
    if (n < 2)
        return "UNKNOWN";
    for (size_t i = 0; i < sizeof(elo) / sizeof(elo[0]); i++) {
        if (has_prefix(digits, elo[i]))
            return "ELO";
    }
    p2 = (digits[0] - '0') * 10 + (digits[1] - '0');
    if (digits[0] == '4')
        return "VISA";
    if (p2 >= 51 && p2 <= 55)
        return "MASTERCARD";
    if (n >= 4) {
        int p4 = atoi((char[5]){digits[0], digits[1], digits[2], digits[3], '\0'});

        if (p4 >= 2221 && p4 <= 2720)
            return "MASTERCARD";
        if (p4 == 6011)
            return "DISCOVER";
    }
    if (p2 == 34 || p2 == 37)
        return "AMEX";
    if (p2 == 36 || p2 == 38 || p2 == 30)
        return "DINERS";
    if (p2 == 65)
        return "DISCOVER";
    if (p2 == 35)
        return "JCB";
    return "UNKNOWN";
}

/* ---- event log -------------------------------------------------------------------- */

static struct am_event *event_slot(const struct am_billing *b, size_t i)
{
    return &b->events[(b->ev_start + i) % (b->ev_cap ? b->ev_cap : 1)];
}

uint64_t am_billing_events_append(struct am_billing *b, const char *name, int64_t now,
                                  const char *resource_type, const char *resource_id,
                                  const char *snapshot_json)
{
    struct am_event *e;
    char *snap = strdup(snapshot_json ? snapshot_json : "null");
    uint64_t seq, h1, h2;

    if (!snap)
        return 0;
    if (b->ev_n == b->ev_cap && b->ev_cap < AM_BILLING_EVENTS_KEEP) {
        size_t cap = b->ev_cap ? b->ev_cap * 2 : 64;
        struct am_event *ev;

        if (cap > AM_BILLING_EVENTS_KEEP)
            cap = AM_BILLING_EVENTS_KEEP;
        ev = realloc(b->events, cap * sizeof(*ev));
        if (!ev) {
            free(snap);
            return 0;
        }
        b->events = ev;
        b->ev_cap = cap; /* ev_start is 0 until the ring is full */
    }
    if (b->ev_n == b->ev_cap) {
        /* Full: the oldest goes. */
        e = &b->events[b->ev_start];
        free(e->snapshot);
        b->ev_start = (b->ev_start + 1) % b->ev_cap;
    } else {
        e = event_slot(b, b->ev_n);
        b->ev_n++;
    }
    seq = ++b->ev_seq;
    memset(e, 0, sizeof(*e));
    e->seq = seq;
    h1 = mix64(b->salt ^ seq);
    h2 = mix64(h1 ^ 0xa0761d6478bd642fULL);
    snprintf(e->id, sizeof(e->id), "evt_%016llx%016llx&%llu", (unsigned long long)h1,
             (unsigned long long)h2, (unsigned long long)seq);
    snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
    e->created_at = now;
    snprintf(e->resource_type, sizeof(e->resource_type), "%s", resource_type ? resource_type : "");
    snprintf(e->resource_id, sizeof(e->resource_id), "%s", resource_id ? resource_id : "");
    e->snapshot = snap;
    return seq;
}

uint64_t am_billing_events_append_payment(struct am_billing *b, const char *name,
                                          const struct am_payment *p, int64_t now)
{
    cJSON *json = am_payment_to_json(p);
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    uint64_t seq = 0;

    if (text)
        seq = am_billing_events_append(b, name, now, "payment", p->id, text);
    free(text);
    cJSON_Delete(json);
    return seq;
}

size_t am_billing_events_count(const struct am_billing *b)
{
    return b ? b->ev_n : 0;
}

const struct am_event *am_billing_event_at(const struct am_billing *b, size_t i)
{
    if (!b || i >= b->ev_n)
        return NULL;
    return event_slot(b, i);
}

const struct am_event *am_billing_event_by_seq(const struct am_billing *b, uint64_t seq)
{
    uint64_t first;

    if (!b || b->ev_n == 0 || seq == 0 || seq > b->ev_seq)
        return NULL;
    first = b->ev_seq - b->ev_n + 1;
    if (seq < first)
        return NULL;
    return event_slot(b, (size_t)(seq - first));
}

uint64_t am_billing_events_last_seq(const struct am_billing *b)
{
    return b ? b->ev_seq : 0;
}

static void sync_hot(struct am_billing *b, const struct am_payment *p)
{
    struct hot *h = &b->hot[p->seq];

    h->created_day = am_cal_day_of(p->created_at);
    h->due_day = p->due_day;
    h->payment_day = p->payment_day;
    h->estimated_credit_day = p->estimated_credit_day;
}

/* Emits an event for p (every state change ends here, so the packed dates are refreshed
 * too); OOM in the log is reported but leaves the state change done. */
static int emit(struct am_billing *b, const char *name, const struct am_payment *p, int64_t now)
{
    sync_hot(b, p);
    return am_billing_events_append_payment(b, name, p, now) ? 0 : -ENOMEM;
}

/* ---- ledger ----------------------------------------------------------------------- */

int am_billing_ledger_append(struct am_billing *b, enum am_ledger_type type, int64_t value_cents,
                             int64_t day, int64_t now, const char *description,
                             const char *payment_id)
{
    struct am_ledger_entry *e;

    if (b->led_n == b->led_cap) {
        size_t cap = b->led_cap ? b->led_cap * 2 : 64;
        struct am_ledger_entry *l = realloc(b->ledger, cap * sizeof(*l));

        if (!l)
            return -ENOMEM;
        b->ledger = l;
        b->led_cap = cap;
    }
    e = &b->ledger[b->led_n];
    memset(e, 0, sizeof(*e));
    snprintf(e->id, sizeof(e->id), "ftr_%012llu",
             (unsigned long long)((b->salt % 1000000ULL) * 1000000ULL + b->led_n + 1));
    b->balance += value_cents;
    e->value_cents = value_cents;
    e->balance_cents = b->balance;
    e->type = type;
    e->day = day;
    e->created_at = now;
    snprintf(e->description, sizeof(e->description), "%s", description ? description : "");
    snprintf(e->payment_id, sizeof(e->payment_id), "%s", payment_id ? payment_id : "");
    b->led_n++;
    return 0;
}

size_t am_billing_ledger_count(const struct am_billing *b)
{
    return b ? b->led_n : 0;
}

const struct am_ledger_entry *am_billing_ledger_at(const struct am_billing *b, size_t i)
{
    return b && i < b->led_n ? &b->ledger[i] : NULL;
}

int64_t am_billing_balance(const struct am_billing *b)
{
    return b ? b->balance : 0;
}

int am_billing_ledger_check(const struct am_billing *b, size_t *ret_index)
{
    int64_t sum = 0;

    for (size_t i = 0; i < b->led_n; i++) {
        sum += b->ledger[i].value_cents;
        if (sum != b->ledger[i].balance_cents) {
            if (ret_index)
                *ret_index = i;
            return -EFAULT;
        }
    }
    if (sum != b->balance) {
        if (ret_index)
            *ret_index = b->led_n;
        return -EFAULT;
    }
    return 0;
}

/* ---- payments: storage ------------------------------------------------------------ */

void am_payment_spec_init(struct am_payment_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->billing_type = AM_BILLING_UNDEFINED;
    spec->due_day = AM_NO_DAY;
    spec->fee_cents = -1;
    spec->discount.limit_day = AM_NO_DAY;
    spec->discount.type = AM_AMOUNT_FIXED;
    spec->fine.type = AM_AMOUNT_FIXED;
    spec->days_after_due_to_cancel = -1;
}

void am_payment_filter_init(struct am_payment_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->status = -1;
    f->billing_type = -1;
    f->created_ge = f->created_le = AM_NO_DAY;
    f->due_ge = f->due_le = AM_NO_DAY;
    f->payment_ge = f->payment_le = AM_NO_DAY;
    f->estimated_credit_ge = f->estimated_credit_le = AM_NO_DAY;
    f->anticipated = -1;
}

static void set_status(struct am_billing *b, struct am_payment *p, enum am_payment_status s)
{
    bitmap_set(&b->by_status[p->status], p->seq, false);
    b->status_count[p->status]--;
    p->status = s;
    bitmap_set(&b->by_status[s], p->seq, true);
    b->status_count[s]++;
}

static void set_type(struct am_billing *b, struct am_payment *p, enum am_billing_type t)
{
    bitmap_set(&b->by_type[p->billing_type], p->seq, false);
    b->type_count[p->billing_type]--;
    p->billing_type = t;
    bitmap_set(&b->by_type[t], p->seq, true);
    b->type_count[t]++;
}

static void set_deleted(struct am_billing *b, struct am_payment *p, bool deleted)
{
    p->deleted = deleted;
    bitmap_set(&b->live, p->seq, !deleted);
}

static bool is_bank_slip(enum am_billing_type t)
{
    return t == AM_BILLING_BOLETO || t == AM_BILLING_UNDEFINED;
}

static int reserve_all(struct am_billing *b, size_t nbits)
{
    int r = bitmap_reserve(&b->live, nbits);

    for (int i = 0; r == 0 && i < _AM_PAY_STATUS_MAX; i++)
        r = bitmap_reserve(&b->by_status[i], nbits);
    for (int i = 0; r == 0 && i < _AM_BILLING_MAX; i++)
        r = bitmap_reserve(&b->by_type[i], nbits);
    return r;
}

static int dup_opt(const char *s, char **ret)
{
    *ret = NULL;
    if (!s)
        return 0;
    *ret = strdup(s);
    return *ret ? 0 : -ENOMEM;
}

int am_billing_payment_create_quiet(struct am_billing *b, struct am_ids *ids,
                                    const struct am_payment_spec *spec, int64_t now,
                                    struct am_payment **ret)
{
    struct am_payment *p = NULL;
    int r, attempts;

    if (!b || !ids || !spec || !spec->customer || !*spec->customer ||
        strlen(spec->customer) >= AM_BILLING_REF_MAX || spec->value_cents <= 0 ||
        spec->due_day == AM_NO_DAY || (unsigned)spec->billing_type >= _AM_BILLING_MAX ||
        (spec->subscription && strlen(spec->subscription) >= AM_BILLING_REF_MAX) ||
        (spec->installment && strlen(spec->installment) >= AM_UUID_MAX))
        return -EINVAL;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct am_payment **v = realloc(b->payments, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        b->payments = v;
        b->cap = cap;
    }
    r = reserve_all(b, b->n + 1);
    if (r < 0)
        return r;
    if (b->n == b->hot_cap) {
        size_t cap = b->hot_cap ? b->hot_cap * 2 : 64;
        struct hot *h = realloc(b->hot, cap * sizeof(*h));

        if (!h)
            return -ENOMEM;
        b->hot = h;
        b->hot_cap = cap;
    }
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    for (attempts = 0; attempts < MAX_ID_ATTEMPTS; attempts++) {
        am_ids_alnum(ids, "pay_", 16, p->id);
        if (!map_get(&b->by_id, p->id))
            break;
    }
    if (attempts == MAX_ID_ATTEMPTS) {
        r = -EEXIST;
        goto fail;
    }
    if (dup_opt(spec->description, &p->description) < 0 ||
        dup_opt(spec->external_reference, &p->external_reference) < 0) {
        r = -ENOMEM;
        goto fail;
    }
    p->seq = b->n;
    p->created_at = now;
    snprintf(p->customer, sizeof(p->customer), "%s", spec->customer);
    if (spec->subscription)
        snprintf(p->subscription, sizeof(p->subscription), "%s", spec->subscription);
    if (spec->installment)
        snprintf(p->installment, sizeof(p->installment), "%s", spec->installment);
    p->value_cents = spec->value_cents;
    p->fee_cents = spec->fee_cents >= 0 ? spec->fee_cents
                                        : am_fee_for(spec->billing_type, spec->value_cents);
    p->net_value_cents = p->value_cents - p->fee_cents;
    p->original_value_cents = -1;
    p->interest_value_cents = -1;
    p->billing_type = spec->billing_type;
    p->can_be_paid_after_due_date = true;
    p->confirmed_day = AM_NO_DAY;
    p->status = AM_PAY_PENDING;
    p->due_day = p->original_due_day = spec->due_day;
    p->payment_day = p->client_payment_day = AM_NO_DAY;
    p->installment_number = spec->installment_number;
    am_billing_next_invoice_number(b, p->invoice_number);
    p->credit_day = p->estimated_credit_day = AM_NO_DAY;
    if (is_bank_slip(p->billing_type))
        am_billing_next_nosso_numero(b, p->nosso_numero);
    p->discount = spec->discount;
    p->fine = spec->fine;
    p->interest = spec->interest;
    p->postal_service = spec->postal_service;
    p->days_after_due_to_cancel = spec->days_after_due_to_cancel;
    p->cash_saved_value_cents = -1;

    r = map_put(&b->by_id, p->id, p->seq);
    if (r < 0)
        goto fail;
    b->payments[b->n++] = p;
    if (p->seq > 0 && am_cal_day_of(now) < b->hot[p->seq - 1].created_day)
        b->created_sorted = false;
    sync_hot(b, p);
    /* From here p is in the store; a failing secondary index only loses findability by
     * that key (reported as -ENOMEM), never memory. */
    bitmap_set(&b->by_status[p->status], p->seq, true);
    b->status_count[p->status]++;
    bitmap_set(&b->by_type[p->billing_type], p->seq, true);
    b->type_count[p->billing_type]++;
    bitmap_set(&b->live, p->seq, true);
    r = group_add(&b->by_customer, p->customer, p->seq);
    if (r == 0 && p->subscription[0])
        r = group_add(&b->by_subscription, p->subscription, p->seq);
    if (r == 0 && p->installment[0])
        r = group_add(&b->by_installment, p->installment, p->seq);
    if (ret)
        *ret = p;
    return r;
fail:
    payment_free(p);
    return r;
}

int am_billing_payment_create(struct am_billing *b, struct am_ids *ids,
                              const struct am_payment_spec *spec, int64_t now,
                              struct am_payment **ret)
{
    struct am_payment *p = NULL;
    int r = am_billing_payment_create_quiet(b, ids, spec, now, &p);

    if (p && r == 0)
        r = emit(b, "PAYMENT_CREATED", p, now);
    if (ret)
        *ret = p;
    return r;
}

struct am_payment *am_billing_payment_find(const struct am_billing *b, const char *id)
{
    const size_t *i;

    if (!b || !id)
        return NULL;
    i = map_get(&b->by_id, id);
    return i ? b->payments[*i] : NULL;
}

size_t am_billing_payment_count(const struct am_billing *b)
{
    return b ? b->n : 0;
}

struct am_payment *am_billing_payment_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n ? b->payments[i] : NULL;
}

/* ---- query ------------------------------------------------------------------------ */

static bool in_range(int64_t day, int64_t ge, int64_t le)
{
    if (ge != AM_NO_DAY && (day == AM_NO_DAY || day < ge))
        return false;
    if (le != AM_NO_DAY && (day == AM_NO_DAY || day > le))
        return false;
    return true;
}

/* The date predicates, on the packed array. */
static bool hot_matches(const struct am_billing *b, size_t seq, const struct am_payment_filter *f)
{
    const struct hot *h = &b->hot[seq];

    return in_range(h->created_day, f->created_ge, f->created_le) &&
           in_range(h->due_day, f->due_ge, f->due_le) &&
           in_range(h->payment_day, f->payment_ge, f->payment_le) &&
           in_range(h->estimated_credit_day, f->estimated_credit_ge, f->estimated_credit_le);
}

/* The predicates that need the payment itself. */
static bool cold_matches(const struct am_payment *p, const struct am_payment_filter *f)
{
    if (f->customer && strcmp(p->customer, f->customer) != 0)
        return false;
    if (f->subscription && strcmp(p->subscription, f->subscription) != 0)
        return false;
    if (f->installment && strcmp(p->installment, f->installment) != 0)
        return false;
    if (f->external_reference &&
        !(p->external_reference && strcmp(p->external_reference, f->external_reference) == 0))
        return false;
    if (f->anticipated >= 0 && p->anticipated != (f->anticipated != 0))
        return false;
    return !f->extra || f->extra(p, f->extra_arg);
}

static bool matches(const struct am_billing *b, const struct am_payment *p,
                    const struct am_payment_filter *f)
{
    if (!f->include_deleted && p->deleted)
        return false;
    if (f->status >= 0 && (int)p->status != f->status)
        return false;
    if (f->billing_type >= 0 && (int)p->billing_type != f->billing_type)
        return false;
    return hot_matches(b, p->seq, f) && cold_matches(p, f);
}

static bool needs_hot(const struct am_payment_filter *f)
{
    return f->created_ge != AM_NO_DAY || f->created_le != AM_NO_DAY || f->due_ge != AM_NO_DAY ||
           f->due_le != AM_NO_DAY || f->payment_ge != AM_NO_DAY || f->payment_le != AM_NO_DAY ||
           f->estimated_credit_ge != AM_NO_DAY || f->estimated_credit_le != AM_NO_DAY;
}

static bool needs_cold(const struct am_payment_filter *f)
{
    return f->customer || f->subscription || f->installment || f->external_reference ||
           f->anticipated >= 0 || f->extra;
}

struct collector {
    size_t offset, limit, total, n;
    struct am_payment **page;
};

static void collect(struct collector *c, struct am_payment *p)
{
    if (c->total >= c->offset && c->total - c->offset < c->limit)
        c->page[c->n++] = p;
    c->total++;
}

/* First seq whose creation day is >= day (the days are sorted). */
static size_t created_lower_bound(const struct am_billing *b, int64_t day)
{
    size_t lo = 0, hi = b->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b->hot[mid].created_day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Mask of the bits of word w that lie in [lo, hi). */
static uint64_t range_mask(size_t w, size_t lo, size_t hi)
{
    size_t first = w * 64, last = first + 64;
    uint64_t m = ~0ULL;

    if (lo > first)
        m &= lo - first >= 64 ? 0 : ~0ULL << (lo - first);
    if (hi < last)
        m &= hi <= first ? 0 : (hi - first >= 64 ? ~0ULL : (1ULL << (hi - first)) - 1);
    return m;
}

size_t am_billing_payments_query(const struct am_billing *b, const struct am_payment_filter *f,
                                 size_t offset, size_t limit, struct am_payment **page,
                                 size_t *ret_n)
{
    struct collector c = {.offset = offset, .limit = limit, .page = page};
    const struct vec *best = NULL;
    size_t best_n = b ? b->n : 0, lo = 0, hi;
    const char *keys[3];
    const struct group_index *groups[3];
    bool hot, cold;

    *ret_n = 0;
    if (!b || b->n == 0)
        return 0;
    keys[0] = f->customer;
    groups[0] = &b->by_customer;
    keys[1] = f->subscription;
    groups[1] = &b->by_subscription;
    keys[2] = f->installment;
    groups[2] = &b->by_installment;
    for (int i = 0; i < 3; i++) {
        const struct vec *v;

        if (!keys[i])
            continue;
        v = group_get(groups[i], keys[i]);
        if (!v)
            return 0; /* nothing has that key */
        if (!best || v->n < best->n) {
            best = v;
            best_n = v->n;
        }
    }
    if (best && (f->status < 0 || best_n <= b->status_count[f->status]) &&
        (f->billing_type < 0 || best_n <= b->type_count[f->billing_type])) {
        for (size_t i = best->n; i-- > 0;) {
            struct am_payment *p = b->payments[best->v[i]];

            if (matches(b, p, f))
                collect(&c, p);
        }
        *ret_n = c.n;
        return c.total;
    }
    /* Bitmap walk, newest first, over the creation window when it is known. */
    hi = b->n;
    if (b->created_sorted) {
        if (f->created_ge != AM_NO_DAY)
            lo = created_lower_bound(b, f->created_ge);
        if (f->created_le != AM_NO_DAY && f->created_le < INT64_MAX)
            hi = created_lower_bound(b, f->created_le + 1);
    }
    hot = needs_hot(f);
    cold = needs_cold(f);
    for (size_t w = hi ? (hi - 1) / 64 + 1 : 0; lo < hi && w-- > lo / 64;) {
        uint64_t word = range_mask(w, lo, hi);

        if (!f->include_deleted)
            word &= b->live.w[w];
        if (f->status >= 0)
            word &= b->by_status[f->status].w[w];
        if (f->billing_type >= 0)
            word &= b->by_type[f->billing_type].w[w];
        if (!word)
            continue;
        if (!hot && !cold) {
            size_t cnt = (size_t)__builtin_popcountll(word);
            bool page_full = c.total >= c.offset && c.total - c.offset >= c.limit;

            /* A whole word before or after the page: count without touching payments. */
            if (page_full || c.total + cnt <= c.offset) {
                c.total += cnt;
                continue;
            }
        }
        while (word) {
            int bit = 63 - __builtin_clzll(word);
            size_t seq = w * 64 + (size_t)bit;

            word &= ~(1ULL << bit);
            if (hot && !hot_matches(b, seq, f))
                continue;
            if (cold && !cold_matches(b->payments[seq], f))
                continue;
            collect(&c, b->payments[seq]);
        }
    }
    *ret_n = c.n;
    return c.total;
}

static int group_list(const struct am_billing *b, const struct group_index *g, const char *key,
                      struct am_payment ***ret, size_t *ret_n)
{
    const struct vec *v = key ? group_get(g, key) : NULL;
    struct am_payment **out;

    *ret = NULL;
    *ret_n = 0;
    if (!v || v->n == 0)
        return 0;
    out = malloc(v->n * sizeof(*out));
    if (!out)
        return -ENOMEM;
    for (size_t i = 0; i < v->n; i++)
        out[i] = b->payments[v->v[i]];
    *ret = out;
    *ret_n = v->n;
    return 0;
}

int am_billing_payments_of_subscription(const struct am_billing *b, const char *sub_id,
                                        struct am_payment ***ret, size_t *ret_n)
{
    return group_list(b, &b->by_subscription, sub_id, ret, ret_n);
}

int am_billing_payments_of_installment(const struct am_billing *b, const char *inst_id,
                                       struct am_payment ***ret, size_t *ret_n)
{
    return group_list(b, &b->by_installment, inst_id, ret, ret_n);
}

/* ---- rendering -------------------------------------------------------------------- */

static bool add_day(cJSON *o, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY)
        return cJSON_AddNullToObject(o, key) != NULL;
    am_cal_format_day(day, buf);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static bool add_instant(cJSON *o, const char *key, int64_t t)
{
    char buf[20];

    if (t == 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    am_clock_format_datetime(t, buf);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static bool add_money_or_null(cJSON *o, const char *key, int64_t cents)
{
    if (cents < 0)
        return cJSON_AddNullToObject(o, key) != NULL;
    return am_money_add(o, key, cents) == 0;
}

static bool add_url(cJSON *o, const char *key, const char *prefix, const char *suffix)
{
    char buf[128];

    if (!suffix || !*suffix)
        return cJSON_AddNullToObject(o, key) != NULL;
    snprintf(buf, sizeof(buf), "%s%s", prefix, suffix);
    return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static int add_str_or_null(cJSON *o, const char *key, const char *value)
{
    cJSON *item = value ? cJSON_CreateString(value) : cJSON_CreateNull();

    if (!item)
        return -ENOMEM;
    if (!cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        return -ENOMEM;
    }
    return 0;
}

static const char *amount_type_name(enum am_amount_type t)
{
    return t == AM_AMOUNT_PERCENTAGE ? "PERCENTAGE" : "FIXED";
}

static cJSON *card_json(const struct am_card_info *card)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    if (!cJSON_AddStringToObject(o, "creditCardNumber", card->last4) ||
        !cJSON_AddStringToObject(o, "creditCardBrand", card->brand) ||
        add_str_or_null(o, "creditCardToken",
                                         card->token[0] ? card->token : NULL) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *am_refund_to_json(const struct am_refund *rf)
{
    cJSON *o = cJSON_CreateObject();
    bool ok;

    if (!o)
        return NULL;
    ok = add_instant(o, "dateCreated", rf->created_at) &&
         cJSON_AddStringToObject(o, "status", rf->done ? "DONE" : "PENDING") &&
         am_money_add(o, "value", rf->value_cents) == 0 &&
         cJSON_AddNullToObject(o, "endToEndIdentifier") &&
         add_str_or_null(o, "description", rf->description) == 0 &&
         add_day(o, "effectiveDate", rf->effective_day) &&
         add_url(o, "transactionReceiptUrl", "https://sandbox.asaas.com/comprovantes/",
                 rf->receipt) &&
         cJSON_AddArrayToObject(o, "refundedSplits");
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static bool add_refunds(cJSON *o, const struct am_payment *p)
{
    cJSON *arr;

    if (p->n_refunds == 0)
        return cJSON_AddNullToObject(o, "refunds") != NULL;
    arr = cJSON_AddArrayToObject(o, "refunds");
    if (!arr)
        return false;
    for (size_t i = 0; i < p->n_refunds; i++) {
        cJSON *item = am_refund_to_json(&p->refunds[i]);

        if (!item)
            return false;
        cJSON_AddItemToArray(arr, item);
    }
    return true;
}

static bool add_card(cJSON *o, const struct am_payment *p)
{
    cJSON *card;

    if (!add_day(o, "confirmedDate", p->confirmed_day))
        return false;
    if (!p->card.present)
        return cJSON_AddNullToObject(o, "creditCard") != NULL;
    card = card_json(&p->card);
    if (!card)
        return false;
    if (!cJSON_AddItemToObject(o, "creditCard", card)) {
        cJSON_Delete(card);
        return false;
    }
    return true;
}

static bool add_terms(cJSON *o, const struct am_payment *p)
{
    cJSON *d = cJSON_AddObjectToObject(o, "discount");
    cJSON *f, *i;

    if (!d || am_money_add(d, "value", p->discount.value) != 0 ||
        !add_day(d, "limitDate", p->discount.limit_day) ||
        !cJSON_AddNumberToObject(d, "dueDateLimitDays", p->discount.due_date_limit_days) ||
        !cJSON_AddStringToObject(d, "type", amount_type_name(p->discount.type)))
        return false;
    f = cJSON_AddObjectToObject(o, "fine");
    if (!f || am_money_add(f, "value", p->fine.value) != 0 ||
        !cJSON_AddStringToObject(f, "type", amount_type_name(p->fine.type)))
        return false;
    i = cJSON_AddObjectToObject(o, "interest");
    return i && am_money_add(i, "value", p->interest.value) == 0 &&
           cJSON_AddStringToObject(i, "type", "PERCENTAGE");
}

cJSON *am_payment_to_json(const struct am_payment *p)
{
    const char *suffix = strncmp(p->id, "pay_", 4) == 0 ? p->id + 4 : p->id;
    cJSON *o = cJSON_CreateObject();
    char date[11];
    bool ok;

    if (!o)
        return NULL;
    am_cal_format_day(am_cal_day_of(p->created_at), date);
    ok = cJSON_AddStringToObject(o, "object", "payment") &&
         cJSON_AddStringToObject(o, "id", p->id) &&
         cJSON_AddStringToObject(o, "dateCreated", date) &&
         cJSON_AddStringToObject(o, "customer", p->customer) &&
         (!p->subscription[0] || cJSON_AddStringToObject(o, "subscription", p->subscription)) &&
         (!p->installment[0] || cJSON_AddStringToObject(o, "installment", p->installment)) &&
         cJSON_AddNullToObject(o, "checkoutSession") &&
         cJSON_AddNullToObject(o, "paymentLink") &&
         am_money_add(o, "value", p->value_cents) == 0 &&
         am_money_add(o, "netValue", p->net_value_cents) == 0 &&
         add_money_or_null(o, "originalValue", p->original_value_cents) &&
         add_money_or_null(o, "interestValue", p->interest_value_cents) &&
         add_str_or_null(o, "description", p->description) == 0 &&
         cJSON_AddStringToObject(o, "billingType", am_billing_type_name(p->billing_type)) &&
         (p->billing_type != AM_BILLING_BOLETO ||
          cJSON_AddBoolToObject(o, "canBePaidAfterDueDate", p->can_be_paid_after_due_date)) &&
         (p->billing_type != AM_BILLING_CREDIT_CARD || add_card(o, p)) &&
         cJSON_AddNullToObject(o, "pixTransaction") &&
         cJSON_AddStringToObject(o, "status", am_payment_status_name(p->status)) &&
         add_day(o, "dueDate", p->due_day) &&
         add_day(o, "originalDueDate", p->original_due_day) &&
         add_day(o, "paymentDate", p->payment_day) &&
         add_day(o, "clientPaymentDate", p->client_payment_day) &&
         (p->installment_number
              ? cJSON_AddNumberToObject(o, "installmentNumber", p->installment_number) != NULL
              : cJSON_AddNullToObject(o, "installmentNumber") != NULL) &&
         add_url(o, "invoiceUrl", "https://sandbox.asaas.com/i/", suffix) &&
         cJSON_AddStringToObject(o, "invoiceNumber", p->invoice_number) &&
         add_str_or_null(o, "externalReference", p->external_reference) == 0 &&
         cJSON_AddBoolToObject(o, "deleted", p->deleted) &&
         cJSON_AddBoolToObject(o, "anticipated", p->anticipated) &&
         cJSON_AddBoolToObject(o, "anticipable", p->anticipable) &&
         add_day(o, "creditDate", p->credit_day) &&
         add_day(o, "estimatedCreditDate", p->estimated_credit_day) &&
         add_url(o, "transactionReceiptUrl", "https://sandbox.asaas.com/comprovantes/",
                 p->receipt) &&
         add_str_or_null(o, "nossoNumero", p->nosso_numero[0] ? p->nosso_numero : NULL) == 0 &&
         add_url(o, "bankSlipUrl", "https://sandbox.asaas.com/b/pdf/",
                 is_bank_slip(p->billing_type) ? suffix : NULL) &&
         add_instant(o, "lastInvoiceViewedDate", p->last_invoice_viewed_at) &&
         add_instant(o, "lastBankSlipViewedDate", p->last_bank_slip_viewed_at) &&
         add_terms(o, p) && cJSON_AddBoolToObject(o, "postalService", p->postal_service) &&
         cJSON_AddNullToObject(o, "escrow") && add_refunds(o, p);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- state machine ---------------------------------------------------------------- */

static bool awaiting(const struct am_payment *p)
{
    return p->status == AM_PAY_PENDING || p->status == AM_PAY_OVERDUE;
}

static const char *fee_label(enum am_billing_type t)
{
    switch (t) {
    case AM_BILLING_PIX:
        return "Pix";
    case AM_BILLING_CREDIT_CARD:
        return "cartão de crédito";
    default:
        return "boleto";
    }
}

/* Credits the payment into the ledger: value, fee, and any refund made before credit. */
static int credit_ledger(struct am_billing *b, struct am_payment *p, int64_t day, int64_t now)
{
    char text[160];
    int r;

    snprintf(text, sizeof(text), "Cobrança recebida - fatura nr. %s", p->invoice_number);
    r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_RECEIVED, p->value_cents, day, now, text,
                                 p->id);
    if (r == 0 && p->fee_cents > 0) {
        snprintf(text, sizeof(text), "Taxa de %s - fatura nr. %s", fee_label(p->billing_type),
                 p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_FEE, -p->fee_cents, day, now, text,
                                     p->id);
    }
    if (r == 0 && p->refunded_cents > 0) {
        snprintf(text, sizeof(text), "Estorno de cobrança - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_REFUND, -p->refunded_cents, day, now,
                                     text, p->id);
    }
    if (r == 0)
        p->credited = true;
    return r;
}

/* Rounds num/den half-up for non-negative values. */
static int64_t div_round(int64_t num, int64_t den)
{
    return (num + den / 2) / den;
}

/* Applies discount (paid early enough) or fine + interest (paid late) to the amount the
 * payer pays on day. */
static void apply_terms_on_payment(struct am_payment *p, int64_t day)
{
    int64_t base = p->value_cents, extra = 0, off = 0;

    if (day > p->due_day) {
        if (p->fine.value > 0)
            extra += p->fine.type == AM_AMOUNT_PERCENTAGE ? div_round(base * p->fine.value, 10000)
                                                         : p->fine.value;
        if (p->interest.value > 0)
            extra += div_round(base * p->interest.value * (day - p->due_day), 10000 * 30);
    } else if (p->discount.value > 0 &&
               day <= p->due_day - p->discount.due_date_limit_days) {
        off = p->discount.type == AM_AMOUNT_PERCENTAGE ? div_round(base * p->discount.value, 10000)
                                                       : p->discount.value;
        if (off >= base)
            off = 0;
    }
    if (extra == 0 && off == 0)
        return;
    p->original_value_cents = base;
    if (extra > 0)
        p->interest_value_cents = extra;
    p->value_cents = base + extra - off;
    p->net_value_cents = p->value_cents - p->fee_cents;
}

static int64_t card_credit_day(int64_t today, unsigned factor)
{
    return am_bizday_roll_forward(today + (int64_t)AM_CARD_CREDIT_DAYS * (factor ? factor : 1));
}

int am_billing_payment_confirm(struct am_billing *b, struct am_payment *p, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int r;

    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    apply_terms_on_payment(p, today);
    p->client_payment_day = today;
    am_billing_receipt_id(p->id, p->receipt);
    if (p->billing_type == AM_BILLING_PIX) {
        /* Pix never shows CONFIRMED: the money is in the account at once. */
        p->payment_day = today;
        p->credit_day = p->estimated_credit_day = today;
        set_status(b, p, AM_PAY_RECEIVED);
        r = credit_ledger(b, p, today, now);
        return r < 0 ? r : emit(b, "PAYMENT_RECEIVED", p, now);
    }
    if (p->billing_type == AM_BILLING_CREDIT_CARD) {
        p->confirmed_day = today;
        p->credit_day = p->estimated_credit_day = card_credit_day(today, 1);
    } else {
        p->credit_day = p->estimated_credit_day =
            am_bizday_add(today, AM_BOLETO_CREDIT_BUSINESS_DAYS);
    }
    set_status(b, p, AM_PAY_CONFIRMED);
    return emit(b, "PAYMENT_CONFIRMED", p, now);
}

static void confirm_card(struct am_billing *b, struct am_payment *p, unsigned factor,
                         const char *receipt, int64_t today)
{
    if (p->billing_type != AM_BILLING_CREDIT_CARD) {
        set_type(b, p, AM_BILLING_CREDIT_CARD);
        p->fee_cents = am_fee_for(AM_BILLING_CREDIT_CARD, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
        p->nosso_numero[0] = '\0';
    }
    p->confirmed_day = today;
    p->client_payment_day = today;
    p->credit_day = p->estimated_credit_day = card_credit_day(today, factor);
    if (receipt && *receipt)
        snprintf(p->receipt, sizeof(p->receipt), "%s", receipt);
    else
        am_billing_receipt_id(p->id, p->receipt);
    set_status(b, p, AM_PAY_CONFIRMED);
}

int am_billing_payment_pay_card(struct am_billing *b, struct am_payment *p,
                                const struct am_card_info *card, unsigned credit_factor,
                                const char *receipt, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if (card) {
        p->card = *card;
        p->card.present = true;
    }
    confirm_card(b, p, credit_factor, receipt, am_cal_day_of(now));
    return emit(b, "PAYMENT_CONFIRMED", p, now);
}

int am_billing_payment_authorize(struct am_billing *b, struct am_payment *p,
                                 const struct am_card_info *card, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_PENDING)
        return -EPERM;
    if (card) {
        p->card = *card;
        p->card.present = true;
    }
    if (p->billing_type != AM_BILLING_CREDIT_CARD) {
        set_type(b, p, AM_BILLING_CREDIT_CARD);
        p->fee_cents = am_fee_for(AM_BILLING_CREDIT_CARD, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
        p->nosso_numero[0] = '\0';
    }
    set_status(b, p, AM_PAY_AUTHORIZED);
    return emit(b, "PAYMENT_AUTHORIZED", p, now);
}

int am_billing_payment_capture(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_AUTHORIZED)
        return -EPERM;
    confirm_card(b, p, p->installment_number ? p->installment_number : 1, NULL,
                 am_cal_day_of(now));
    return emit(b, "PAYMENT_CONFIRMED", p, now);
}

int am_billing_payment_receive(struct am_billing *b, struct am_payment *p, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int64_t day;
    int r;

    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_CONFIRMED)
        return -EPERM;
    day = p->credit_day != AM_NO_DAY && p->credit_day <= today ? p->credit_day : today;
    p->payment_day = day;
    p->credit_day = day;
    if (!p->receipt[0])
        am_billing_receipt_id(p->id, p->receipt);
    set_status(b, p, AM_PAY_RECEIVED);
    r = credit_ledger(b, p, day, now);
    return r < 0 ? r : emit(b, "PAYMENT_RECEIVED", p, now);
}

int am_billing_payment_overdue(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_PENDING)
        return -EPERM;
    set_status(b, p, AM_PAY_OVERDUE);
    return emit(b, "PAYMENT_OVERDUE", p, now);
}

int am_billing_payment_refund(struct am_billing *b, struct am_payment *p, int64_t value_cents,
                              const char *description, int64_t now)
{
    int64_t today = am_cal_day_of(now);
    int64_t refundable = p->value_cents - p->refunded_cents;
    struct am_refund *rf, *arr;
    char seed[64], text[160];
    int r = 0;

    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_RECEIVED && p->status != AM_PAY_CONFIRMED)
        return -EPERM;
    if (value_cents <= 0)
        value_cents = refundable;
    if (value_cents > refundable || value_cents <= 0)
        return -EINVAL;
    arr = realloc(p->refunds, (p->n_refunds + 1) * sizeof(*arr));
    if (!arr)
        return -ENOMEM;
    p->refunds = arr;
    rf = &p->refunds[p->n_refunds];
    memset(rf, 0, sizeof(*rf));
    if (dup_opt(description, &rf->description) < 0)
        return -ENOMEM;
    p->n_refunds++;
    rf->created_at = now;
    rf->value_cents = value_cents;
    rf->effective_day = today;
    rf->done = true;
    snprintf(seed, sizeof(seed), "%s/refund/%zu", p->id, p->n_refunds);
    am_billing_receipt_id(seed, rf->receipt);
    p->refunded_cents += value_cents;
    if (p->credited) {
        snprintf(text, sizeof(text), "Estorno de cobrança - fatura nr. %s", p->invoice_number);
        r = am_billing_ledger_append(b, AM_LEDGER_PAYMENT_REFUND, -value_cents, today, now, text,
                                     p->id);
        if (r < 0)
            return r;
    }
    if (p->refunded_cents == p->value_cents) {
        set_status(b, p, AM_PAY_REFUNDED);
        return emit(b, "PAYMENT_REFUNDED", p, now);
    }
    return emit(b, "PAYMENT_PARTIALLY_REFUNDED", p, now);
}

int am_billing_payment_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                       int64_t day, int64_t value_cents, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if (day == AM_NO_DAY)
        return -EINVAL;
    p->cash_saved_value_cents = p->value_cents;
    if (value_cents > 0)
        p->value_cents = value_cents;
    p->net_value_cents = p->value_cents;
    p->payment_day = p->client_payment_day = day;
    set_status(b, p, AM_PAY_RECEIVED_IN_CASH);
    return emit(b, AM_EVENT_RECEIVED_IN_CASH, p, now);
}

int am_billing_payment_undo_receive_in_cash(struct am_billing *b, struct am_payment *p,
                                            int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (p->status != AM_PAY_RECEIVED_IN_CASH)
        return -EPERM;
    if (p->cash_saved_value_cents > 0)
        p->value_cents = p->cash_saved_value_cents;
    p->cash_saved_value_cents = -1;
    p->net_value_cents = p->value_cents - p->fee_cents;
    p->payment_day = p->client_payment_day = AM_NO_DAY;
    set_status(b, p, p->due_day < am_cal_day_of(now) ? AM_PAY_OVERDUE : AM_PAY_PENDING);
    return emit(b, "PAYMENT_RECEIVED_IN_CASH_UNDONE", p, now);
}

int am_billing_payment_delete(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p) && p->status != AM_PAY_RECEIVED_IN_CASH)
        return -EPERM;
    set_deleted(b, p, true);
    return emit(b, "PAYMENT_DELETED", p, now);
}

int am_billing_payment_restore(struct am_billing *b, struct am_payment *p, int64_t now)
{
    if (!p->deleted)
        return -EPERM;
    set_deleted(b, p, false);
    return emit(b, "PAYMENT_RESTORED", p, now);
}

int am_billing_payment_update(struct am_billing *b, struct am_payment *p,
                              const struct am_payment_update *u, int64_t now)
{
    char *desc = NULL, *ext = NULL;

    if (p->deleted)
        return -EIDRM;
    if (!awaiting(p))
        return -EPERM;
    if ((u->has_value && u->value_cents <= 0) ||
        (u->has_billing_type && (unsigned)u->billing_type >= _AM_BILLING_MAX) ||
        (u->has_due_day && u->due_day == AM_NO_DAY))
        return -EINVAL;
    /* Copies first so an OOM leaves p untouched. */
    if ((u->has_description && dup_opt(u->description, &desc) < 0) ||
        (u->has_external_reference && dup_opt(u->external_reference, &ext) < 0)) {
        free(desc);
        return -ENOMEM;
    }
    if (u->has_description) {
        free(p->description);
        p->description = desc;
    }
    if (u->has_external_reference) {
        free(p->external_reference);
        p->external_reference = ext;
    }
    if (u->has_billing_type && u->billing_type != p->billing_type) {
        set_type(b, p, u->billing_type);
        if (is_bank_slip(p->billing_type) && !p->nosso_numero[0])
            am_billing_next_nosso_numero(b, p->nosso_numero);
        if (!is_bank_slip(p->billing_type))
            p->nosso_numero[0] = '\0';
    }
    if (u->has_value)
        p->value_cents = u->value_cents;
    if (u->has_value || u->has_billing_type) {
        if (!p->installment[0])
            p->fee_cents = am_fee_for(p->billing_type, p->value_cents);
        p->net_value_cents = p->value_cents - p->fee_cents;
    }
    if (u->has_due_day) {
        p->due_day = u->due_day;
        if (p->status == AM_PAY_OVERDUE && p->due_day >= am_cal_day_of(now))
            set_status(b, p, AM_PAY_PENDING);
    }
    if (u->has_discount)
        p->discount = u->discount;
    if (u->has_fine)
        p->fine = u->fine;
    if (u->has_interest)
        p->interest = u->interest;
    if (u->has_postal_service)
        p->postal_service = u->postal_service;
    return emit(b, "PAYMENT_UPDATED", p, now);
}

/* ---- jobs ------------------------------------------------------------------------- */

size_t am_billing_job_overdue(struct am_billing *b, int64_t day, int64_t now)
{
    size_t changed = 0, nwords = (b->n + 63) / 64;

    for (size_t w = 0; w < nwords; w++) {
        uint64_t word = b->by_status[AM_PAY_PENDING].w[w] & b->live.w[w];

        while (word) {
            int bit = __builtin_ctzll(word);
            struct am_payment *p = b->payments[w * 64 + (size_t)bit];

            word &= word - 1;
            if (p->due_day < day && am_billing_payment_overdue(b, p, now) != -EPERM)
                changed++;
        }
    }
    return changed;
}

size_t am_billing_job_settle(struct am_billing *b, int64_t day, int64_t now)
{
    size_t changed = 0, nwords = (b->n + 63) / 64;

    for (size_t w = 0; w < nwords; w++) {
        uint64_t word = b->by_status[AM_PAY_CONFIRMED].w[w] & b->live.w[w];

        while (word) {
            int bit = __builtin_ctzll(word);
            struct am_payment *p = b->payments[w * 64 + (size_t)bit];

            word &= word - 1;
            if (p->credit_day != AM_NO_DAY && p->credit_day <= day) {
                /* Settle on the credit day itself, whatever day the job runs for. */
                int64_t t = now;

                if (am_billing_payment_receive(b, p, t) != -EPERM)
                    changed++;
            }
        }
    }
    return changed;
}

/* ---- installments ----------------------------------------------------------------- */

int am_billing_installment_add(struct am_billing *b, const struct am_installment *inst,
                               struct am_installment **ret)
{
    struct am_installment *copy;
    int r;

    if (!inst->id[0] || !inst->customer[0])
        return -EINVAL;
    if (map_get(&b->inst_by_id, inst->id))
        return -EEXIST;
    if (b->n_inst == b->cap_inst) {
        size_t cap = b->cap_inst ? b->cap_inst * 2 : 16;
        struct am_installment **v = realloc(b->installments, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        b->installments = v;
        b->cap_inst = cap;
    }
    copy = malloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *inst;
    copy->description = NULL;
    if (dup_opt(inst->description, &copy->description) < 0) {
        free(copy);
        return -ENOMEM;
    }
    r = map_put(&b->inst_by_id, copy->id, b->n_inst);
    if (r < 0) {
        free(copy->description);
        free(copy);
        return r;
    }
    b->installments[b->n_inst++] = copy;
    if (ret)
        *ret = copy;
    return 0;
}

struct am_installment *am_billing_installment_find(const struct am_billing *b, const char *id)
{
    const size_t *i = b && id ? map_get(&b->inst_by_id, id) : NULL;

    return i ? b->installments[*i] : NULL;
}

size_t am_billing_installment_count(const struct am_billing *b)
{
    return b ? b->n_inst : 0;
}

struct am_installment *am_billing_installment_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n_inst ? b->installments[i] : NULL;
}

/* ---- tokens ----------------------------------------------------------------------- */

int am_billing_token_add(struct am_billing *b, const struct am_card_token *t)
{
    struct am_card_token *copy;
    int r;

    if (!t->token[0])
        return -EINVAL;
    if (map_get(&b->token_by_id, t->token))
        return -EEXIST;
    if (b->n_tokens == b->cap_tokens) {
        size_t cap = b->cap_tokens ? b->cap_tokens * 2 : 16;
        struct am_card_token **v = realloc(b->tokens, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        b->tokens = v;
        b->cap_tokens = cap;
    }
    copy = malloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *t;
    r = map_put(&b->token_by_id, copy->token, b->n_tokens);
    if (r < 0) {
        free(copy);
        return r;
    }
    b->tokens[b->n_tokens++] = copy;
    return 0;
}

const struct am_card_token *am_billing_token_find(const struct am_billing *b, const char *token)
{
    const size_t *i = b && token ? map_get(&b->token_by_id, token) : NULL;

    return i ? b->tokens[*i] : NULL;
}

/* ---- snapshot support ------------------------------------------------------------- */

void am_billing_counters_get(const struct am_billing *b, struct am_billing_counters *ret)
{
    ret->salt = b->salt;
    ret->invoice_seq = b->invoice_seq;
    ret->nosso_seq = b->nosso_seq;
}

void am_billing_counters_set(struct am_billing *b, const struct am_billing_counters *c)
{
    b->salt = c->salt;
    b->invoice_seq = c->invoice_seq;
    b->nosso_seq = c->nosso_seq;
}

void am_billing_payment_discard(struct am_payment *p)
{
    payment_free(p);
}

/* Mirrors the index work of am_billing_payment_create_quiet for a payment whose fields
 * are all set, so a restored store answers every query like the exported one. */
int am_billing_payment_insert(struct am_billing *b, struct am_payment *p)
{
    int r;

    if (!b || !p || p->seq != b->n || !p->id[0] || (unsigned)p->status >= _AM_PAY_STATUS_MAX ||
        (unsigned)p->billing_type >= _AM_BILLING_MAX) {
        r = -EINVAL;
        goto fail;
    }
    if (map_get(&b->by_id, p->id)) {
        r = -EEXIST;
        goto fail;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct am_payment **v = realloc(b->payments, cap * sizeof(*v));

        if (!v) {
            r = -ENOMEM;
            goto fail;
        }
        b->payments = v;
        b->cap = cap;
    }
    r = reserve_all(b, b->n + 1);
    if (r < 0)
        goto fail;
    if (b->n == b->hot_cap) {
        size_t cap = b->hot_cap ? b->hot_cap * 2 : 64;
        struct hot *h = realloc(b->hot, cap * sizeof(*h));

        if (!h) {
            r = -ENOMEM;
            goto fail;
        }
        b->hot = h;
        b->hot_cap = cap;
    }
    r = map_put(&b->by_id, p->id, p->seq);
    if (r < 0)
        goto fail;
    b->payments[b->n++] = p;
    if (p->seq > 0 && am_cal_day_of(p->created_at) < b->hot[p->seq - 1].created_day)
        b->created_sorted = false;
    sync_hot(b, p);
    bitmap_set(&b->by_status[p->status], p->seq, true);
    b->status_count[p->status]++;
    bitmap_set(&b->by_type[p->billing_type], p->seq, true);
    b->type_count[p->billing_type]++;
    bitmap_set(&b->live, p->seq, !p->deleted);
    r = group_add(&b->by_customer, p->customer, p->seq);
    if (r == 0 && p->subscription[0])
        r = group_add(&b->by_subscription, p->subscription, p->seq);
    if (r == 0 && p->installment[0])
        r = group_add(&b->by_installment, p->installment, p->seq);
    return r; /* p belongs to the store from here on */
fail:
    payment_free(p);
    return r;
}

int am_billing_events_restore(struct am_billing *b, const struct am_event *e)
{
    struct am_event *slot;
    char *snap;

    if (e->seq == 0 || e->seq <= b->ev_seq || (b->ev_n > 0 && e->seq != b->ev_seq + 1))
        return -EINVAL;
    if (b->ev_n >= AM_BILLING_EVENTS_KEEP)
        return -ENOSPC;
    snap = strdup(e->snapshot ? e->snapshot : "null");
    if (!snap)
        return -ENOMEM;
    if (b->ev_n == b->ev_cap) {
        /* Same growth as am_billing_events_append; ev_start stays 0 while not full. */
        size_t cap = b->ev_cap ? b->ev_cap * 2 : 64;
        struct am_event *ev;

        if (cap > AM_BILLING_EVENTS_KEEP)
            cap = AM_BILLING_EVENTS_KEEP;
        ev = realloc(b->events, cap * sizeof(*ev));
        if (!ev) {
            free(snap);
            return -ENOMEM;
        }
        b->events = ev;
        b->ev_cap = cap;
    }
    slot = event_slot(b, b->ev_n);
    *slot = *e;
    slot->id[sizeof(slot->id) - 1] = '\0';
    slot->name[sizeof(slot->name) - 1] = '\0';
    slot->resource_type[sizeof(slot->resource_type) - 1] = '\0';
    slot->resource_id[sizeof(slot->resource_id) - 1] = '\0';
    slot->snapshot = snap;
    b->ev_n++;
    b->ev_seq = e->seq;
    return 0;
}

int am_billing_events_set_last_seq(struct am_billing *b, uint64_t seq)
{
    if (seq < b->ev_seq || (b->ev_n > 0 && seq != b->ev_seq))
        return -EINVAL;
    b->ev_seq = seq;
    return 0;
}

int am_billing_ledger_restore(struct am_billing *b, const struct am_ledger_entry *e)
{
    int64_t balance;

    if ((unsigned)e->type >= _AM_LEDGER_MAX ||
        __builtin_add_overflow(b->balance, e->value_cents, &balance) ||
        balance != e->balance_cents)
        return -EINVAL;
    if (b->led_n == b->led_cap) {
        size_t cap = b->led_cap ? b->led_cap * 2 : 64;
        struct am_ledger_entry *l = realloc(b->ledger, cap * sizeof(*l));

        if (!l)
            return -ENOMEM;
        b->ledger = l;
        b->led_cap = cap;
    }
    b->ledger[b->led_n] = *e;
    b->ledger[b->led_n].id[sizeof(e->id) - 1] = '\0';
    b->ledger[b->led_n].description[sizeof(e->description) - 1] = '\0';
    b->ledger[b->led_n].payment_id[sizeof(e->payment_id) - 1] = '\0';
    b->led_n++;
    b->balance = balance;
    return 0;
}

size_t am_billing_token_count(const struct am_billing *b)
{
    return b ? b->n_tokens : 0;
}

const struct am_card_token *am_billing_token_at(const struct am_billing *b, size_t i)
{
    return b && i < b->n_tokens ? b->tokens[i] : NULL;
}
