/* webhooks.c - webhook configs and delivery queues (see webhooks.h).
 *
 * The penalty is per config, as Asaas describes it ("penalty applies to both modes"):
 * after the k-th consecutive failure nothing of that config is sent before the
 * schedule's delay for attempt k+1; the 15th failure interrupts the queue. While
 * penalised even a NON_SEQUENTIALLY config probes with one event at a time. */
#include "webhooks.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "clock.h"

struct am_webhooks {
    struct am_webhook_config *configs[AM_WEBHOOK_MAX_CONFIGS];
    size_t n;
    uint64_t cursor;       /* newest event seq fed */
    uint64_t next_item;    /* next item handle */
    uint64_t dropped;
    struct am_webhook_attempt *log; /* ring of AM_WEBHOOK_LOG_KEEP */
    size_t log_start, log_n;
    uint64_t log_seq;
};

/* Asaas's enum WebhookConfigSaveRequestWebhookEvent (111 names), in the spec's order. */
static const char *const event_names[AM_WEBHOOK_N_EVENTS] = {
    "PAYMENT_AUTHORIZED",
    "PAYMENT_AWAITING_RISK_ANALYSIS",
    "PAYMENT_APPROVED_BY_RISK_ANALYSIS",
    "PAYMENT_REPROVED_BY_RISK_ANALYSIS",
    "PAYMENT_CREATED",
    "PAYMENT_UPDATED",
    "PAYMENT_CONFIRMED",
    "PAYMENT_RECEIVED",
    "PAYMENT_ANTICIPATED",
    "PAYMENT_OVERDUE",
    "PAYMENT_DELETED",
    "PAYMENT_RESTORED",
    "PAYMENT_REFUNDED",
    "PAYMENT_REFUND_IN_PROGRESS",
    "PAYMENT_REFUND_DENIED",
    "PAYMENT_RECEIVED_IN_CASH_UNDONE",
    "PAYMENT_CHARGEBACK_REQUESTED",
    "PAYMENT_CHARGEBACK_DISPUTE",
    "PAYMENT_AWAITING_CHARGEBACK_REVERSAL",
    "PAYMENT_DUNNING_RECEIVED",
    "PAYMENT_DUNNING_REQUESTED",
    "PAYMENT_BANK_SLIP_CANCELLED",
    "PAYMENT_BANK_SLIP_VIEWED",
    "PAYMENT_CHECKOUT_VIEWED",
    "PAYMENT_CREDIT_CARD_CAPTURE_REFUSED",
    "PAYMENT_PARTIALLY_REFUNDED",
    "PAYMENT_SPLIT_CANCELLED",
    "PAYMENT_SPLIT_DIVERGENCE_BLOCK",
    "PAYMENT_SPLIT_DIVERGENCE_BLOCK_FINISHED",
    "INVOICE_CREATED",
    "INVOICE_UPDATED",
    "INVOICE_SYNCHRONIZED",
    "INVOICE_AUTHORIZED",
    "INVOICE_PROCESSING_CANCELLATION",
    "INVOICE_CANCELED",
    "INVOICE_CANCELLATION_DENIED",
    "INVOICE_ERROR",
    "TRANSFER_CREATED",
    "TRANSFER_PENDING",
    "TRANSFER_IN_BANK_PROCESSING",
    "TRANSFER_BLOCKED",
    "TRANSFER_DONE",
    "TRANSFER_FAILED",
    "TRANSFER_CANCELLED",
    "BILL_CREATED",
    "BILL_PENDING",
    "BILL_BANK_PROCESSING",
    "BILL_PAID",
    "BILL_CANCELLED",
    "BILL_FAILED",
    "BILL_REFUNDED",
    "RECEIVABLE_ANTICIPATION_CANCELLED",
    "RECEIVABLE_ANTICIPATION_SCHEDULED",
    "RECEIVABLE_ANTICIPATION_PENDING",
    "RECEIVABLE_ANTICIPATION_CREDITED",
    "RECEIVABLE_ANTICIPATION_DEBITED",
    "RECEIVABLE_ANTICIPATION_DENIED",
    "RECEIVABLE_ANTICIPATION_OVERDUE",
    "MOBILE_PHONE_RECHARGE_PENDING",
    "MOBILE_PHONE_RECHARGE_CANCELLED",
    "MOBILE_PHONE_RECHARGE_CONFIRMED",
    "MOBILE_PHONE_RECHARGE_REFUNDED",
    "ACCOUNT_STATUS_BANK_ACCOUNT_INFO_APPROVED",
    "ACCOUNT_STATUS_BANK_ACCOUNT_INFO_AWAITING_APPROVAL",
    "ACCOUNT_STATUS_BANK_ACCOUNT_INFO_PENDING",
    "ACCOUNT_STATUS_BANK_ACCOUNT_INFO_REJECTED",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_APPROVED",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_AWAITING_APPROVAL",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_EXPIRED",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_EXPIRING_SOON",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_PENDING",
    "ACCOUNT_STATUS_COMMERCIAL_INFO_REJECTED",
    "ACCOUNT_STATUS_DOCUMENT_APPROVED",
    "ACCOUNT_STATUS_DOCUMENT_AWAITING_APPROVAL",
    "ACCOUNT_STATUS_DOCUMENT_PENDING",
    "ACCOUNT_STATUS_DOCUMENT_REJECTED",
    "ACCOUNT_STATUS_GENERAL_APPROVAL_APPROVED",
    "ACCOUNT_STATUS_GENERAL_APPROVAL_AWAITING_APPROVAL",
    "ACCOUNT_STATUS_GENERAL_APPROVAL_PENDING",
    "ACCOUNT_STATUS_GENERAL_APPROVAL_REJECTED",
    "SUBSCRIPTION_CREATED",
    "SUBSCRIPTION_UPDATED",
    "SUBSCRIPTION_INACTIVATED",
    "SUBSCRIPTION_DELETED",
    "SUBSCRIPTION_SPLIT_DISABLED",
    "SUBSCRIPTION_SPLIT_DIVERGENCE_BLOCK",
    "SUBSCRIPTION_SPLIT_DIVERGENCE_BLOCK_FINISHED",
    "CHECKOUT_CREATED",
    "CHECKOUT_CANCELED",
    "CHECKOUT_EXPIRED",
    "CHECKOUT_PAID",
    "BALANCE_VALUE_BLOCKED",
    "BALANCE_VALUE_UNBLOCKED",
    "INTERNAL_TRANSFER_CREDIT",
    "INTERNAL_TRANSFER_DEBIT",
    "ACCESS_TOKEN_CREATED",
    "ACCESS_TOKEN_DELETED",
    "ACCESS_TOKEN_DISABLED",
    "ACCESS_TOKEN_ENABLED",
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_EXPIRING_SOON",
    "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_CREATED",
    "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_ACTIVATED",
    "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_CANCELLED",
    "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_EXPIRED",
    "PIX_AUTOMATIC_RECURRING_AUTHORIZATION_REFUSED",
    "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_CREATED",
    "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_SCHEDULED",
    "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_REFUSED",
    "PIX_AUTOMATIC_RECURRING_PAYMENT_INSTRUCTION_CANCELLED",
    "PIX_AUTOMATIC_RECURRING_ELIGIBILITY_UPDATED",
};

