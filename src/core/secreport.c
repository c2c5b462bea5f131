/* secreport.c - findings of the integration security report (see secreport.h). */
#include "secreport.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys.h"
#include "strbuf.h"
#include "utf8.h"

#define N_FAILING 8
#define N_POLLS 16
#define N_AMBIGUOUS 8

struct failing {
    char display[AM_KEY_REDACTED_LEN];
    int64_t window_start_ms;
    unsigned n;
};

struct poll {
    char payment[48];
    int64_t last_ms;
};

/* What identifies the object an ambiguous POST created. */
struct ambiguous {
    bool used;
    int route;
    int64_t at_ms;
    char ext_ref[96];
    char customer[48];
    char due[16];
    char cpf[24];
    double value;
    bool has_value;
};

struct am_secreport {
    struct am_sec_finding f[_AM_SEC_CODE_MAX];
    /* transient trackers: not in snapshots */
    struct failing failing[N_FAILING];
    struct poll polls[N_POLLS];
    struct ambiguous ambiguous[N_AMBIGUOUS];
    int64_t retry_after_until_ms;
};

struct code_info {
    const char *name;
    enum am_sec_severity severity;
    const char *category;
    const char *title;
    const char *practice;
};

/* The practice each finding comes from: Asaas's "Security Best Practices" (SBP) and
 * "Authentication" (AUTH) pages and, for webhooks and limits, its webhook and rate-limit
 * guides. Severities are our choice (docs/security-report.md). */
