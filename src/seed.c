/* seed.c - fixture seeds run through the API (see seed.h). */
#include "seed.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "json_text.h"
#include "registry.h"

#define SEED_MAX_NAMES 256
#define SEED_MAX_TEXT 4096

struct named {
    char name[64];
    cJSON *answer; /* owned */
};

struct seed_run {
    struct am_app *app;
    struct am_account *account;
    int64_t real_now;
    struct named names[SEED_MAX_NAMES];
    size_t n_names;
    const char *source;
    char where[64];
    char *err;
    size_t err_len;
};

static int fail(struct seed_run *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct seed_run *s, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(s->err, s->err_len, "%s: %s: ", s->source, s->where);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < s->err_len)
        vsnprintf(s->err + n, s->err_len - (size_t)n, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Resolves the template body between "${" and "}" (e.g. "ana.id", "today+3") into a
 * borrowed JSON value (*ret_item) or a date string (ret_date). */
static int resolve(struct seed_run *s, const char *expr, size_t len, const cJSON **ret_item,
                   char ret_date[11])
{
    char name[128];
    const char *dot;

    *ret_item = NULL;
    if (len >= sizeof(name))
        return fail(s, "template '${%.*s}' is too long", (int)len, expr);
    memcpy(name, expr, len);
    name[len] = '\0';
    if (strncmp(name, "today", 5) == 0) {
        long days = 0;
        char *end = NULL;
        if (name[5] == '+' || name[5] == '-') {
            days = strtol(name + 5, &end, 10);
            if (!end || *end || days < -36500 || days > 36500)
                return fail(s, "template '${%s}': expected today, today+N or today-N", name);
        } else if (name[5]) {
            return fail(s, "template '${%s}': expected today, today+N or today-N", name);
        }
        am_clock_format_date(am_clock_now(&s->account->clock, s->real_now) + days * 86400,
                             ret_date);
        return 0;
    }
    dot = strchr(name, '.');
    if (!dot)
        return fail(s, "template '${%s}': expected NAME.FIELD or today[+-N]", name);
    for (size_t i = 0; i < s->n_names; i++) {
        if (strlen(s->names[i].name) == (size_t)(dot - name) &&
            strncmp(s->names[i].name, name, (size_t)(dot - name)) == 0) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->names[i].answer, dot + 1);
            if (!v)
                return fail(s, "template '${%s}': the answer of '%.*s' has no field '%s'", name,
                            (int)(dot - name), name, dot + 1);
            *ret_item = v;
            return 0;
        }
    }
    return fail(s, "template '${%s}': no earlier step named '%.*s'", name, (int)(dot - name),
                name);
}

/* Expands the templates of text. A text that is one whole template of a non-string
 * value becomes a copy of that value. Returns a new cJSON item or NULL (s->err set, or
 * OOM when err is empty). */
static cJSON *expand(struct seed_run *s, const char *text)
{
    char out[SEED_MAX_TEXT];
    size_t o = 0;
    const char *p = text;

    s->err[0] = '\0';
    while (*p) {
        const char *open = strstr(p, "${"), *close;
        const cJSON *item;
        char date[11] = "";
        char number[64];
        const char *piece;
        size_t plen;

        if (!open) {
            plen = strlen(p);
            if (o + plen >= sizeof(out))
                goto too_long;
            memcpy(out + o, p, plen);
            o += plen;
            break;
        }
        close = strchr(open + 2, '}');
        if (!close) {
            fail(s, "unterminated template in '%s'", text);
            return NULL;
        }
        if (resolve(s, open + 2, (size_t)(close - open - 2), &item, date) < 0)
            return NULL;
        if (item && open == text && close[1] == '\0' && !cJSON_IsString(item))
            return cJSON_Duplicate(item, true);
        if (o + (size_t)(open - p) >= sizeof(out))
            goto too_long;
        memcpy(out + o, p, (size_t)(open - p));
        o += (size_t)(open - p);
        if (!item) {
            piece = date;
        } else if (cJSON_IsString(item)) {
            piece = item->valuestring;
        } else if (cJSON_IsNumber(item)) {
            snprintf(number, sizeof(number), "%.15g", item->valuedouble);
            piece = number;
        } else if (cJSON_IsBool(item)) {
            piece = cJSON_IsTrue(item) ? "true" : "false";
        } else {
            fail(s, "template in '%s' names an object, an array or null", text);
            return NULL;
        }
        plen = strlen(piece);
        if (o + plen >= sizeof(out))
            goto too_long;
        memcpy(out + o, piece, plen);
        o += plen;
        p = close + 1;
    }
    out[o] = '\0';
    return cJSON_CreateString(out);
too_long:
    fail(s, "a templated string is longer than %d bytes", SEED_MAX_TEXT);
    return NULL;
}