/* §7.2: delay before attempt n after the previous failure (index = attempt). */
static const int64_t retry_delays[AM_WEBHOOK_MAX_ATTEMPTS + 1] = {
    0, 0, 30, 60, 210, 300, 900, 1500, 3600, 3600, 3600, 3600, 3600, 7200, 7200, 10800,
};

int64_t am_webhook_retry_delay(unsigned attempt)
{
    if (attempt > AM_WEBHOOK_MAX_ATTEMPTS)
        attempt = AM_WEBHOOK_MAX_ATTEMPTS;
    return retry_delays[attempt];
}

int am_webhook_event_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < AM_WEBHOOK_N_EVENTS; i++)
        if (strcmp(event_names[i], name) == 0)
            return i;
    return -1;
}

const char *am_webhook_event_name(int i)
{
    return i >= 0 && i < AM_WEBHOOK_N_EVENTS ? event_names[i] : NULL;
}

struct am_webhooks *am_webhooks_new(void)
{
    struct am_webhooks *w = calloc(1, sizeof(*w));

    if (!w)
        return NULL;
    w->next_item = 1;
    return w;
}

static void config_free(struct am_webhook_config *c)
{
    if (!c)
        return;
    for (size_t i = c->head; i < c->n; i++)
        free(c->queue[i].body);
    free(c->queue);
    free(c->name);
    free(c->url);
    free(c->email);
    if (c->auth_token) {
        /* The token is a secret of the integrator: leave no copy in freed memory. */
        memset(c->auth_token, 0, strlen(c->auth_token));
        free(c->auth_token);
    }
    free(c);
}

void am_webhooks_free(struct am_webhooks *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        config_free(w->configs[i]);
    free(w->log);
    free(w);
}

/* ---- URL ---------------------------------------------------------------------- */

