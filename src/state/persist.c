/* persist.c - durable writes for --state-file (see persist.h). */
#include "persist.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_common.h"
#include "app_iface.h"
#include "asaas_facts.h"
#include "crypto.h"
#include "fixtures.h"
#include "jobs.h"
#include "keys.h"
#include "json_text.h"
#include "log.h"
#include "multipart.h"
#include "public_url.h"
#include "state.h"
#include "state_codec.h"
#include "statelog.h"
#include "jsonw.h"

#define AM_DIGEST_LEN 8 /* bytes of an answer's digest kept in an entry */

struct am_persist {
    struct am_statelog *log;
    char *path;
    uint64_t snapshot_len; /* bytes of the last snapshot written (compaction policy) */
    size_t compact_entries; /* the policy's entry count (--state-file-compact-entries) */
    struct am_jsonw entry;  /* the API entry being written, its buffer reused */
};

#define ENTRY_BUF_KEEP (64u << 10) /* a larger buffer (a big body's) is not kept */

/* ---- entries ------------------------------------------------------------------------ */

static int add_ids(cJSON *o, const struct am_ids *ids)
{
    char buf[3][24];
    const char *strs[3] = {buf[0], buf[1], buf[2]};
    cJSON *arr;

    snprintf(buf[0], sizeof(buf[0]), "%" PRIu64, ids->state);
    snprintf(buf[1], sizeof(buf[1]), "%" PRIu64, ids->customer_seq);
    snprintf(buf[2], sizeof(buf[2]), "%" PRIu64, ids->request_seq);
    arr = cJSON_CreateStringArray(strs, 3);
    if (!arr)
        return -ENOMEM;
    cJSON_AddItemToObject(o, "i", arr);
    return 0;
}

static int append(struct am_persist *p, cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    int r = text ? am_statelog_append(p->log, text, strlen(text)) : -ENOMEM;

    free(text);
    cJSON_Delete(o);
    return r;
}

static cJSON *entry_head(const char *account_id, int64_t now, const struct am_ids *before)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "a", account_id) ||
        !cJSON_AddNumberToObject(o, "t", (double)now) || add_ids(o, before) < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- secrets: the file must never hold a whole card number, CVV or key ------------- */

/* Zeroes the digits of a card number between the first 6 and the last 4: what the
 * handlers read from it (length, brand prefix, last 4) stays, the number does not. The
 * sandbox's published decline numbers stay whole (they decide the answer). */
static bool mask_card_number(cJSON *num)
{
    const char *s = num->valuestring;
    size_t digits = 0, seen = 0;
    char plain[32] = "";
    char *copy;

    for (const char *c = s; *c; c++) {
        if (*c >= '0' && *c <= '9' && digits + 1 < sizeof(plain))
            plain[digits++] = *c;
    }
    if (digits <= 10 || strcmp(plain, AM_CARD_DECLINE_1) == 0 ||
        strcmp(plain, AM_CARD_DECLINE_2) == 0)
        return false;
    copy = strdup(s);
    if (!copy)
        return false;
    for (char *c = copy; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            if (seen >= 6 && seen < digits - 4)
                *c = '0';
            seen++;
        }
    }
    cJSON_SetValuestring(num, copy);
    free(copy);
    return true;
}

/* A CVV becomes zeros of the same shape (a 3-4 digit string, or the number 0). */
static bool mask_ccv(cJSON *ccv)
{
    if (cJSON_IsNumber(ccv)) {
        cJSON_SetNumberValue(ccv, 0);
        return true;
    }
    if (cJSON_IsString(ccv)) {
        char *copy = strdup(ccv->valuestring);
        if (!copy)
            return false;
        for (char *c = copy; *c; c++)
            *c = *c >= '0' && *c <= '9' ? '0' : *c;
        cJSON_SetValuestring(ccv, copy);
        free(copy);
        return true;
    }
    return false;
}

/* Masks every creditCard.number / creditCard.ccv in the tree. Returns how many. */
static int mask_cards(cJSON *node)
{
    int n = 0;

    for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
        if (c->string && strcmp(c->string, "creditCard") == 0 && cJSON_IsObject(c)) {
            cJSON *num = cJSON_GetObjectItemCaseSensitive(c, "number");
            cJSON *ccv = cJSON_GetObjectItemCaseSensitive(c, "ccv");
            n += cJSON_IsString(num) && mask_card_number(num);
            n += ccv && mask_ccv(ccv);
        }
        n += mask_cards(c);
    }
    return n;
}