static const struct code_info codes[_AM_SEC_CODE_MAX] = {
    [AM_SEC_PLAINTEXT_TRANSPORT] = {"PLAINTEXT_TRANSPORT", AM_SEC_ERROR, "transport",
        "A request came over the plaintext listener",
        "Keys travel only over HTTPS (Asaas: Security Best Practices)"},
    [AM_SEC_TLS12_NEGOTIATED] = {"TLS12_NEGOTIATED", AM_SEC_ADVICE, "transport",
        "The client negotiated TLS 1.2 although TLS 1.3 was offered",
        "TLS 1.3 is recommended (Asaas: Security Best Practices)"},
    [AM_SEC_WEBHOOK_HTTP_URL] = {"WEBHOOK_HTTP_URL", AM_SEC_WARNING, "transport",
        "A webhook config sends to an http:// URL",
        "Receivers use HTTPS, so the asaas-access-token never travels in clear (Asaas: Security "
        "Best Practices, Webhooks)"},
    [AM_SEC_KEY_IN_QUERY] = {"KEY_IN_QUERY", AM_SEC_ERROR, "key handling",
        "An API key was sent in the query string",
        "The key goes only in the access_token header, never in URLs (Asaas: Authentication)"},
    [AM_SEC_KEY_IN_PATH] = {"KEY_IN_PATH", AM_SEC_ERROR, "key handling",
        "An API key was sent in the request path",
        "The key goes only in the access_token header, never in URLs (Asaas: Authentication)"},
    [AM_SEC_KEY_IN_BODY] = {"KEY_IN_BODY", AM_SEC_ERROR, "key handling",
        "An API key was sent as a JSON body field",
        "The key goes only in the access_token header, never in messages (Asaas: "
        "Authentication)"},
    [AM_SEC_KEY_IN_STORED_DATA] = {"KEY_IN_STORED_DATA", AM_SEC_ERROR, "key handling",
        "Key-shaped text is stored in the account's data",
        "Never put keys in source, logs or messages (Asaas: Security Best Practices)"},
    [AM_SEC_PRODUCTION_KEY] = {"PRODUCTION_KEY", AM_SEC_ERROR, "key handling",
        "A key of the other environment was presented",
        "Production keys stay out of development and tests; rotate a leaked one (Asaas: "
        "Security Best Practices)"},
    [AM_SEC_FAILING_KEY_RETRIED] = {"FAILING_KEY_RETRIED", AM_SEC_WARNING, "key handling",
        "A failing key was retried in a tight loop",
        "Monitor and alert on recurring authentication failures instead of retrying (Asaas: "
        "Security Best Practices)"},
    [AM_SEC_USER_AGENT_MISSING] = {"USER_AGENT_MISSING", AM_SEC_ERROR, "identification",
        "A request had no User-Agent",
        "Send a User-Agent naming the application (Asaas: Authentication; required for "
        "accounts created since 13/06/2024)"},
    [AM_SEC_USER_AGENT_LIBRARY_DEFAULT] = {"USER_AGENT_LIBRARY_DEFAULT", AM_SEC_WARNING,
        "identification", "A request sent an HTTP library's default User-Agent",
        "Send a User-Agent naming the application (Asaas: Authentication)"},
    [AM_SEC_NO_IP_ALLOWLIST] = {"NO_IP_ALLOWLIST", AM_SEC_WARNING, "account hygiene",
        "The account has no IP allowlist",
        "Add an additional mechanism such as an IP allowlist (Asaas: Security Best "
        "Practices)"},
    [AM_SEC_KEY_ROTATION_OVERDUE] = {"KEY_ROTATION_OVERDUE", AM_SEC_WARNING, "account hygiene",
        "An enabled key is older than the rotation period",
        "Rotate keys periodically (Asaas: Security Best Practices)"},
    [AM_SEC_STALE_KEY_PRESENT] = {"STALE_KEY_PRESENT", AM_SEC_WARNING, "account hygiene",
        "An expired, disabled or unused key is still present",
        "Remove old and unused keys (Asaas: Security Best Practices)"},
    [AM_SEC_MULTIPLE_ACTIVE_KEYS] = {"MULTIPLE_ACTIVE_KEYS", AM_SEC_ADVICE, "account hygiene",
        "More than one key is in active use",
        "Keep as few keys as the integration needs (Asaas: Security Best Practices)"},
    [AM_SEC_DUPLICATE_AFTER_AMBIGUOUS] = {"DUPLICATE_AFTER_AMBIGUOUS", AM_SEC_ERROR,
        "resilience", "A POST retried after an ambiguous failure created a duplicate",
        "After a timeout or reset, look the object up (externalReference) before creating it "
        "again (Asaas: Security Best Practices, idempotent integrations)"},
    [AM_SEC_REQUEST_BEFORE_RETRY_AFTER] = {"REQUEST_BEFORE_RETRY_AFTER", AM_SEC_ERROR,
        "resilience", "Requests kept coming after a 429 before its Retry-After",
        "Honour 429 and Retry-After (Asaas: rate limits)"},
    [AM_SEC_POLLING_WITH_WEBHOOK] = {"POLLING_WITH_WEBHOOK", AM_SEC_WARNING, "resilience",
        "A payment's status was polled while a webhook config covers its events",
        "Prefer webhooks to polling (Asaas: Webhooks, rate limits)"},
    [AM_SEC_RECEIVER_IGNORES_TOKEN] = {"RECEIVER_IGNORES_TOKEN", AM_SEC_ERROR,
        "webhook receiver", "The receiver answered 200 to a delivery with a wrong or missing "
        "asaas-access-token",
        "Check the asaas-access-token of every delivery (Asaas: Webhooks)"},
    [AM_SEC_RECEIVER_NOT_200] = {"RECEIVER_NOT_200", AM_SEC_ERROR, "webhook receiver",
        "The receiver answered a 2xx other than 200",
        "Answer 200: Asaas counts any other status as a failure and pauses the queue "
        "(Asaas: Webhooks)"},
};

static const char *const severity_names[_AM_SEC_SEVERITY_MAX] = {"advice", "warning", "error"};

const char *am_sec_code_name(enum am_sec_code c)
{
    return (unsigned)c < _AM_SEC_CODE_MAX ? codes[c].name : "UNKNOWN";
}