/* Returns a copy of node with every string expanded, or NULL. */
static cJSON *expand_tree(struct seed_run *s, const cJSON *node)
{
    cJSON *copy;

    if (cJSON_IsString(node))
        return expand(s, node->valuestring);
    if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
        return cJSON_Duplicate(node, true);
    copy = cJSON_IsObject(node) ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!copy)
        return NULL;
    for (const cJSON *it = node->child; it; it = it->next) {
        cJSON *v = expand_tree(s, it);
        if (!v) {
            cJSON_Delete(copy);
            return NULL;
        }
        if (cJSON_IsObject(node))
            cJSON_AddItemToObject(copy, it->string, v);
        else
            cJSON_AddItemToArray(copy, v);
    }
    return copy;
}

static int parse_method(const char *m, enum am_method *ret)
{
    for (int i = 0; i < AM_METHOD_OTHER; i++) {
        if (strcmp(m, am_method_name((enum am_method)i)) == 0) {
            *ret = (enum am_method)i;
            return 0;
        }
    }
    return -EINVAL;
}

static int run_step(struct seed_run *s, const cJSON *step)
{
    static const char *const allowed[] = {"as", "method", "path", "body", NULL};
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(step, "as");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(step, "method");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(step, "path");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(step, "body");
    cJSON *path_item = NULL, *body_item = NULL, *answer = NULL;
    char *body_text = NULL, *query = NULL;
    struct am_request req;
    struct am_response resp;
    enum am_method m;
    int r = 0;

    am_response_init(&resp);
    if (!cJSON_IsObject(step))
        return fail(s, "must be an object");
    for (const cJSON *it = step->child; it; it = it->next) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok = ok || strcmp(*a, it->string) == 0;
        if (!ok)
            return fail(s, "unknown field '%s'", it->string);
    }
    if (!cJSON_IsString(method) || parse_method(method->valuestring, &m) < 0)
        return fail(s, "method must be GET, POST, PUT or DELETE");
    if (!cJSON_IsString(path) || strncmp(path->valuestring, "/v3/", 4) != 0)
        return fail(s, "path must be a string starting with /v3/");
    if (as && (!cJSON_IsString(as) || !*as->valuestring || strlen(as->valuestring) >= 64 ||
               strchr(as->valuestring, '.')))
        return fail(s, "as must be a name of 1..63 characters without '.'");
    if (as && s->n_names == SEED_MAX_NAMES)
        return fail(s, "more than %d named steps", SEED_MAX_NAMES);
    path_item = expand(s, path->valuestring);
    if (!path_item) {
        r = s->err[0] ? -EINVAL : -ENOMEM;
        goto out;
    }
    if (body) {
        body_item = expand_tree(s, body);
        if (!body_item) {
            r = s->err[0] ? -EINVAL : -ENOMEM;
            goto out;
        }
        body_text = cJSON_PrintUnformatted(body_item);
        if (!body_text) {
            r = -ENOMEM;
            goto out;
        }
    }
    memset(&req, 0, sizeof(req));
    req.method = m;
    query = strchr(path_item->valuestring, '?');
    if (query)
        *query++ = '\0';
    req.path = path_item->valuestring;
    req.query = query;
    req.body = body_text;
    req.body_len = body_text ? strlen(body_text) : 0;
    req.client_ip = "fixtures";
    req.request_id = "seed";
    r = am_app_call(s->app, s->account, &req, s->real_now, &resp);
    if (r < 0)
        goto out;
    answer = resp.body ? cJSON_ParseWithLength(resp.body, resp.body_len) : NULL;
    if (resp.status < 200 || resp.status > 299) {
        const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer, "errors"), 0);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(e, "description");
        r = fail(s, "%s %s answered %d %s: %s", method->valuestring, path->valuestring,
                 resp.status, cJSON_IsString(code) ? code->valuestring : "-",
                 cJSON_IsString(desc) ? desc->valuestring : "-");
        goto out;
    }
    if (as) {
        snprintf(s->names[s->n_names].name, sizeof(s->names[0].name), "%s", as->valuestring);
        s->names[s->n_names++].answer = answer;
        answer = NULL;
    }
