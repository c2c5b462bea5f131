/* api_customers.c - /v3/customers handlers (see api_customers.h).
 *
 * Requests are validated into a patch of borrowed values first and applied only when
 * everything passed, so a refused create or update never leaves a half-changed
 * customer. Like Asaas (Grails data binding) strings are trimmed and an empty string
 * means "unset" (null). */
#include "api_customers.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asaas_facts.h"
#include "clock.h"
#include "cpfcnpj.h"
#include "customers.h"

/* Distinct id attempts before giving up: ids are global, so a clash only happens when
 * fixtures loaded an id the sequence later produces. */
#define MAX_ID_ATTEMPTS 64

enum field_kind { FIELD_STRING, FIELD_CPF_CNPJ, FIELD_BOOL };

struct field {
    const char *key;
    enum field_kind kind;
    size_t offset; /* of the char * or bool in struct am_customer; unused for cpfCnpj */
};

#define STR_FIELD(key, member) {key, FIELD_STRING, offsetof(struct am_customer, member)}
#define BOOL_FIELD(key, member) {key, FIELD_BOOL, offsetof(struct am_customer, member)}

/* Request fields in the reference's order (§6.1), which is also the order validation
 * errors are reported in (Asaas short-circuits on the first one). */
static const struct field fields[] = {
    STR_FIELD("name", name),
    {"cpfCnpj", FIELD_CPF_CNPJ, 0},
    STR_FIELD("email", email),
    STR_FIELD("phone", phone),
    STR_FIELD("mobilePhone", mobile_phone),
    STR_FIELD("address", address),
    STR_FIELD("addressNumber", address_number),
    STR_FIELD("complement", complement),
    STR_FIELD("province", province),
    STR_FIELD("postalCode", postal_code),
    STR_FIELD("externalReference", external_reference),
    BOOL_FIELD("notificationDisabled", notification_disabled),
    STR_FIELD("additionalEmails", additional_emails),
    STR_FIELD("municipalInscription", municipal_inscription),
    STR_FIELD("stateInscription", state_inscription),
    STR_FIELD("observations", observations),
    STR_FIELD("groupName", group_name),
    STR_FIELD("company", company),
    BOOL_FIELD("foreignCustomer", foreign_customer),
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* Validated request values, borrowed from the parsed body. */
struct patch {
    bool set[N_FIELDS];       /* field present in the body (null included) */
    const char *str[N_FIELDS]; /* trimmed start, NULL when null or blank */
    size_t len[N_FIELDS];
    bool flag[N_FIELDS];
    char doc[15];
    bool is_company;
};

static char *field_ptr_str(struct am_customer *c, size_t i)
{
    return *(char **)((char *)c + fields[i].offset);
}

static char **field_slot_str(struct am_customer *c, size_t i)
{
    return (char **)((char *)c + fields[i].offset);
}

static bool *field_slot_bool(struct am_customer *c, size_t i)
{
    return (bool *)((char *)c + fields[i].offset);
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int answer(struct am_response *resp, int status, const char *code, const char *text)
{
    int r = am_response_error(resp, status, code, text);

    return r < 0 ? r : 1;
}

static int type_error(struct am_response *resp, const char *key)
{
    char code[64], text[128];

    snprintf(code, sizeof(code), AM_ERR_FIELD_PREFIX "%s", key);
    snprintf(text, sizeof(text), AM_TXT_FIELD_TYPE_FMT, key);
    return answer(resp, 400, code, text);
}

/* A deliberately loose shape check: one '@', a non-empty local part, a dotted domain
 * without empty labels, and no spaces or separators. */
static bool email_looks_valid(const char *s, size_t len)
{
    size_t at = len, dots = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch <= ' ' || ch == ',' || ch == ';' || ch == '<' || ch == '>' || ch == '"' ||
            ch == 0x7f)
            return false;
        if (ch == '@') {
            if (at != len)
                return false;
            at = i;
        }
    }
    if (at == len || at == 0 || at + 1 >= len)
        return false;
    for (size_t i = at + 1; i < len; i++) {
        if (s[i] != '.')
            continue;
        if (i == at + 1 || i + 1 == len || s[i + 1] == '.')
            return false;
        dots++;
    }
    return dots > 0;
}