int am_webhook_url_parse(const char *url, struct am_webhook_url *ret)
{
    const char *p, *host, *host_end, *rest;
    size_t hlen;
    unsigned long port;

    if (!url || strlen(url) >= AM_WEBHOOK_URL_MAX)
        return -EINVAL;
    memset(ret, 0, sizeof(*ret));
    if (strncmp(url, "http://", 7) == 0) {
        p = url + 7;
        ret->port = 80;
    } else if (strncmp(url, "https://", 8) == 0) {
        p = url + 8;
        ret->https = true;
        ret->port = 443;
    } else {
        return -EINVAL;
    }
    if (*p == '[') {
        host = p + 1;
        host_end = strchr(host, ']');
        if (!host_end || host_end == host)
            return -EINVAL;
        for (const char *q = host; q < host_end; q++)
            if (!strchr("0123456789abcdefABCDEF:.", *q))
                return -EINVAL;
        rest = host_end + 1;
    } else {
        host = p;
        host_end = p;
        while ((*host_end >= 'a' && *host_end <= 'z') || (*host_end >= 'A' && *host_end <= 'Z') ||
               (*host_end >= '0' && *host_end <= '9') || *host_end == '.' || *host_end == '-' ||
               *host_end == '_')
            host_end++;
        if (host_end == host || *host == '.' || *host == '-')
            return -EINVAL;
        rest = host_end;
    }
    hlen = (size_t)(host_end - host);
    if (hlen >= sizeof(ret->host))
        return -EINVAL;
    memcpy(ret->host, host, hlen);
    if (*rest == ':') {
        char *end;
        if (rest[1] < '0' || rest[1] > '9')
            return -EINVAL;
        port = strtoul(rest + 1, &end, 10);
        if (port == 0 || port > 65535)
            return -EINVAL;
        ret->port = (unsigned)port;
        rest = end;
    }
    if (*rest == '\0') {
        strcpy(ret->path, "/");
        return 0;
    }
    if (*rest != '/' && *rest != '?')
        return -EINVAL;
    for (const char *q = rest; *q; q++)
        if ((unsigned char)*q <= ' ' || *q == 0x7f || *q == '#')
            return -EINVAL;
    snprintf(ret->path, sizeof(ret->path), "%s%s", *rest == '?' ? "/" : "", rest);
    return 0;
}

/* ---- Configs ------------------------------------------------------------------ */

size_t am_webhooks_count(const struct am_webhooks *w)
{
    return w->n;
}

struct am_webhook_config *am_webhooks_at(struct am_webhooks *w, size_t i)
{
    return i < w->n ? w->configs[i] : NULL;
}

struct am_webhook_config *am_webhooks_find(struct am_webhooks *w, const char *id)
{
    for (size_t i = 0; id && i < w->n; i++)
        if (strcmp(w->configs[i]->id, id) == 0)
            return w->configs[i];
    return NULL;
}

bool am_webhook_config_wants(const struct am_webhook_config *c, const char *event)
{
    int i = am_webhook_event_index(event);

    return i >= 0 && (c->events[i / 8] & (1u << (i % 8)));
}

static int fail(struct am_webhook_error *err, const char *code, const char *text)
{
    snprintf(err->code, sizeof(err->code), "%s", code);
    snprintf(err->description, sizeof(err->description), "%s", text);
    return 1;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');

    if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return false;
    for (const char *q = s; *q; q++)
        if ((unsigned char)*q <= ' ' || *q == ',' || *q == ';')
            return false;
    return at[1] != '.' && s[strlen(s) - 1] != '.';
}

/* Validated values of a body, borrowed from it. */
struct wh_patch {
    const cJSON *name, *url, *email, *enabled, *interrupted, *api_version, *token, *send_type,
        *events;
    uint8_t event_bits[(AM_WEBHOOK_N_EVENTS + 7) / 8];
    enum am_webhook_send_type st;
};

static bool blank(const cJSON *s)
{
    const char *p = s ? s->valuestring : NULL;

    if (!p)
        return true;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return *p == '\0';
}

/* A field present and non-null with the wrong JSON type. */
static int type_check(const cJSON *v, bool want_string, bool want_bool, bool want_number,
                      const char *key, struct am_webhook_error *err)
{
    char code[48], text[128];

    if (!v || cJSON_IsNull(v))
        return 0;
    if ((want_string && cJSON_IsString(v)) || (want_bool && cJSON_IsBool(v)) ||
        (want_number && cJSON_IsNumber(v)))
        return 0;
    snprintf(code, sizeof(code), AM_ERR_FIELD_PREFIX "%s", key);
    snprintf(text, sizeof(text), AM_TXT_FIELD_TYPE_FMT, key);
    return fail(err, code, text);
}