/* True when a refused body could still hold a card number (a run of 11+ digits). Keys
 * need no care here: the state file conceals key-shaped text reversibly (statelog.h). */
static bool may_hold_card(const char *body, size_t len)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        run = body[i] >= '0' && body[i] <= '9' ? run + 1 : 0;
        if (run >= 11)
            return true;
    }
    return false;
}

/* A multipart body (uploads) is logged whole as hex with its Content-Type ("ct"), so
 * replay parses the same parts; "!" when a text part may hold a card number (the files
 * are the client's own documents). Returns 0 or -ENOMEM. */
static int write_multipart(struct am_jsonw *w, const struct am_request *req, const char *ct,
                           bool *elided)
{
    struct am_multipart m;
    bool card = false;
    char *text;

    if (am_multipart_parse(ct, req->body, req->body_len, &m, NULL, 0) == 0) {
        for (size_t i = 0; !card && i < m.n; i++)
            card = !m.parts[i].is_file && may_hold_card(m.parts[i].data, m.parts[i].len);
    } else {
        card = may_hold_card(req->body, req->body_len);
    }
    if (card) {
        *elided = true;
        am_jsonw_str(w, "b", "!");
        return w->oom ? -ENOMEM : 0;
    }
    text = malloc(2 * req->body_len + 1);
    if (!text)
        return -ENOMEM;
    am_hex((const uint8_t *)req->body, req->body_len, text);
    am_jsonw_str(w, "bx", text);
    free(text);
    am_jsonw_str(w, "ct", ct);
    return w->oom ? -ENOMEM : 0;
}

/* True when the body text cannot name a creditCard member: no such bytes and no escape
 * that could spell them. */
static bool no_card_member(const char *body, size_t len)
{
    return !memchr(body, '\\', len) && !memmem(body, len, "creditCard", 10);
}

/* The body as logged, under "b" or, with a NUL in it, as hex under "bx": the bytes
 * themselves, except that card data in a JSON body is masked, and a body that is not a
 * JSON object but may hold a card number becomes "!" (handlers only accept a JSON object,
 * so they refuse it as they refused the original). *elided tells the caller the answer to
 * "!" need not match byte for byte. parsed is what the handler's am_api_parse_body()
 * found (outcome.body_json). Returns 0 or -ENOMEM (w's sticky failure). */
static int write_body(struct am_jsonw *w, const struct am_request *req, int parsed,
                      bool *elided)
{
    struct am_response scratch;
    cJSON *json = NULL;
    char *text = NULL;
    int r;

    if (am_multipart_is(am_request_header(req, "Content-Type")))
        return write_multipart(w, req, am_request_header(req, "Content-Type"), elided);
    if (parsed != 0 && (parsed < 0 || no_card_member(req->body, req->body_len))) {
        /* The handler already parsed it (am_api_parse_body): 0 = an object with nothing
         * to mask, 1 = not an object. No second parse. */
        r = parsed > 0 ? 0 : 1;
    } else {
        am_response_init(&scratch);
        r = am_api_parse_body(req, &scratch, true, &json);
        am_response_finish(&scratch);
        if (r < 0)
            return r;
    }
    if (r == 0 && mask_cards(json) > 0) {
        text = cJSON_PrintUnformatted(json);
        cJSON_Delete(json);
        if (!text)
            return -ENOMEM;
        am_jsonw_str(w, "b", text);
        free(text);
    } else if (r > 0 && may_hold_card(req->body, req->body_len)) {
        cJSON_Delete(json);
        am_jsonw_str(w, "b", "!");
        *elided = true;
    } else if (memchr(req->body, 0, req->body_len)) {
        cJSON_Delete(json);
        text = malloc(2 * req->body_len + 1);
        if (!text)
            return -ENOMEM;
        am_hex((const uint8_t *)req->body, req->body_len, text);
        am_jsonw_str(w, "bx", text);
        free(text);
    } else {
        cJSON_Delete(json);
        am_jsonw_strn(w, "b", req->body, req->body_len); /* no copy: straight from the request */
    }
    return w->oom ? -ENOMEM : 0;
}