/* Fills p from json. Returns 0 when valid, 1 when resp holds the 400, or -ENOMEM. */
static int validate(const cJSON *json, bool creating, struct patch *p, struct am_response *resp)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < N_FIELDS; i++) {
        const char *key = fields[i].key;
        const char *value = NULL;

        if (fields[i].kind == FIELD_BOOL) {
            if (am_json_get_bool(json, key, &p->flag[i], &p->set[i]) < 0)
                return type_error(resp, key);
            continue;
        }
        if (am_json_get_string(json, key, &value) < 0)
            return type_error(resp, key);
        p->set[i] = cJSON_GetObjectItemCaseSensitive(json, key) != NULL;
        if (value) {
            size_t len = strlen(value);

            while (len > 0 && is_space(*value)) {
                value++;
                len--;
            }
            while (len > 0 && is_space(value[len - 1]))
                len--;
            if (len > 0) {
                p->str[i] = value;
                p->len[i] = len;
            }
        }

        /* name and cpfCnpj are required on create and cannot be cleared by an update. */
        if (strcmp(key, "name") == 0 && !p->str[i] && (creating || p->set[i]))
            return answer(resp, 400, AM_ERR_NAME, AM_TXT_NAME);
        if (fields[i].kind == FIELD_CPF_CNPJ) {
            enum am_doc_kind kind;

            if (!p->str[i] && (creating || p->set[i]))
                return answer(resp, 400, AM_ERR_CPF_CNPJ_MISSING, AM_TXT_CPF_CNPJ_MISSING);
            if (!p->str[i])
                continue;
            /* The untrimmed value is fine: the validator skips spaces itself. */
            kind = am_cpfcnpj_validate(value, p->doc);
            if (kind == AM_DOC_INVALID)
                return answer(resp, 400, AM_ERR_CPF_CNPJ, AM_TXT_CPF_CNPJ);
            p->is_company = kind == AM_DOC_CNPJ;
        }
        if (strcmp(key, "email") == 0 && p->str[i] && !email_looks_valid(p->str[i], p->len[i]))
            return answer(resp, 400, AM_ERR_EMAIL, AM_TXT_EMAIL);
    }
    return 0;
}

/* Applies a validated patch to c: all or nothing. Returns 0 or -ENOMEM (c unchanged). */
static int apply(struct am_customer *c, const struct patch *p)
{
    char *copies[N_FIELDS] = {NULL};

    for (size_t i = 0; i < N_FIELDS; i++) {
        if (fields[i].kind != FIELD_STRING || !p->str[i])
            continue;
        copies[i] = strndup(p->str[i], p->len[i]);
        if (!copies[i]) {
            for (size_t j = 0; j < i; j++)
                free(copies[j]);
            return -ENOMEM;
        }
    }
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (!p->set[i])
            continue;
        switch (fields[i].kind) {
        case FIELD_STRING:
            free(field_ptr_str(c, i));
            *field_slot_str(c, i) = copies[i];
            break;
        case FIELD_BOOL:
            *field_slot_bool(c, i) = p->flag[i];
            break;
        case FIELD_CPF_CNPJ:
            memcpy(c->cpf_cnpj, p->doc, sizeof(c->cpf_cnpj));
            c->is_company = p->is_company;
            break;
        }
    }
    am_customer_changed(c);
    return 0;
}

/* Writes the customer in the captured key order (key NULL: an array element). */
static void customer_write(struct am_jsonw *w, const char *key, const struct am_customer *c)
{
    char date[11];

    am_clock_format_date(c->created_at, date);
    am_jsonw_obj(w, key);
    am_jsonw_str(w, "object", "customer");
    am_jsonw_str(w, "id", c->id);
    am_jsonw_str(w, "dateCreated", date);
    am_jsonw_str(w, "name", c->name);
    am_jsonw_str(w, "email", c->email);
    am_jsonw_str(w, "company", c->company);
    am_jsonw_str(w, "phone", c->phone);
    am_jsonw_str(w, "mobilePhone", c->mobile_phone);
    am_jsonw_str(w, "address", c->address);
    am_jsonw_str(w, "addressNumber", c->address_number);
    am_jsonw_str(w, "complement", c->complement);
    am_jsonw_str(w, "province", c->province);
    am_jsonw_str(w, "postalCode", c->postal_code);
    am_jsonw_str(w, "cpfCnpj", c->cpf_cnpj);
    am_jsonw_str(w, "personType", c->is_company ? "JURIDICA" : "FISICA");
    am_jsonw_bool(w, "deleted", c->deleted);
    am_jsonw_str(w, "additionalEmails", c->additional_emails);
    am_jsonw_str(w, "externalReference", c->external_reference);
    am_jsonw_bool(w, "notificationDisabled", c->notification_disabled);
    am_jsonw_str(w, "observations", c->observations);
    am_jsonw_str(w, "municipalInscription", c->municipal_inscription);
    am_jsonw_str(w, "stateInscription", c->state_inscription);
    am_jsonw_bool(w, "canDelete", true);
    am_jsonw_null(w, "cannotBeDeletedReason");
    am_jsonw_bool(w, "canEdit", true);
    am_jsonw_null(w, "cannotEditReason");
    am_jsonw_null(w, "city");
    am_jsonw_null(w, "cityName");
    am_jsonw_null(w, "state");
    /* Captured bodies end here: foreignCustomer (spec only) is accepted, not rendered. */
    am_jsonw_str(w, "country", "Brasil");
    am_jsonw_end_obj(w);
}