out:
    cJSON_Delete(answer);
    cJSON_Delete(path_item);
    cJSON_Delete(body_item);
    free(body_text);
    am_response_finish(&resp);
    return r;
}

int am_seed_apply_text(struct am_app *app, struct am_registry *reg, const char *text, size_t len,
                       const char *source, const char *only_account, int64_t real_now, char *err,
                       size_t err_len)
{
    struct seed_run s;
    bool oom = false;
    cJSON *root = am_json_text_parse(text, len, source, err, err_len, &oom);
    const cJSON *account, *requests;
    size_t i = 0;
    int r = 0;

    memset(&s, 0, sizeof(s));
    s.app = app;
    s.real_now = real_now;
    s.source = source;
    s.err = err;
    s.err_len = err_len;
    snprintf(s.where, sizeof(s.where), "top level");
    if (!root)
        return oom ? -ENOMEM : -EINVAL;
    account = cJSON_GetObjectItemCaseSensitive(root, "account");
    requests = cJSON_GetObjectItemCaseSensitive(root, "requests");
    for (const cJSON *it = root->child; it && cJSON_IsObject(root); it = it->next) {
        if (strcmp(it->string, "account") != 0 && strcmp(it->string, "requests") != 0) {
            r = fail(&s, "unknown field '%s'", it->string);
            goto out;
        }
    }
    if (!cJSON_IsObject(root) || !cJSON_IsString(account) || !cJSON_IsArray(requests)) {
        r = fail(&s, "expected {\"account\": ID, \"requests\": [...]}");
        goto out;
    }
    if (only_account && strcmp(only_account, account->valuestring) != 0)
        goto out;
    s.account = am_registry_find_account(reg, account->valuestring);
    if (!s.account) {
        r = fail(&s, "no account '%s' in the fixtures", account->valuestring);
        goto out;
    }
    for (const cJSON *step = requests->child; step; step = step->next, i++) {
        snprintf(s.where, sizeof(s.where), "requests[%zu]", i);
        r = run_step(&s, step);
        if (r < 0)
            goto out;
    }
out:
    for (size_t k = 0; k < s.n_names; k++)
        cJSON_Delete(s.names[k].answer);
    cJSON_Delete(root);
    return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_json(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int am_seed_apply_dir(struct am_app *app, struct am_registry *reg, const char *dir,
                      const char *only_account, int64_t real_now, char *err, size_t err_len)
{
    char folder[4096], path[4352];
    struct dirent **list = NULL;
    int n, r = 0;

    snprintf(folder, sizeof(folder), "%s/seed", dir);
    n = scandir(folder, &list, only_json, by_name);
    if (n < 0)
        return errno == ENOENT ? 0 : -EIO;
    for (int i = 0; i < n; i++) {
        FILE *f;
        char *buf = NULL;
        long len;

        snprintf(path, sizeof(path), "%s/%s", folder, list[i]->d_name);
        f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (16 << 20) ||
            fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)len + 1)) ||
            fread(buf, 1, (size_t)len, f) != (size_t)len) {
            snprintf(err, err_len, "%s: cannot read", path);
            r = -EIO;
        } else {
            r = am_seed_apply_text(app, reg, buf, (size_t)len, path, only_account, real_now, err,
                                   err_len);
        }
        if (f)
            fclose(f);
        free(buf);
        if (r < 0)
            break;
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return r;
}