/* The digests an entry may keep of its answer: "d", the first 8 bytes of SHA-256 of the
 * body (entries written before issue 12), or "c", am_statelog_sum() of it (16 hex each). */
static void body_digest(const struct am_response *resp, bool sha, char out[2 * AM_DIGEST_LEN + 1])
{
    uint8_t full[AM_SHA256_LEN];
    const char *body = resp->body ? resp->body : "";
    size_t len = resp->body ? resp->body_len : 0;

    if (sha)
        am_sha256(body, len, full);
    else
        am_statelog_sum(NULL, 0, body, len, full);
    am_hex(full, AM_DIGEST_LEN, out);
}

/* v in decimal as a JSON string (what add_ids writes with "%" PRIu64). */
static void write_u64_string(struct am_jsonw *w, uint64_t v)
{
    char buf[24], *p = buf + sizeof(buf);

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    am_jsonw_strn(w, NULL, p, (size_t)(buf + sizeof(buf) - p));
}

/* {"a":..,"t":..,"i":[..]} of entry_head(), as text. */
static void write_head(struct am_jsonw *w, const char *account_id, int64_t now,
                       const struct am_ids *ids)
{
    am_jsonw_str(w, "a", account_id);
    am_jsonw_int(w, "t", now);
    am_jsonw_arr(w, "i");
    write_u64_string(w, ids->state);
    write_u64_string(w, ids->customer_seq);
    write_u64_string(w, ids->request_seq);
    am_jsonw_end_arr(w);
}

/* Written without a DOM (util/jsonw.h): this runs for every write request. */
int am_persist_note_api(struct am_persist *p, const char *account_id, int64_t now,
                        const struct am_ids *before, const struct am_request *req,
                        const struct am_response *resp)
{
    struct am_jsonw *w = &p->entry;
    char digest[2 * AM_DIGEST_LEN + 1];
    bool elided = false;
    int r;

    am_jsonw_reset(w);
    am_jsonw_obj(w, NULL);
    write_head(w, account_id, now, before);
    /* Path, query and body go in whole (cards masked): the file conceals key-shaped
     * text, so replay sees exactly what the handler saw. */
    am_jsonw_str(w, "m", am_method_name(req->method));
    am_jsonw_str(w, "p", req->path);
    if (req->query)
        am_jsonw_str(w, "q", req->query);
    /* The base the answer's URLs used (public_url.h), when not Asaas's own. */
    if (strcmp(am_public_url_base(), AM_PUBLIC_URL_DEFAULT) != 0)
        am_jsonw_str(w, "u", am_public_url_base());
    if (req->body_len &&
        (r = write_body(w, req, resp ? resp->outcome.body_json : 0, &elided)) < 0)
        goto out;
    /* The original answer, so replay can prove it walked the same path. */
    if (resp && !elided) {
        body_digest(resp, false, digest);
        am_jsonw_int(w, "s", resp->status);
        am_jsonw_str(w, "c", digest);
    }
    am_jsonw_end_obj(w);
    r = w->oom ? -ENOMEM : am_statelog_append(p->log, w->p, w->len);
out:
    if (w->cap > ENTRY_BUF_KEEP)
        am_jsonw_free(w);
    return r;
}

int am_persist_note_jobs(struct am_persist *p, const char *account_id, int64_t now,
                         const struct am_ids *before)
{
    cJSON *o = entry_head(account_id, now, before);

    if (!o || !cJSON_AddTrueToObject(o, "jobs")) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return append(p, o);
}

/* ---- replay ------------------------------------------------------------------------- */

struct replay {
    struct am_app *app;
    const char *path;
    int64_t real_now;
    struct am_registry *reg; /* built from the snapshot line */
    struct am_ids ids;
    size_t entries;
    size_t lines; /* lines accepted (the snapshot included) */
};

static int bad_line(char *err, size_t err_len, const char *path, size_t line_no, const char *why)
{
    snprintf(err, err_len, "%s:%zu: %s", path, line_no, why);
    return -EINVAL;
}

static int method_of(const char *name, enum am_method *ret)
{
    for (int m = 0; m < _AM_METHOD_MAX; m++) {
        const char *n = am_method_name((enum am_method)m);
        if (n && strcmp(n, name) == 0) {
            *ret = (enum am_method)m;
            return 0;
        }
    }
    return -EINVAL;
}