static const cJSON *field(const cJSON *body, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* Validates body into p. create: the required fields must be there. */
static int validate(const cJSON *body, bool create, struct wh_patch *p,
                    struct am_webhook_error *err)
{
    struct am_webhook_url u;
    int r;

    memset(p, 0, sizeof(*p));
    p->name = field(body, "name");
    p->url = field(body, "url");
    p->email = field(body, "email");
    p->enabled = field(body, "enabled");
    p->interrupted = field(body, "interrupted");
    p->api_version = field(body, "apiVersion");
    p->token = field(body, "authToken");
    p->send_type = field(body, "sendType");
    p->events = field(body, "events");
    if ((r = type_check(p->name, true, false, false, "name", err)) ||
        (r = type_check(p->url, true, false, false, "url", err)) ||
        (r = type_check(p->email, true, false, false, "email", err)) ||
        (r = type_check(p->enabled, false, true, false, "enabled", err)) ||
        (r = type_check(p->interrupted, false, true, false, "interrupted", err)) ||
        (r = type_check(p->api_version, false, false, true, "apiVersion", err)) ||
        (r = type_check(p->token, true, false, false, "authToken", err)) ||
        (r = type_check(p->send_type, true, false, false, "sendType", err)))
        return r;
    if (p->events && !cJSON_IsArray(p->events))
        return type_check(p->events, false, false, false, "events", err);

    if (create ? blank(p->name) : (p->name && blank(p->name)))
        return fail(err, AM_ERR_WEBHOOK_NAME, AM_TXT_WEBHOOK_NAME);
    if (create ? blank(p->url) : (p->url && blank(p->url)))
        return fail(err, AM_ERR_WEBHOOK_URL, AM_TXT_WEBHOOK_URL_MISSING);
    if (p->url && am_webhook_url_parse(p->url->valuestring, &u) < 0)
        return fail(err, AM_ERR_WEBHOOK_URL, AM_TXT_WEBHOOK_URL);
    if (create ? blank(p->email) : (p->email && blank(p->email)))
        return fail(err, AM_ERR_WEBHOOK_EMAIL, AM_TXT_WEBHOOK_EMAIL_MISSING);
    if (p->email && !email_ok(p->email->valuestring))
        return fail(err, AM_ERR_WEBHOOK_EMAIL, AM_TXT_WEBHOOK_EMAIL);
    if (create && !p->send_type)
        return fail(err, AM_ERR_WEBHOOK_SEND_TYPE, AM_TXT_WEBHOOK_SEND_TYPE);
    if (p->send_type) {
        if (strcmp(p->send_type->valuestring, "SEQUENTIALLY") == 0)
            p->st = AM_WEBHOOK_SEQUENTIALLY;
        else if (strcmp(p->send_type->valuestring, "NON_SEQUENTIALLY") == 0)
            p->st = AM_WEBHOOK_NON_SEQUENTIALLY;
        else
            return fail(err, AM_ERR_WEBHOOK_SEND_TYPE, AM_TXT_WEBHOOK_SEND_TYPE);
    }
    if (create && (!p->events || cJSON_GetArraySize(p->events) == 0))
        return fail(err, AM_ERR_WEBHOOK_EVENTS, AM_TXT_WEBHOOK_EVENTS_MISSING);
    if (p->events) {
        const cJSON *e;
        if (cJSON_GetArraySize(p->events) == 0)
            return fail(err, AM_ERR_WEBHOOK_EVENTS, AM_TXT_WEBHOOK_EVENTS_MISSING);
        cJSON_ArrayForEach(e, p->events) {
            int i = cJSON_IsString(e) ? am_webhook_event_index(e->valuestring) : -1;
            if (i < 0) {
                char text[200];
                snprintf(text, sizeof(text), AM_TXT_WEBHOOK_EVENT_FMT,
                         cJSON_IsString(e) ? e->valuestring : "?");
                return fail(err, AM_ERR_WEBHOOK_EVENTS, text);
            }
            p->event_bits[i / 8] |= (uint8_t)(1u << (i % 8));
        }
    }
    if (p->token) {
        size_t len = strlen(p->token->valuestring);
        if (len < AM_WEBHOOK_TOKEN_MIN || len > AM_WEBHOOK_TOKEN_MAX)
            return fail(err, AM_ERR_WEBHOOK_TOKEN, AM_TXT_WEBHOOK_TOKEN);
    }
    if (p->api_version && p->api_version->valuedouble != 3)
        return fail(err, AM_ERR_WEBHOOK_API_VERSION, AM_TXT_WEBHOOK_API_VERSION);
    return 0;
}

/* Replaces *slot with a copy of v's string when v is set. -ENOMEM leaves *slot. */
static int set_str(char **slot, const cJSON *v, char **old)
{
    char *s;

    *old = NULL;
    if (!v)
        return 0;
    s = strdup(v->valuestring);
    if (!s)
        return -ENOMEM;
    *old = *slot;
    *slot = s;
    return 0;
}

static void wipe_free(char *s)
{
    if (s)
        memset(s, 0, strlen(s));
    free(s);
}

/* Applies a validated patch; on -ENOMEM c may hold some new strings (all valid). */
static int apply(struct am_webhook_config *c, const struct wh_patch *p)
{
    char *old;
    int r = 0;

    if (set_str(&c->name, p->name, &old) < 0)
        return -ENOMEM;
    free(old);
    if (set_str(&c->url, p->url, &old) < 0)
        return -ENOMEM;
    free(old);
    if (set_str(&c->email, p->email, &old) < 0)
        return -ENOMEM;
    free(old);
    if (set_str(&c->auth_token, p->token, &old) < 0)
        return -ENOMEM;
    wipe_free(old);
    if (p->enabled)
        c->enabled = cJSON_IsTrue(p->enabled);
    if (p->interrupted) {
        if (cJSON_IsTrue(p->interrupted))
            c->interrupted = true;
        else
            am_webhooks_remove_backoff(c);
    }
    if (p->send_type)
        c->send_type = p->st;
    if (p->events)
        memcpy(c->events, p->event_bits, sizeof(c->events));
    return r;
}

int am_webhooks_create(struct am_webhooks *w, const cJSON *body, const char *id,
                       struct am_webhook_error *err, struct am_webhook_config **ret)
{
    struct wh_patch p;
    struct am_webhook_config *c;
    int r;

    r = validate(body, true, &p, err);
    if (r)
        return r;
    if (w->n >= AM_WEBHOOK_MAX_CONFIGS)
        return fail(err, AM_ERR_WEBHOOK_LIMIT, AM_TXT_WEBHOOK_LIMIT);
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    snprintf(c->id, sizeof(c->id), "%s", id);
    c->enabled = true;
    c->api_version = 3;
    if (apply(c, &p) < 0) {
        config_free(c);
        return -ENOMEM;
    }
    w->configs[w->n++] = c;
    if (ret)
        *ret = c;
    return 0;
}

int am_webhooks_update(struct am_webhooks *w, struct am_webhook_config *c, const cJSON *body,
                       struct am_webhook_error *err)
{
    struct wh_patch p;
    int r;

    (void)w;
    r = validate(body, false, &p, err);
    if (r)
        return r;
    return apply(c, &p);
}

int am_webhooks_delete(struct am_webhooks *w, const char *id)
{
    for (size_t i = 0; i < w->n; i++) {
        if (strcmp(w->configs[i]->id, id) != 0)
            continue;
        config_free(w->configs[i]);
        memmove(&w->configs[i], &w->configs[i + 1], (w->n - i - 1) * sizeof(w->configs[0]));
        w->n--;
        return 0;
    }
    return -ENOENT;
}

void am_webhooks_remove_backoff(struct am_webhook_config *c)
{
    c->interrupted = false;
    c->penalty = 0;
    c->next_at = 0;
}

cJSON *am_webhooks_render(const struct am_webhook_config *c)
{
    cJSON *o = cJSON_CreateObject(), *ev;

    if (!o)
        return NULL;
    if (!cJSON_AddStringToObject(o, "object", "webhook") ||
        !cJSON_AddStringToObject(o, "id", c->id) ||
        !cJSON_AddStringToObject(o, "name", c->name ? c->name : "") ||
        !cJSON_AddStringToObject(o, "url", c->url ? c->url : "") ||
        !cJSON_AddStringToObject(o, "email", c->email ? c->email : "") ||
        !cJSON_AddBoolToObject(o, "enabled", c->enabled) ||
        !cJSON_AddBoolToObject(o, "interrupted", c->interrupted) ||
        !cJSON_AddNumberToObject(o, "apiVersion", c->api_version) ||
        !cJSON_AddBoolToObject(o, "hasAuthToken", c->auth_token != NULL) ||
        !cJSON_AddStringToObject(o, "sendType", c->send_type == AM_WEBHOOK_SEQUENTIALLY
                                                    ? "SEQUENTIALLY"
                                                    : "NON_SEQUENTIALLY") ||
        !cJSON_AddNumberToObject(o, "penalizedRequestsCount", c->penalty) ||
        !(ev = cJSON_AddArrayToObject(o, "events")))
        goto oom;
    for (int i = 0; i < AM_WEBHOOK_N_EVENTS; i++) {
        cJSON *s;
        if (!(c->events[i / 8] & (1u << (i % 8))))
            continue;
        s = cJSON_CreateString(event_names[i]);
        if (!s || !cJSON_AddItemToArray(ev, s)) {
            cJSON_Delete(s);
            goto oom;
        }
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

/* ---- Queues ------------------------------------------------------------------- */

size_t am_webhook_config_depth(const struct am_webhook_config *c)
{
    return c->pending;
}

uint64_t am_webhooks_dropped(const struct am_webhooks *w)
{
    return w->dropped;
}

/* Drops done items at the head; compacts when half the array is dead. */
static void trim(struct am_webhook_config *c)
{
    while (c->head < c->n && c->queue[c->head].done)
        c->head++;
    if (c->head == c->n) {
        c->head = c->n = 0;
        return;
    }
    if (c->head > 64 && c->head * 2 > c->n) {
        memmove(c->queue, c->queue + c->head, (c->n - c->head) * sizeof(c->queue[0]));
        c->n -= c->head;
        c->head = 0;
    }
}

/* Marks it done (delivered or dropped); trim() reclaims the slot later. */
static void mark_done(struct am_webhook_config *c, struct am_webhook_item *it)
{
    if (it->in_flight)
        c->in_flight--;
    it->in_flight = false;
    it->done = true;
    free(it->body);
    it->body = NULL;
    c->pending--;
}

static void finish_item(struct am_webhook_config *c, struct am_webhook_item *it)
{
    mark_done(c, it);
    trim(c);
}

static int push(struct am_webhooks *w, struct am_webhook_config *c, uint64_t seq,
                const char *event_id, const char *event, int64_t created_at, const char *body,
                size_t body_len)
{
    struct am_webhook_item *it;
    char *copy;

    if (c->pending >= AM_WEBHOOK_QUEUE_MAX) {
        /* Bounded memory: the oldest waiting event goes, as retention would take it. */
        for (size_t i = c->head; i < c->n; i++) {
            if (!c->queue[i].done && !c->queue[i].in_flight) {
                finish_item(c, &c->queue[i]);
                w->dropped++;
                break;
            }
        }
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct am_webhook_item *q = realloc(c->queue, cap * sizeof(*q));
        if (!q)
            return -ENOMEM;
        c->queue = q;
        c->cap = cap;
    }
    copy = malloc(body_len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, body, body_len);
    copy[body_len] = '\0';
    it = &c->queue[c->n++];
    memset(it, 0, sizeof(*it));
    it->id = w->next_item++;
    it->seq = seq;
    snprintf(it->event_id, sizeof(it->event_id), "%s", event_id);
    snprintf(it->event, sizeof(it->event), "%s", event);
    it->created_at = created_at;
    it->body = copy;
    it->body_len = body_len;
    c->pending++;
    return 0;
}

int am_webhooks_enqueue(struct am_webhooks *w, const char *only_config, uint64_t seq,
                        const char *event_id, const char *event, int64_t created_at,
                        const char *body, size_t body_len)
{
    int n = 0;

    for (size_t i = 0; i < w->n; i++) {
        struct am_webhook_config *c = w->configs[i];
        if (only_config && strcmp(c->id, only_config) != 0)
            continue;
        if (!c->enabled || !am_webhook_config_wants(c, event))
            continue;
        if (push(w, c, seq, event_id, event, created_at, body, body_len) < 0)
            return -ENOMEM;
        n++;
    }
    return n;
}

/* The §7.1 envelope of e. Caller frees. NULL on OOM. */
static char *envelope(const struct am_event *e, const char *account_id, const char *owner_id)
{
    char date[20];
    cJSON *o = cJSON_CreateObject(), *acc;
    char *text = NULL;

    if (!o)
        return NULL;
    am_clock_format_datetime(e->created_at, date);
    if (!cJSON_AddStringToObject(o, "id", e->id) || !cJSON_AddStringToObject(o, "event", e->name) ||
        !cJSON_AddStringToObject(o, "dateCreated", date) ||
        !(acc = cJSON_AddObjectToObject(o, "account")) ||
        !cJSON_AddStringToObject(acc, "id", account_id) ||
        !(owner_id ? cJSON_AddStringToObject(acc, "ownerId", owner_id)
                   : cJSON_AddNullToObject(acc, "ownerId")) ||
        !cJSON_AddRawToObject(o, e->resource_type[0] ? e->resource_type : "resource",
                              e->snapshot ? e->snapshot : "null"))
        goto out;
    text = cJSON_PrintUnformatted(o);
out:
    cJSON_Delete(o);
    return text;
}

static bool anyone_wants(const struct am_webhooks *w, const char *event)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->configs[i]->enabled && am_webhook_config_wants(w->configs[i], event))
            return true;
    return false;
}

int am_webhooks_feed(struct am_webhooks *w, const struct am_billing *billing,
                     const char *account_id, const char *owner_id)
{
    uint64_t last = am_billing_events_last_seq(billing);
    int total = 0;

    while (w->cursor < last) {
        const struct am_event *e = am_billing_event_by_seq(billing, w->cursor + 1);
        if (e && anyone_wants(w, e->name)) {
            char *body = envelope(e, account_id, owner_id);
            int r;
            if (!body)
                return -ENOMEM;
            r = am_webhooks_enqueue(w, NULL, e->seq, e->id, e->name, e->created_at, body,
                                    strlen(body));
            free(body);
            if (r < 0)
                return r;
            total += r;
        }
        w->cursor++;
    }
    return total;
}

uint64_t am_webhooks_cursor(const struct am_webhooks *w)
{
    return w->cursor;
}

void am_webhooks_set_cursor(struct am_webhooks *w, uint64_t seq)
{
    w->cursor = seq;
}

size_t am_webhooks_expire(struct am_webhooks *w, int64_t now)
{
    size_t dropped = 0;

    for (size_t k = 0; k < w->n; k++) {
        struct am_webhook_config *c = w->configs[k];
        /* Queues are in event order, so the old ones are at the front: stop at the first
         * young one (every send looks here; a full scan would make a backlog quadratic). */
        for (size_t i = c->head; i < c->n; i++) {
            struct am_webhook_item *it = &c->queue[i];
            if (it->done || it->in_flight)
                continue;
            if (now - it->created_at <= AM_WEBHOOK_RETENTION_SECONDS)
                break;
            mark_done(c, it);
            dropped++;
        }
        trim(c);
    }
    w->dropped += dropped;
    return dropped;
}

/* How many sends c may start now (0 when blocked). */
static size_t room(const struct am_webhook_config *c, int64_t now)
{
    if (!c->enabled || c->interrupted || c->pending == c->in_flight)
        return 0;
    if (c->penalty > 0) {
        /* Penalised: one probe at a time, after the schedule's delay. */
        return c->in_flight == 0 && now >= c->next_at ? 1 : 0;
    }
    if (c->send_type == AM_WEBHOOK_SEQUENTIALLY)
        return c->in_flight == 0 ? 1 : 0;
    return c->in_flight < AM_WEBHOOK_PARALLEL ? AM_WEBHOOK_PARALLEL - c->in_flight : 0;
}

size_t am_webhooks_due(struct am_webhooks *w, int64_t now, struct am_webhook_send *out,
                       size_t max)
{
    size_t n = 0;

    am_webhooks_expire(w, now);
    for (size_t k = 0; k < w->n && n < max; k++) {
        struct am_webhook_config *c = w->configs[k];
        size_t can = room(c, now);
        for (size_t i = c->head; i < c->n && can > 0 && n < max; i++) {
            struct am_webhook_item *it = &c->queue[i];
            struct am_webhook_send *s;
            if (it->done || it->in_flight)
                continue;
            it->in_flight = true;
            it->attempts++;
            c->in_flight++;
            can--;
            s = &out[n++];
            memset(s, 0, sizeof(*s));
            snprintf(s->config_id, sizeof(s->config_id), "%s", c->id);
            s->item_id = it->id;
            s->url = c->url;
            s->auth_token = c->auth_token;
            s->body = it->body;
            s->body_len = it->body_len;
            s->event_id = it->event_id;
            s->event = it->event;
            s->attempt = it->attempts;
        }
    }
    return n;
}

int64_t am_webhooks_next_due(const struct am_webhooks *w, int64_t now)
{
    int64_t best = INT64_MAX;

    for (size_t k = 0; k < w->n; k++) {
        const struct am_webhook_config *c = w->configs[k];
        if (!c->enabled || c->interrupted || c->pending == c->in_flight)
            continue;
        if (c->penalty > 0) {
            if (c->in_flight == 0 && c->next_at < best)
                best = c->next_at;
        } else if (room(c, now) > 0) {
            best = now;
        }
    }
    return best < now ? now : best;
}

/* Handles grow along the queue (push hands them out in order; imports keep the order), so
 * a binary search finds one. */
static struct am_webhook_item *find_item(struct am_webhook_config *c, uint64_t item_id)
{
    size_t lo = c->head, hi = c->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->queue[mid].id < item_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->n && c->queue[lo].id == item_id && !c->queue[lo].done)
        return &c->queue[lo];
    return NULL;
}