int am_sec_code_parse(const char *name)
{
    for (int i = 0; name && i < _AM_SEC_CODE_MAX; i++) {
        if (strcmp(codes[i].name, name) == 0)
            return i;
    }
    return -1;
}

enum am_sec_severity am_sec_code_severity(enum am_sec_code c)
{
    return (unsigned)c < _AM_SEC_CODE_MAX ? codes[c].severity : AM_SEC_ERROR;
}

const char *am_sec_code_category(enum am_sec_code c)
{
    return (unsigned)c < _AM_SEC_CODE_MAX ? codes[c].category : "";
}

const char *am_sec_code_title(enum am_sec_code c)
{
    return (unsigned)c < _AM_SEC_CODE_MAX ? codes[c].title : "";
}

const char *am_sec_code_practice(enum am_sec_code c)
{
    return (unsigned)c < _AM_SEC_CODE_MAX ? codes[c].practice : "";
}

const char *am_sec_severity_name(enum am_sec_severity s)
{
    return (unsigned)s < _AM_SEC_SEVERITY_MAX ? severity_names[s] : "error";
}

int am_sec_severity_parse(const char *s, enum am_sec_severity *ret)
{
    for (int i = 0; s && i < _AM_SEC_SEVERITY_MAX; i++) {
        if (strcasecmp(s, severity_names[i]) == 0) {
            *ret = (enum am_sec_severity)i;
            return 0;
        }
    }
    return -EINVAL;
}

/* ---- the store ---- */

struct am_secreport *am_secreport_new(void)
{
    return calloc(1, sizeof(struct am_secreport));
}

void am_secreport_free(struct am_secreport *s)
{
    free(s);
}

void am_secreport_clear(struct am_secreport *s)
{
    if (s)
        memset(s, 0, sizeof(*s));
}

bool am_secreport_empty(const struct am_secreport *s)
{
    for (int i = 0; s && i < _AM_SEC_CODE_MAX; i++) {
        if (s->f[i].present)
            return false;
    }
    return true;
}

const struct am_sec_finding *am_secreport_get(const struct am_secreport *s, enum am_sec_code c)
{
    if (!s || (unsigned)c >= _AM_SEC_CODE_MAX || !s->f[c].present)
        return NULL;
    return &s->f[c];
}

void am_secreport_put(struct am_secreport *s, enum am_sec_code c, const struct am_sec_finding *f)
{
    if (!s || (unsigned)c >= _AM_SEC_CODE_MAX)
        return;
    s->f[c] = *f;
    s->f[c].present = true;
    am_secreport_clip(f->evidence, s->f[c].evidence, sizeof(s->f[c].evidence));
}

void am_secreport_clip(const char *in, char *out, size_t out_len)
{
    char *copy = strdup(in ? in : "");

    if (!copy) {
        snprintf(out, out_len, "%s", "(out of memory)");
        return;
    }
    am_key_scrub(copy);
    snprintf(out, out_len, "%s", copy);
    free(copy);
    am_utf8_scrub(out); /* a cut in the middle of a character must not break the JSON */
}

void am_secreport_record(struct am_secreport *s, enum am_sec_code c, int64_t now,
                         const char *evidence)
{
    struct am_sec_finding *f;

    if (!s || (unsigned)c >= _AM_SEC_CODE_MAX)
        return;
    f = &s->f[c];
    if (!f->present) {
        f->present = true;
        f->first_seen = now;
        /* Never a whole key, whatever the caller passed. */
        am_secreport_clip(evidence, f->evidence, sizeof(f->evidence));
    }
    f->count++;
    f->last_seen = now;
}

/* ---- detectors ---- */