/* Compares a replayed answer with the one the entry recorded ("s" and "c", or "d" in
 * entries of earlier builds; absent when the body was elided or the operation failed). */
static int same_answer(struct replay *rp, const cJSON *o, const struct am_response *resp,
                       size_t line_no, char *err, size_t err_len)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "s");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "c");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "d");
    char digest[2 * AM_DIGEST_LEN + 1], why[160];

    if (!s && !c && !d)
        return 0;
    if (!cJSON_IsNumber(s) || (c && d) || !cJSON_IsString(c ? c : d))
        return bad_line(err, err_len, rp->path, line_no, "malformed answer record (s, c or d)");
    if (!c)
        c = d;
    body_digest(resp, c == d, digest);
    if (resp->status != s->valueint) {
        snprintf(why, sizeof(why), "replay diverged: answered %d where the original answered %d",
                 resp->status, s->valueint);
        return bad_line(err, err_len, rp->path, line_no, why);
    }
    if (strcmp(digest, c->valuestring) != 0) /* not-secret: hash of a public answer */
        return bad_line(err, err_len, rp->path, line_no,
                        "replay diverged: the answer's body differs from the original's");
    return 0;
}

static int replay_entry(struct replay *rp, const char *text, size_t len, size_t line_no,
                        char *err, size_t err_len)
{
    cJSON *o = cJSON_ParseWithLength(text, len);
    const cJSON *a, *t, *i, *m, *path, *q, *b, *bx, *ct, *u;
    uint8_t *raw = NULL;
    struct am_account *acc;
    struct am_request req;
    struct am_response resp;
    double tv;
    int r = -EINVAL;

    if (!o)
        return bad_line(err, err_len, rp->path, line_no, "not a JSON entry");
    a = cJSON_GetObjectItemCaseSensitive(o, "a");
    t = cJSON_GetObjectItemCaseSensitive(o, "t");
    i = cJSON_GetObjectItemCaseSensitive(o, "i");
    if (!cJSON_IsString(a) || !am_json_integer(t, -9.0e15, 9.0e15, &tv) || cJSON_GetArraySize(i) != 3 ||
        !am_sc_parse_u64(cJSON_GetArrayItem(i, 0), &rp->ids.state) ||
        !am_sc_parse_u64(cJSON_GetArrayItem(i, 1), &rp->ids.customer_seq) ||
        !am_sc_parse_u64(cJSON_GetArrayItem(i, 2), &rp->ids.request_seq)) {
        r = bad_line(err, err_len, rp->path, line_no, "entry without a, t or i");
        goto out;
    }
    acc = am_registry_find_account(rp->reg, a->valuestring);
    if (!acc) {
        r = bad_line(err, err_len, rp->path, line_no, "entry for an account the snapshot lacks");
        goto out;
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "jobs"))) {
        r = am_jobs_catch_up(acc, &rp->ids, (int64_t)tv, NULL);
        goto out;
    }
    m = cJSON_GetObjectItemCaseSensitive(o, "m");
    path = cJSON_GetObjectItemCaseSensitive(o, "p");
    q = cJSON_GetObjectItemCaseSensitive(o, "q");
    b = cJSON_GetObjectItemCaseSensitive(o, "b");
    bx = cJSON_GetObjectItemCaseSensitive(o, "bx");
    memset(&req, 0, sizeof(req));
    if (!cJSON_IsString(m) || method_of(m->valuestring, &req.method) < 0 ||
        !cJSON_IsString(path) || (q && !cJSON_IsString(q)) || (b && !cJSON_IsString(b)) ||
        (bx && (!cJSON_IsString(bx) || strlen(bx->valuestring) % 2))) {
        r = bad_line(err, err_len, rp->path, line_no, "malformed request entry");
        goto out;
    }
    req.path = path->valuestring;
    req.query = q ? q->valuestring : NULL;
    req.client_ip = "";
    ct = cJSON_GetObjectItemCaseSensitive(o, "ct");
    if (cJSON_IsString(ct))
        am_request_add_header(&req, "Content-Type", ct->valuestring);
    if (b) {
        req.body = b->valuestring;
        req.body_len = strlen(b->valuestring);
    } else if (bx) {
        req.body_len = strlen(bx->valuestring) / 2;
        raw = malloc(req.body_len ? req.body_len : 1);
        if (!raw) {
            r = -ENOMEM;
            goto out;
        }
        if (am_unhex(bx->valuestring, raw, req.body_len) < 0) {
            r = bad_line(err, err_len, rp->path, line_no, "bx is not hex");
            goto out;
        }
        req.body = (const char *)raw;
    }
    /* The live path refuses a request with bad encoding before it is logged: one in the
     * log was not written by the mock, and replaying it would store what no client can
     * read (found by fuzz_statefile). */
    if (am_request_encoding_error(&req)) {
        r = bad_line(err, err_len, rp->path, line_no,
                     "a logged request with invalid UTF-8 (the mock never logs one)");
        goto out;
    }
    am_response_init(&resp);
    u = cJSON_GetObjectItemCaseSensitive(o, "u");
    am_public_url_set(cJSON_IsString(u) ? u->valuestring : NULL);
    r = am_app_replay(rp->app, acc, &rp->ids, &req, (int64_t)tv, &resp);
    am_public_url_set(am_app_config(rp->app)->public_url);
    if (r == 0)
        r = same_answer(rp, o, &resp, line_no, err, err_len);
    am_response_finish(&resp);