void am_webhooks_report(struct am_webhooks *w, const char *config_id, uint64_t item_id, bool ok,
                        int64_t now, struct am_webhook_outcome *ret)
{
    struct am_webhook_config *c = am_webhooks_find(w, config_id);
    struct am_webhook_item *it = c ? find_item(c, item_id) : NULL;
    struct am_webhook_outcome o = {0};

    if (it && it->in_flight) {
        o.found = true;
        if (ok) {
            finish_item(c, it);
            c->penalty = 0;
            c->next_at = 0;
        } else {
            it->in_flight = false;
            c->in_flight--;
            if (!c->interrupted) {
                c->penalty++;
                if (c->penalty >= AM_WEBHOOK_MAX_ATTEMPTS) {
                    c->interrupted = true;
                    o.became_interrupted = true;
                }
                c->next_at = now + am_webhook_retry_delay(c->penalty + 1);
            }
        }
        o.penalty = c->penalty;
        o.next_at = c->next_at;
    }
    if (ret)
        *ret = o;
}

void am_webhooks_unflight(struct am_webhooks *w, const char *config_id, uint64_t item_id)
{
    struct am_webhook_config *c = am_webhooks_find(w, config_id);
    struct am_webhook_item *it = c ? find_item(c, item_id) : NULL;

    if (it && it->in_flight) {
        it->in_flight = false;
        it->attempts--;
        c->in_flight--;
    }
}