const char *am_secreport_library_ua(const char *ua)
{
    /* Prefixes of the defaults of common HTTP clients (case-insensitive, lower case here).
     * At most one can match (none is a prefix of another followed by '/' or ' '), so the
     * order does not matter. */
#define LIB(s) {s, sizeof(s) - 1}
    static const struct {
        const char *name;
        size_t len;
    } libs[] = {
        LIB("python-requests"), LIB("python-urllib"), LIB("python-httpx"), LIB("aiohttp"),
        LIB("axios"), LIB("node-fetch"), LIB("undici"), LIB("node"), LIB("go-http-client"),
        LIB("curl"), LIB("wget"), LIB("okhttp"), LIB("java"), LIB("apache-httpclient"),
        LIB("guzzlehttp"), LIB("ruby"), LIB("faraday"), LIB("dart"), LIB("restsharp"),
        LIB("postmanruntime"), LIB("insomnia"), LIB("libwww-perl"), LIB("php"),
    };
#undef LIB
    char first;

    if (!ua)
        return NULL;
    while (*ua == ' ')
        ua++;
    /* Every /v3 request asks: compare only the names that start with its first letter
     * (| 0x20 lowers a letter and turns nothing else into one). */
    first = (char)(*ua | 0x20);
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        size_t n = libs[i].len;

        if (libs[i].name[0] != first)
            continue;
        /* the library's name alone or followed by its version ("curl/8.5.0") */
        if (strncasecmp(ua, libs[i].name, n) == 0 &&
            (ua[n] == '\0' || ua[n] == '/' || ua[n] == ' '))
            return libs[i].name;
    }
    return NULL;
}

static bool find_key_member(const cJSON *item, const char *parent, char *out, size_t out_len)
{
    for (const cJSON *it = item; it; it = it->next) {
        char path[128];
        snprintf(path, sizeof(path), "%s%s%s", parent, *parent && it->string ? "." : "",
                 it->string ? it->string : "");
        if (cJSON_IsString(it) && am_key_classify(it->valuestring) != AM_KEY_SHAPE_INVALID) {
            am_key_scrub(path); /* a member name can be a key too */
            snprintf(out, out_len, "field %s", *path ? path : "(top level)");
            return true;
        }
        if ((cJSON_IsObject(it) || cJSON_IsArray(it)) &&
            find_key_member(it->child, path, out, out_len))
            return true;
    }
    return false;
}

bool am_secreport_body_key(const char *body, size_t len, char *out, size_t out_len)
{
    cJSON *root;
    bool found;

    /* most bodies hold no key: skip the parse */
    if (!body || !len || !memmem(body, len, "aact_", 5))
        return false;
    root = cJSON_ParseWithLength(body, len);
    if (!root)
        return false;
    found = find_key_member(root, "", out, out_len);
    cJSON_Delete(root);
    return found;
}

bool am_secreport_note_auth_failure(struct am_secreport *s, const char *display, int64_t now_ms)
{
    struct failing *slot = NULL;

    if (!s || !display || !*display)
        return false;
    for (size_t i = 0; i < N_FAILING && !slot; i++) {
        if (s->failing[i].n && strcmp(s->failing[i].display, display) == 0)
            slot = &s->failing[i];
    }
    if (!slot) {
        /* an empty slot, else the one whose window began longest ago */
        slot = &s->failing[0];
        for (size_t i = 1; i < N_FAILING && slot->n; i++) {
            if (!s->failing[i].n || s->failing[i].window_start_ms < slot->window_start_ms)
                slot = &s->failing[i];
        }
        slot->n = 0;
    }
    if (!slot->n || now_ms - slot->window_start_ms > AM_SEC_LOOP_WINDOW_MS) {
        snprintf(slot->display, sizeof(slot->display), "%s", display);
        slot->window_start_ms = now_ms;
        slot->n = 0;
    }
    slot->n++;
    return slot->n >= AM_SEC_LOOP_FAILURES;
}

void am_secreport_note_429(struct am_secreport *s, int64_t now_ms, int64_t retry_after_s)
{
    int64_t until = now_ms + (retry_after_s > 0 ? retry_after_s : 1) * 1000;

    if (s && until > s->retry_after_until_ms)
        s->retry_after_until_ms = until;
}