out:
    if (r == 0)
        rp->entries++;
    free(raw);
    cJSON_Delete(o);
    return r;
}

static int on_line(void *arg, const char *text, size_t len, size_t line_no, char *err,
                   size_t err_len)
{
    struct replay *rp = arg;
    char why[512], source[4200];
    int r;

    if (line_no > 1) {
        r = replay_entry(rp, text, len, line_no, err, err_len);
        rp->lines += r == 0;
        return r;
    }
    rp->reg = am_registry_new();
    if (!rp->reg)
        return -ENOMEM;
    {
        struct am_clock c = am_registry_initial_clock(am_app_registry(rp->app));
        am_registry_set_initial_clock(rp->reg, &c);
    }
    /* Named PATH:1 so a snapshot the loader refuses reads like every other bad record. */
    snprintf(source, sizeof(source), "%s:1", rp->path);
    r = am_fixtures_load_accounts(rp->reg, text, len, source, rp->real_now, why, sizeof(why));
    if (r < 0) {
        snprintf(err, err_len, "%s", why);
        return r;
    }
    if (!am_registry_loaded_ids(rp->reg, &rp->ids))
        rp->ids = (*am_app_ids(rp->app));
    rp->lines = 1;
    return 0;
}

/* ---- open / commit / checkpoint ----------------------------------------------------- */

/* Each line --state-file-recover cuts, logged as it goes (concealed text: no key). */
static int log_dropped(void *arg, const char *text, size_t len, size_t line_no, char *err,
                       size_t err_len)
{
    size_t *n = arg;

    (void)err;
    (void)err_len;
    if ((*n)++ < 20)
        am_log(AM_LOG_WARN, "state_file", "what=recover_dropped line=%zu bytes=%zu start=\"%.60s\"",
               line_no, len + 1, text);
    return 0;
}

/* --state-file-recover after a refused open: keeps a copy of the file, cuts it before
 * line bad_line and says what went. Returns 0 (try again) or -errno. */
static int recover(const char *path, size_t bad_line, const char *why, int64_t real_now,
                   char *err, size_t err_len)
{
    char keep[4200];
    size_t dropped = 0;
    uint64_t bytes;
    int r;

    if (bad_line < 2) {
        snprintf(err, err_len, "%s (--state-file-recover keeps the snapshot and cuts the log "
                 "after it: with a bad snapshot there is nothing to keep; move the file aside)",
                 why);
        return -EINVAL;
    }
    snprintf(keep, sizeof(keep), "%s.before-recover.%lld", path, (long long)real_now);
    am_log(AM_LOG_WARN, "state_file", "what=recover path=%s first_bad_line=%zu reason=\"%s\"",
           path, bad_line, why);
    r = am_statelog_cut(path, bad_line, keep, log_dropped, &dropped, &bytes, err, err_len);
    if (r < 0)
        return r;
    am_log(AM_LOG_WARN, "state_file",
           "what=recovered path=%s kept_lines=%zu dropped_lines=%zu dropped_bytes=%llu original=%s",
           path, bad_line - 1, dropped, (unsigned long long)bytes, keep);
    return 0;
}