/* The customer's object, rendered on its first read and kept (c->json) until a change
 * drops it (am_customer_changed): a GET or a list copies bytes instead of writing JSON.
 * NULL on OOM. */
static const char *customer_text(struct am_customer *c, size_t *ret_len)
{
    if (!c->json) {
        struct am_jsonw w = {0};

        customer_write(&w, NULL, c);
        c->json = am_jsonw_take(&w, &c->json_len);
        if (!c->json)
            return NULL;
    }
#ifndef NDEBUG
    {
        /* Test builds re-render every read: a change that forgot am_customer_changed()
         * fails here instead of serving stale bytes. */
        struct am_jsonw w = {0};
        size_t n = 0;
        char *fresh;

        customer_write(&w, NULL, c);
        fresh = am_jsonw_take(&w, &n);
        assert(!fresh || (n == c->json_len && memcmp(fresh, c->json, n) == 0));
        free(fresh);
    }
#endif
    *ret_len = c->json_len;
    return c->json;
}

static int answer_customer(struct am_response *resp, struct am_customer *c)
{
    size_t len = 0;
    const char *text = customer_text(c, &len);

    return text ? am_response_text(resp, 200, "application/json", text, len) : -ENOMEM;
}

static struct am_customer_store *store_of(const struct am_ctx *ctx)
{
    return ctx && ctx->account ? ctx->account->customers : NULL;
}

int am_api_customers_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    (void)id;
    struct am_customer_store *store = store_of(ctx);
    struct am_customer *c = NULL;
    cJSON *json = NULL;
    struct patch p;
    int r, attempts;

    if (!store || !ctx->ids)
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &json);
    if (r != 0)
        return r < 0 ? r : 0;
    r = validate(json, true, &p, resp);
    if (r != 0) {
        r = r < 0 ? r : 0;
        goto out;
    }
    c = am_customer_new();
    if (!c) {
        r = -ENOMEM;
        goto out;
    }
    c->created_at = ctx->now;
    for (attempts = 0; attempts < MAX_ID_ATTEMPTS; attempts++) {
        char new_id[17];

        am_ids_customer(ctx->ids, new_id);
        if (!am_customer_store_find(store, new_id)) {
            memcpy(c->id, new_id, sizeof(new_id));
            break;
        }
    }
    if (attempts == MAX_ID_ATTEMPTS) {
        r = -EEXIST;
        goto out;
    }
    r = apply(c, &p);
    if (r < 0)
        goto out;
    cJSON_Delete(json); /* p borrowed from it; apply() made the copies */
    json = NULL;
    r = am_customer_store_insert(store, c);
    c = NULL; /* the store owns it now, or freed it */
    if (r < 0)
        goto out;
    r = answer_customer(resp, am_customer_store_at(store, am_customer_store_count(store) - 1));
out:
    am_customer_free(c);
    cJSON_Delete(json);
    return r;
}

/* Case-folds one byte of UTF-8 text for name search: ASCII letters, and the Latin-1
 * capitals encoded as C3 80..C3 9E (À..Þ, except ×), which cover Portuguese accents.
 * prev is the byte before (0 at the start). Folding never changes byte lengths. */
static unsigned char fold_byte(unsigned char prev, unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return (unsigned char)(ch + ('a' - 'A'));
    if (prev == 0xC3 && ch >= 0x80 && ch <= 0x9E && ch != 0x97)
        return (unsigned char)(ch | 0x20);
    return ch;
}

static bool contains_folded(const char *hay, const char *needle)
{
    size_t hn = strlen(hay), nn = strlen(needle);

    if (nn > hn)
        return false;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t j = 0;

        while (j < nn) {
            unsigned char hp = (unsigned char)(i + j > 0 ? hay[i + j - 1] : 0);
            unsigned char np = (unsigned char)(j > 0 ? needle[j - 1] : 0);

            if (fold_byte(hp, (unsigned char)hay[i + j]) !=
                fold_byte(np, (unsigned char)needle[j]))
                break;
            j++;
        }
        if (j == nn)
            return true;
    }
    return false;
}

/* Keeps only the digits of s (at most 14, more can never match a stored document). */
static void digits_of(const char *s, char out[16])
{
    size_t n = 0;

    for (; *s && n < 15; s++) {
        if (*s >= '0' && *s <= '9')
            out[n++] = *s;
    }
    out[n] = '\0';
}