bool am_secreport_before_retry_after(const struct am_secreport *s, int64_t now_ms)
{
    return s && now_ms < s->retry_after_until_ms;
}

bool am_secreport_note_poll(struct am_secreport *s, const char *payment_id, int64_t now_ms,
                            int64_t interval_ms)
{
    struct poll *slot = NULL;
    bool polling = false;

    if (!s || !payment_id)
        return false;
    for (size_t i = 0; i < N_POLLS; i++) {
        struct poll *p = &s->polls[i];
        if (p->payment[0] && strcmp(p->payment, payment_id) == 0) {
            slot = p;
            break;
        }
        if (!slot || p->last_ms < slot->last_ms)
            slot = p; /* the least recent, reused when the payment is new */
    }
    if (strcmp(slot->payment, payment_id) == 0)
        polling = now_ms - slot->last_ms < interval_ms;
    snprintf(slot->payment, sizeof(slot->payment), "%s", payment_id);
    slot->last_ms = now_ms;
    return polling;
}

static void copy_member(const cJSON *o, const char *name, char *out, size_t out_len)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

    out[0] = '\0';
    if (cJSON_IsString(it))
        snprintf(out, out_len, "%s", it->valuestring);
}

static int read_ambiguous(int route, const char *body, size_t len, struct ambiguous *a)
{
    cJSON *o = body && len ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *v;

    memset(a, 0, sizeof(*a));
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return -EINVAL;
    }
    a->route = route;
    copy_member(o, "externalReference", a->ext_ref, sizeof(a->ext_ref));
    copy_member(o, "customer", a->customer, sizeof(a->customer));
    copy_member(o, "dueDate", a->due, sizeof(a->due));
    copy_member(o, "cpfCnpj", a->cpf, sizeof(a->cpf));
    v = cJSON_GetObjectItemCaseSensitive(o, "value");
    if (cJSON_IsNumber(v)) {
        a->value = v->valuedouble;
        a->has_value = true;
    }
    cJSON_Delete(o);
    return 0;
}

void am_secreport_note_ambiguous(struct am_secreport *s, int route, const char *body,
                                 size_t len, int64_t now_ms)
{
    struct ambiguous a, *slot = NULL;

    if (!s || read_ambiguous(route, body, len, &a) < 0)
        return;
    a.used = true;
    a.at_ms = now_ms;
    /* a free slot, else the oldest */
    slot = &s->ambiguous[0];
    for (size_t i = 1; i < N_AMBIGUOUS && slot->used; i++) {
        if (!s->ambiguous[i].used || s->ambiguous[i].at_ms < slot->at_ms)
            slot = &s->ambiguous[i];
    }
    *slot = a;
}

/* What makes b a repeat of a; NULL when it is not. */
static const char *same_object(const struct ambiguous *a, const struct ambiguous *b)
{
    if (a->ext_ref[0] && strcmp(a->ext_ref, b->ext_ref) == 0)
        return "same externalReference";
    if (a->customer[0] && a->due[0] && a->has_value && b->has_value &&
        strcmp(a->customer, b->customer) == 0 && strcmp(a->due, b->due) == 0 &&
        a->value == b->value)
        return "same customer, value and dueDate";
    if (a->cpf[0] && strcmp(a->cpf, b->cpf) == 0)
        return "same cpfCnpj";
    return NULL;
}

bool am_secreport_duplicate(struct am_secreport *s, int route, const char *body, size_t len,
                            int64_t now_ms, char *out, size_t out_len)
{
    struct ambiguous b;

    if (!s || read_ambiguous(route, body, len, &b) < 0)
        return false;
    for (size_t i = 0; i < N_AMBIGUOUS; i++) {
        struct ambiguous *a = &s->ambiguous[i];
        const char *why;
        if (!a->used || a->route != route)
            continue;
        if (now_ms - a->at_ms > AM_SEC_AMBIGUOUS_WINDOW_MS) {
            a->used = false;
            continue;
        }
        why = same_object(a, &b);
        if (!why)
            continue;
        snprintf(out, out_len, "%s %.0f s after the ambiguous answer", why,
                 (double)(now_ms - a->at_ms) / 1000.0);
        a->used = false;
        return true;
    }
    return false;
}