/* Opens the log and replays it into rp (a fresh replay each time). */
static int open_replay(struct am_persist *p, struct replay *rp, bool *existed, char *err,
                       size_t err_len)
{
    int r = am_statelog_open(p->path, on_line, rp, &p->log, existed, err, err_len);
    size_t torn_line;
    uint64_t torn;

    if (r < 0)
        return r;
    torn = am_statelog_torn(p->log, &torn_line);
    if (torn)
        am_log(AM_LOG_WARN, "state_file",
               "what=torn_final_record path=%s:%zu dropped_bytes=%llu (never acknowledged: the "
               "process stopped mid-append)",
               p->path, torn_line, (unsigned long long)torn);
    if (am_statelog_format(p->log) != AM_STATELOG_FORMAT)
        am_log(AM_LOG_WARN, "state_file",
               "what=migrated path=%s from_format=%d to_format=%d (%s)",
               p->path, am_statelog_format(p->log), AM_STATELOG_FORMAT,
               am_statelog_format(p->log) == 1
                   ? "the old file had no checksums: it was read unverified"
                   : "its SHA-256 chain was verified; rewritten with CRC-32 + Adler-32");
    return 0;
}

int am_persist_open(struct am_app *app, const char *path, int64_t real_now, char *err,
                    size_t err_len)
{
    struct am_persist *p = calloc(1, sizeof(*p));
    struct replay rp = {.app = app, .path = path, .real_now = real_now};
    bool existed = false;
    int r;

    if (!p || !(p->path = strdup(path))) {
        free(p);
        return -ENOMEM;
    }
    p->compact_entries = am_app_config(app)->state_compact_entries
                             ? am_app_config(app)->state_compact_entries
                             : AM_PERSIST_COMPACT_ENTRIES;
    r = open_replay(p, &rp, &existed, err, err_len);
    if ((r == -EINVAL || r == -EBADMSG) && am_app_config(app)->state_file_recover) {
        /* The record after the last one accepted is the first bad one. */
        char why[1024];
        size_t bad = rp.lines + 1;

        snprintf(why, sizeof(why), "%s", err);
        am_registry_free(rp.reg);
        rp = (struct replay){.app = app, .path = path, .real_now = real_now};
        r = recover(path, bad, why, real_now, err, err_len);
        if (r == 0)
            r = open_replay(p, &rp, &existed, err, err_len);
    }
    if (r < 0)
        goto fail;
    if (existed) {
        /* The file is the continuation of the last run: its state replaces the
         * fixtures' (which stay the target of POST /__mock/reset). */
        r = am_app_add_api_keys(app, rp.reg, real_now, err, err_len);
        if (r < 0)
            goto fail;
        am_app_adopt_state(app, rp.reg, &rp.ids);
        rp.reg = NULL;
    }
    am_app_set_persist(app, p);
    r = am_persist_checkpoint(app);
    if (r < 0) {
        snprintf(err, err_len, "%s: cannot write the snapshot: %s", path, strerror(-r));
        am_app_set_persist(app, NULL);
        goto fail;
    }
    am_log(AM_LOG_INFO, "state_file", "path=%s restored=%s entries_replayed=%zu accounts=%zu",
           path, existed ? "yes" : "no", rp.entries, am_registry_count(am_app_registry(app)));
    return 0;
fail:
    am_registry_free(rp.reg);
    am_persist_free(p);
    return r;
}

void am_persist_free(struct am_persist *p)
{
    if (!p)
        return;
    am_statelog_close(p->log);
    am_jsonw_free(&p->entry);
    free(p->path);
    free(p);
}

bool am_persist_dirty(const struct am_persist *p)
{
    return p && am_statelog_dirty(p->log);
}

/* The whole state as the snapshot payload: whole (a checkpoint here), or piece by piece
 * (am_statelog_snapshot_fn: the compaction child's). */
static char *snapshot_text(struct am_app *app, size_t *len)
{
    return am_state_snapshot_text(am_app_registry(app), am_app_ids(app), len);
}

static int snapshot_write(void *arg, am_statelog_put_fn put, void *put_arg)
{
    struct am_app *app = arg;

    return am_state_snapshot_write(am_app_registry(app), am_app_ids(app), put, put_arg);
}