void am_webhooks_unflight_all(struct am_webhooks *w)
{
    for (size_t k = 0; k < w->n; k++) {
        struct am_webhook_config *c = w->configs[k];
        for (size_t i = c->head; i < c->n; i++)
            c->queue[i].in_flight = false;
        c->in_flight = 0;
    }
}

static const struct am_webhook_item *known_item(struct am_webhooks *w, const char *event_id)
{
    const struct am_webhook_item *best = NULL;

    for (size_t k = 0; k < w->n; k++) {
        const struct am_webhook_config *c = w->configs[k];
        for (size_t i = c->head; i < c->n; i++)
            if (!c->queue[i].done && strcmp(c->queue[i].event_id, event_id) == 0)
                best = &c->queue[i];
    }
    return best;
}

int am_webhooks_redeliver(struct am_webhooks *w, const struct am_billing *billing,
                          const char *account_id, const char *owner_id, const char *event_id)
{
    const struct am_webhook_item *it = known_item(w, event_id);
    char *body = NULL;
    int r = 0;

    if (it) {
        body = strdup(it->body);
        if (!body)
            return -ENOMEM;
        r = am_webhooks_enqueue(w, NULL, it->seq, event_id, it->event, it->created_at, body,
                                strlen(body));
        free(body);
        return r;
    }
    for (size_t i = am_billing_events_count(billing); i-- > 0;) {
        const struct am_event *e = am_billing_event_at(billing, i);
        if (strcmp(e->id, event_id) != 0)
            continue;
        body = envelope(e, account_id, owner_id);
        if (!body)
            return -ENOMEM;
        r = am_webhooks_enqueue(w, NULL, e->seq, e->id, e->name, e->created_at, body,
                                strlen(body));
        free(body);
        return r;
    }
    return 0;
}