/* ---- Markdown ---- */

static const char *str_of(const cJSON *o, const char *name, const char *dflt)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsString(it) ? it->valuestring : dflt;
}

static double num_of(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsNumber(it) ? it->valuedouble : 0;
}

/* A table cell: '|' and line breaks would break the table. */
static void cell(struct am_strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            am_strbuf_str(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            am_strbuf_str(b, " ");
        else
            am_strbuf_add(b, s, 1);
    }
}

char *am_secreport_markdown(const struct cJSON *report)
{
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(report, "summary");
    const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(report, "accounts");
    const cJSON *a;
    struct am_strbuf b = {0};
    char line[256];

    am_strbuf_str(&b, "# Integration security report\n\n");
    snprintf(line, sizeof(line),
             "Generated %s (Brasília time) by asaas-mock; first and last seen are on each "
             "account's clock. Findings: **%.0f error**, **%.0f warning**, **%.0f advice**.",
             str_of(report, "generatedAt", "?"), num_of(summary, "error"),
             num_of(summary, "warning"), num_of(summary, "advice"));
    am_strbuf_str(&b, line);
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(report, "failOn"))) {
        snprintf(line, sizeof(line), " `--fail-on-findings %s`: %s.",
                 str_of(report, "failOn", ""),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "failed"))
                     ? "**fails** (exit status 3 at shutdown)" : "passes");
        am_strbuf_str(&b, line);
    }
    am_strbuf_str(&b, "\n");
    cJSON_ArrayForEach(a, accounts)
    {
        const cJSON *findings = cJSON_GetObjectItemCaseSensitive(a, "findings");
        const cJSON *f;
        const char *id = str_of(a, "account", NULL);

        if (id)
            snprintf(line, sizeof(line), "\n## Account `%s` (today %s)\n\n", id,
                     str_of(a, "today", "?"));
        else
            snprintf(line, sizeof(line), "\n## Requests that named no account\n\n");
        am_strbuf_str(&b, line);
        if (cJSON_GetArraySize(findings) == 0) {
            am_strbuf_str(&b, "No findings.\n");
            continue;
        }
        am_strbuf_str(&b, "| severity | code | finding | evidence | count | first seen | "
                          "last seen | practice |\n| --- | --- | --- | --- | ---: | --- | --- | "
                          "--- |\n");
        cJSON_ArrayForEach(f, findings)
        {
            const char *fields[] = {str_of(f, "severity", ""), str_of(f, "code", ""),
                                    str_of(f, "title", ""), str_of(f, "evidence", "")};
            for (size_t i = 0; i < 4; i++) {
                am_strbuf_str(&b, i == 1 ? "| `" : "| ");
                cell(&b, fields[i]);
                am_strbuf_str(&b, i == 1 ? "` " : " ");
            }
            snprintf(line, sizeof(line), "| %.0f | %s | %s | ", num_of(f, "count"),
                     str_of(f, "firstSeen", ""), str_of(f, "lastSeen", ""));
            am_strbuf_str(&b, line);
            cell(&b, str_of(f, "practice", ""));
            am_strbuf_str(&b, " |\n");
        }
    }
    return am_strbuf_take(&b);
}

int am_secreport_max_severity(const struct cJSON *report)
{
    const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(report, "accounts");
    const cJSON *a, *f;
    int max = -1;
    enum am_sec_severity s;

    cJSON_ArrayForEach(a, accounts)
    {
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(a, "findings"))
        {
            if (am_sec_severity_parse(str_of(f, "severity", ""), &s) == 0 && (int)s > max)
                max = (int)s;
        }
    }
    return max;
}