struct filters {
    const char *name;
    const char *email;
    const char *external_reference;
    const char *group_name;
    bool by_doc;
    char doc[16];
};

static bool matches(const struct am_customer *c, const struct filters *f)
{
    if (c->deleted)
        return false;
    if (f->name && !(c->name && contains_folded(c->name, f->name)))
        return false;
    if (f->email && !(c->email && strcasecmp(c->email, f->email) == 0))
        return false;
    if (f->by_doc && strcmp(c->cpf_cnpj, f->doc) != 0)
        return false;
    if (f->external_reference &&
        !(c->external_reference && strcmp(c->external_reference, f->external_reference) == 0))
        return false;
    if (f->group_name && !(c->group_name && strcmp(c->group_name, f->group_name) == 0))
        return false;
    return true;
}

int am_api_customers_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    (void)id;
    struct am_customer_store *store = store_of(ctx);
    struct filters f = {0};
    struct am_page page;
    struct am_api_pager pg;
    const char *doc;
    int r;

    (void)req;
    if (!store)
        return -EINVAL;
    r = am_api_parse_page(ctx->query, resp, &page);
    if (r != 0)
        return r < 0 ? r : 0;
    f.name = am_api_query_value(ctx->query, "name");
    f.email = am_api_query_value(ctx->query, "email");
    f.external_reference = am_api_query_value(ctx->query, "externalReference");
    f.group_name = am_api_query_value(ctx->query, "groupName");
    doc = am_api_query_value(ctx->query, "cpfCnpj");
    if (doc) {
        f.by_doc = true;
        digits_of(doc, f.doc);
    }
    /* Newest first: walk creation order backwards. */
    am_api_pager_init(&pg, &page);
    for (size_t i = am_customer_store_count(store); i-- > 0;) {
        struct am_customer *c = am_customer_store_at(store, i);
        const char *text;
        size_t len = 0;

        if (matches(c, &f) && am_api_pager_take(&pg)) {
            text = customer_text(c, &len);
            if (text)
                am_jsonw_raw(am_api_pager_writer(&pg), NULL, text, len);
            else
                am_api_pager_add(&pg, NULL); /* records the allocation failure */
        }
    }
    return am_api_pager_answer(&pg, resp);
}

int am_api_customers_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    struct am_customer_store *store = store_of(ctx);
    struct am_customer *c;

    (void)req;
    if (!store)
        return -EINVAL;
    c = am_customer_store_find(store, id);
    if (!c)
        return am_api_not_found(resp);
    return answer_customer(resp, c);
}

int am_api_customers_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_customer_store *store = store_of(ctx);
    struct am_customer *c;
    cJSON *json = NULL;
    struct patch p;
    int r;

    if (!store)
        return -EINVAL;
    c = am_customer_store_find(store, id);
    if (!c)
        return am_api_not_found(resp);
    r = am_api_parse_body(req, resp, true, &json);
    if (r != 0)
        return r < 0 ? r : 0;
    if (c->deleted) {
        r = am_response_error(resp, 400, AM_ERR_CUSTOMER_DELETED, AM_TXT_CUSTOMER_DELETED);
        goto out;
    }
    r = validate(json, false, &p, resp);
    if (r != 0) {
        r = r < 0 ? r : 0;
        goto out;
    }
    r = apply(c, &p);
    if (r < 0)
        goto out;
    r = answer_customer(resp, c);
out:
    cJSON_Delete(json);
    return r;
}

int am_api_customers_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_customer_store *store = store_of(ctx);
    struct am_customer *c;
    cJSON *o = NULL;

    (void)req; /* a DELETE body carries nothing; ignore it rather than refuse it */
    if (!store)
        return -EINVAL;
    c = am_customer_store_find(store, id);
    if (!c)
        return am_api_not_found(resp);
    c->deleted = true; /* deleting twice answers the same: idempotent */
    am_customer_changed(c);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddBoolToObject(o, "deleted", true) ||
        !cJSON_AddStringToObject(o, "id", c->id)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_response_json(resp, 200, o);
}

int am_api_customers_restore(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    struct am_customer_store *store = store_of(ctx);
    struct am_customer *c;

    (void)req;
    if (!store)
        return -EINVAL;
    c = am_customer_store_find(store, id);
    if (!c)
        return am_api_not_found(resp);
    if (!c->deleted)
        return am_response_error(resp, 400, AM_ERR_CUSTOMER_DELETED, AM_TXT_CUSTOMER_NOT_DELETED);
    c->deleted = false;
    am_customer_changed(c);
    return answer_customer(resp, c);
}