bool am_webhooks_known_event(struct am_webhooks *w, const struct am_billing *billing,
                             const char *event_id)
{
    if (known_item(w, event_id))
        return true;
    for (size_t i = am_billing_events_count(billing); i-- > 0;)
        if (strcmp(am_billing_event_at(billing, i)->id, event_id) == 0)
            return true;
    return false;
}

/* ---- Attempt log -------------------------------------------------------------- */

void am_webhooks_log_attempt(struct am_webhooks *w, const struct am_webhook_attempt *a)
{
    struct am_webhook_attempt *slot;

    if (!w->log) {
        w->log = calloc(AM_WEBHOOK_LOG_KEEP, sizeof(*w->log));
        if (!w->log)
            return; /* visibility only: the delivery itself is unaffected */
    }
    if (w->log_n < AM_WEBHOOK_LOG_KEEP) {
        slot = &w->log[(w->log_start + w->log_n++) % AM_WEBHOOK_LOG_KEEP];
    } else {
        slot = &w->log[w->log_start];
        w->log_start = (w->log_start + 1) % AM_WEBHOOK_LOG_KEEP;
    }
    *slot = *a;
    slot->n = ++w->log_seq;
}

size_t am_webhooks_log_count(const struct am_webhooks *w)
{
    return w->log_n;
}