int am_persist_checkpoint(struct am_app *app)
{
    struct am_persist *p = am_app_persist(app);
    size_t len;
    char *text;
    int r;

    if (!p)
        return 0;
    text = snapshot_text(app, &len);
    if (!text)
        return -ENOMEM;
    r = am_statelog_compact(p->log, text, len);
    if (r == 0)
        p->snapshot_len = len;
    free(text);
    if (r < 0)
        am_log(AM_LOG_ERROR, "state_file", "what=compaction_failed path=%s error=\"%s\"", p->path,
               strerror(-r));
    return r;
}

/* A compaction rewrites the whole state (in a child, but on the server's cores), so it
 * waits until the log is AM_PERSIST_COMPACT_GROWTH times as large as the snapshot it
 * replaces: then its cost per logged write stays bounded whatever the state's size (with
 * 100k+ customers, compacting every 50,000 entries took a large share of the server's
 * time), and replaying the log at start reads at most that many times the snapshot's
 * bytes. Small states keep the fixed thresholds. */
static bool due_every(size_t entries, uint64_t bytes, uint64_t snapshot_len, size_t every)
{
    if (bytes / AM_PERSIST_COMPACT_GROWTH < snapshot_len)
        return false;
    return entries >= every || bytes >= AM_PERSIST_COMPACT_BYTES;
}

bool am_persist_compaction_due(size_t entries, uint64_t bytes, uint64_t snapshot_len)
{
    return due_every(entries, bytes, snapshot_len, AM_PERSIST_COMPACT_ENTRIES);
}

int am_persist_commit_begin(struct am_app *app)
{
    struct am_persist *p = am_app_persist(app);

    return p ? am_statelog_sync_begin(p->log) : 0;
}

int am_persist_commit_run(struct am_persist *p)
{
    return am_statelog_sync_run(p->log);
}

int am_persist_commit_end(struct am_app *app, int r)
{
    struct am_persist *p = am_app_persist(app);

    if (!p)
        return r;
    if (r < 0) {
        am_log(AM_LOG_ERROR, "state_file", "what=sync_failed path=%s error=\"%s\"", p->path,
               strerror(-r));
        return r;
    }
    am_persist_poll(app, false);
    if (!am_statelog_compacting(p->log) &&
        due_every(am_statelog_entries(p->log), am_statelog_bytes(p->log), p->snapshot_len,
                  p->compact_entries)) {
        /* In a child, so the loop goes on answering; inline when it cannot fork. */
        if (am_statelog_compact_start(p->log, snapshot_write, app) < 0)
            am_persist_checkpoint(app); /* the log stays valid when this fails */
    }
    return 0;
}

bool am_persist_compacting(const struct am_persist *p)
{
    return p && am_statelog_compacting(p->log);
}

void am_persist_poll(struct am_app *app, bool wait)
{
    struct am_persist *p = am_app_persist(app);
    uint64_t len = 0;
    int r;

    if (!p)
        return;
    r = am_statelog_compact_poll(p->log, wait, &len);
    if (r == 2) {
        p->snapshot_len = len;
        am_log(AM_LOG_INFO, "state_file",
               "what=compacted mode=background path=%s bytes=%llu child_cpu_ms=%llu", p->path,
               (unsigned long long)len,
               (unsigned long long)(am_statelog_compaction_cpu_us(p->log) / 1000));
    } else if (r < 0) {
        am_log(AM_LOG_WARN, "state_file",
               "what=compaction_failed mode=background path=%s error=\"%s\" then=inline", p->path,
               strerror(-r));
        am_persist_checkpoint(app); /* the log stays valid when this fails too */
    }
}

int am_persist_commit(struct am_app *app)
{
    struct am_persist *p = am_app_persist(app);
    int r = am_persist_commit_begin(app);

    if (r <= 0)
        return r < 0 ? am_persist_commit_end(app, r) : 0;
    return am_persist_commit_end(app, am_persist_commit_run(p));
}

size_t am_persist_entries(const struct am_persist *p)
{
    return am_statelog_entries(p->log);
}

uint64_t am_persist_syncs(const struct am_persist *p)
{
    return am_statelog_syncs(p->log);
}

const char *am_persist_path(const struct am_persist *p)
{
    return p->path;
}

uint64_t am_persist_entries_total(const struct am_persist *p)
{
    return am_statelog_entries_total(p->log);
}