const struct am_webhook_attempt *am_webhooks_log_at(const struct am_webhooks *w, size_t i)
{
    return i < w->log_n ? &w->log[(w->log_start + i) % AM_WEBHOOK_LOG_KEEP] : NULL;
}

void am_webhooks_log_clear(struct am_webhooks *w)
{
    w->log_start = w->log_n = 0;
}

int am_webhooks_restore_item(struct am_webhooks *w, struct am_webhook_config *c,
                             const struct am_webhook_item *it)
{
    struct am_webhook_item *last;
    uint64_t keep = w->next_item; /* push takes a fresh handle; the snapshot's is kept */
    int r;

    /* Lookups rely on handles growing along the queue. */
    if (it->id == 0 || (c->n > c->head && c->queue[c->n - 1].id >= it->id))
        return -EINVAL;
    r = push(w, c, it->seq, it->event_id, it->event, it->created_at, it->body, it->body_len);

    w->next_item = keep;
    if (r < 0)
        return r;
    last = &c->queue[c->n - 1];
    last->id = it->id;
    last->attempts = it->attempts;
    am_webhooks_set_next_item_id(w, it->id + 1);
    return 0;
}

uint64_t am_webhooks_next_item_id(const struct am_webhooks *w)
{
    return w->next_item;
}

void am_webhooks_set_next_item_id(struct am_webhooks *w, uint64_t id)
{
    if (id > w->next_item)
        w->next_item = id;
}
