/* api_links.c - payment links, their images, checkouts and paying them (api_links.h).
 *
 * Validation answers the first problem only (asaas_facts.h, "area links"); a refused
 * request changes nothing. Paying goes through the ordinary customers, payments and
 * subscriptions handlers in-process (am_api_call) with the billing origin set, so the
 * charges carry paymentLink / checkoutSession from their first event on. */
#include "api_links.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_customers.h"
#include "api_form.h"
#include "api_recurring.h"
#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "input.h"
#include "links.h"
#include "money.h"
#include "records.h"
#include "subscriptions.h"

static struct am_records *recs(const struct am_ctx *ctx)
{
    return ctx->account->records;
}

static bool ready(const struct am_ctx *ctx)
{
    return am_api_ready(ctx) && ctx->account->records;
}

static int fail(struct am_response *resp, const char *code, const char *text)
{
    return am_input_fail(resp, 400, code, text);
}

static int answer_public(struct am_response *resp, const cJSON *o)
{
    return am_api_answer_json(resp, am_records_public(o));
}

static bool one_of(const char *s, const char *const *set)
{
    for (; s && *set; set++) {
        if (strcmp(s, *set) == 0)
            return true;
    }
    return false;
}

static const char *const charge_types[] = {"DETACHED", "RECURRENT", "INSTALLMENT", NULL};
static const char *const cycles[] = {"WEEKLY", "BIWEEKLY", "MONTHLY", "BIMONTHLY",
                                     "QUARTERLY", "SEMIANNUALLY", "YEARLY", NULL};

/* The link body rules shared by create (all required ones) and update (only what is sent).
 * cur is the stored link on update (its chargeType decides what the rest needs). */
static int link_validate(const struct am_ctx *ctx, const cJSON *j, const cJSON *cur,
                         struct am_response *resp)
{
    const char *name = NULL, *bt = NULL, *ct = NULL, *cycle = NULL, *end = NULL;
    bool create = cur == NULL;
    const cJSON *v, *cb;
    enum am_billing_type type;
    int64_t cents, day;
    long n;
    bool b = false;

    bool sent;

    /* Required on create; on update they may be left out but not cleared. */
    if (am_input_str(j, "name", &name, &sent) < 0 || ((create || sent) && !name))
        return fail(resp, AM_ERR_LINK_NAME, AM_TXT_LINK_NAME);
    if (am_input_str(j, "billingType", &bt, &sent) < 0 || ((create || sent) && !bt) ||
        (bt && am_billing_type_parse(bt, &type) < 0))
        return fail(resp, AM_ERR_LINK_BILLING_TYPE, AM_TXT_LINK_BILLING_TYPE);
    if (am_input_str(j, "chargeType", &ct, &sent) < 0 || ((create || sent) && !ct) ||
        (ct && !one_of(ct, charge_types)))
        return fail(resp, AM_ERR_LINK_CHARGE_TYPE, AM_TXT_LINK_CHARGE_TYPE);
    if (!ct && cur)
        ct = am_link_str(cur, "chargeType");
    v = am_input_field(j, "value");
    if (v && (am_money_from_json(v, &cents) < 0 || cents <= 0))
        return fail(resp, AM_ERR_LINK_VALUE, AM_TXT_LINK_VALUE);
    if (am_input_str(j, "subscriptionCycle", &cycle, NULL) < 0 ||
        (cycle && !one_of(cycle, cycles)) ||
        (ct && strcmp(ct, "RECURRENT") == 0 && !cycle &&
         !(cur && am_link_str(cur, "subscriptionCycle"))))
        return fail(resp, AM_ERR_LINK_CYCLE, AM_TXT_LINK_CYCLE);
    v = am_input_field(j, "maxInstallmentCount");
    if (v && am_input_int(v, 1, AM_LINK_MAX_INSTALLMENTS, &n) < 0)
        return fail(resp, AM_ERR_LINK_MAX_INSTALLMENTS, AM_TXT_LINK_MAX_INSTALLMENTS);
    v = am_input_field(j, "dueDateLimitDays");
    if (v && am_input_int(v, 0, 3650, &n) < 0)
        return fail(resp, AM_ERR_LINK_DUE_DAYS, AM_TXT_LINK_DUE_DAYS);
    if (am_input_str(j, "endDate", &end, NULL) < 0 ||
        (end && (am_cal_parse_day(end, &day) < 0 || day < am_api_today(ctx))))
        return fail(resp, AM_ERR_LINK_END_DATE, AM_TXT_LINK_END_DATE);
    cb = am_input_field(j, "callback");
    if (cb) {
        const char *ok = NULL;

        if (!cJSON_IsObject(cb) || am_input_str(cb, "successUrl", &ok, NULL) < 0 || !ok ||
            strlen(ok) > 255 || am_api_form_bool(cb, "autoRedirect", &b) < 0)
            return fail(resp, AM_ERR_LINK_CALLBACK, AM_TXT_LINK_CALLBACK);
    }
    if (am_input_text(j, "description", &name, resp) ||
        am_input_text(j, "externalReference", &name, resp))
        return 1;
    if (am_api_form_bool(j, "notificationEnabled", &b) < 0)
        return am_input_type_error(resp, "notificationEnabled");
    if (am_api_form_bool(j, "isAddressRequired", &b) < 0)
        return am_input_type_error(resp, "isAddressRequired");
    if (am_api_form_bool(j, "active", &b) < 0)
        return am_input_type_error(resp, "active");
    return 0;
}

/* The link of id, or 1 with the 404 answered. */
static int find_link(struct am_ctx *ctx, const char *id, struct am_response *resp, cJSON **ret)
{
    *ret = id ? am_records_find(recs(ctx), AM_LINKS_COLL, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_links_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    char new_id[13];
    cJSON *j = NULL, *link;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = link_validate(ctx, j, NULL, resp);
    if (r != 0)
        goto out;
    am_link_new_id(recs(ctx), ctx->ids, new_id);
    link = am_link_create(recs(ctx), new_id, j);
    r = link ? answer_public(resp, link) : -ENOMEM;
out:
    cJSON_Delete(j);
    return am_input_done(r);
}

static bool query_true(const struct am_ctx *ctx, const char *key)
{
    const char *v = am_api_query_value(ctx->query, key);

    return v && strcmp(v, "true") == 0;
}

int am_api_links_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                      struct am_response *resp)
{
    const char *active = NULL, *name, *ext;
    bool include_deleted;
    struct am_page page;
    struct am_api_pager pg;
    size_t n;
    int r;

    (void)id;
    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    active = am_api_query_value(ctx->query, "active");
    name = am_api_query_value(ctx->query, "name");
    ext = am_api_query_value(ctx->query, "externalReference");
    include_deleted = query_true(ctx, "includeDeleted");
    if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
        return am_input_done(am_input_fail(resp, 400, "invalid_active",
                                           "O filtro active deve ser true ou false."));
    am_api_pager_init(&pg, &page);
    n = am_records_count(recs(ctx), AM_LINKS_COLL);
    for (size_t i = n; i-- > 0;) {
        cJSON *l = am_records_at(recs(ctx), AM_LINKS_COLL, i);
        const char *ln = am_link_str(l, "name"), *le = am_link_str(l, "externalReference");

        if (am_link_bool(l, "deleted") && !include_deleted)
            continue;
        if (active && am_link_bool(l, "active") != (active[0] == 't'))
            continue;
        if (name && !(ln && strstr(ln, name)))
            continue;
        if (ext && !(le && strcmp(le, ext) == 0))
            continue;
        if (am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(l));
    }
    return am_api_pager_answer(&pg, resp);
}

int am_api_links_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                     struct am_response *resp)
{
    cJSON *link;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    return r != 0 ? am_input_done(r) : answer_public(resp, link);
}

int am_api_links_update(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    cJSON *link, *j = NULL;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (am_link_bool(link, "deleted"))
        r = fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_DELETED);
    else
        r = link_validate(ctx, j, link, resp);
    if (r == 0)
        r = am_link_update(link, j);
    if (r == 0)
        r = answer_public(resp, link);
    cJSON_Delete(j);
    return am_input_done(r);
}

int am_api_links_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                        struct am_response *resp)
{
    cJSON *link;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    if (am_link_bool(link, "deleted"))
        return am_input_done(fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_DELETED));
    am_link_set_deleted(link, true);
    return am_api_answer_deleted(resp, id);
}

int am_api_links_restore(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    cJSON *link;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    if (!am_link_bool(link, "deleted"))
        return am_input_done(fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_NOT_DELETED));
    am_link_set_deleted(link, false);
    return answer_public(resp, link);
}

/* ---- images ------------------------------------------------------------------------ */

int am_api_link_images_add(struct am_ctx *ctx, const char *id, const struct am_request *req,
                           struct am_response *resp)
{
    struct am_api_form f;
    const struct am_multipart_part *file;
    const char *ext;
    cJSON *link, *img;
    bool main = false;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    r = am_api_form_read(req, resp, &f);
    if (r != 0)
        goto out;
    file = am_api_form_file(&f, "image");
    if (am_api_form_bool(f.json, "main", &main) < 0) {
        r = am_input_type_error(resp, "main");
    } else if (am_link_bool(link, "deleted")) {
        r = fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_DELETED);
    } else if (!file || file->len == 0) {
        r = fail(resp, AM_ERR_LINK_IMAGE, AM_TXT_LINK_IMAGE_MISSING);
    } else if (file->len > AM_LINK_IMAGE_MAX_BYTES) {
        r = fail(resp, AM_ERR_LINK_IMAGE, AM_TXT_LINK_IMAGE_SIZE);
    } else if (!(ext = am_link_image_kind((const unsigned char *)file->data, file->len))) {
        r = fail(resp, AM_ERR_LINK_IMAGE, AM_TXT_LINK_IMAGE_FORMAT);
    } else if (am_link_image_count(recs(ctx), id) >= AM_LINK_IMAGES_MAX) {
        r = fail(resp, AM_ERR_LINK_IMAGE, AM_TXT_LINK_IMAGE_COUNT);
    } else {
        img = am_link_image_add(recs(ctx), ctx->ids, id,
                                file->filename[0] ? file->filename : "image", ext,
                                (const unsigned char *)file->data, file->len, main);
        r = img ? answer_public(resp, img) : -ENOMEM;
    }
out:
    am_api_form_free(&f);
    return am_input_done(r);
}

int am_api_link_images_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    struct am_page page;
    struct am_api_pager pg;
    cJSON *link;
    size_t n;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r == 0)
        r = am_api_list_begin(ctx, resp, &page);
    if (r != 0)
        return am_input_done(r);
    am_api_pager_init(&pg, &page);
    n = am_records_count(recs(ctx), AM_LINK_IMAGES_COLL);
    for (size_t i = 0; i < n; i++) {
        cJSON *img = am_records_at(recs(ctx), AM_LINK_IMAGES_COLL, i);
        const char *owner = am_link_str(img, "_link");

        if (owner && strcmp(owner, id) == 0 && am_api_pager_take(&pg))
            am_api_pager_add(&pg, am_records_public(img));
    }
    return am_api_pager_answer(&pg, resp);
}

/* The image named by the second path parameter, or 1 with the 404. */
static int find_image(struct am_ctx *ctx, const char *id, const struct am_request *req,
                      struct am_response *resp, cJSON **ret)
{
    char image_id[64];

    *ret = NULL;
    am_api_path_segment(req, 3, image_id, sizeof(image_id));
    if (id && am_records_find(recs(ctx), AM_LINKS_COLL, id))
        *ret = am_link_image_find(recs(ctx), id, image_id);
    return am_api_found(ctx, *ret, resp);
}

int am_api_link_image_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    cJSON *img;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_image(ctx, id, req, resp, &img);
    return r != 0 ? am_input_done(r) : answer_public(resp, img);
}

int am_api_link_image_delete(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    char image_id[64];
    cJSON *img;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_image(ctx, id, req, resp, &img);
    if (r != 0)
        return am_input_done(r);
    snprintf(image_id, sizeof(image_id), "%s", am_link_str(img, "id"));
    am_link_image_remove(recs(ctx), id, image_id);
    return am_api_answer_deleted(resp, image_id);
}

int am_api_link_image_set_main(struct am_ctx *ctx, const char *id, const struct am_request *req,
                               struct am_response *resp)
{
    cJSON *img;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_image(ctx, id, req, resp, &img);
    if (r != 0)
        return am_input_done(r);
    am_link_image_set_main(recs(ctx), img);
    return answer_public(resp, img);
}

/* ---- checkouts ---------------------------------------------------------------------- */

/* Each element of the array member key is a string of set; at least one. */
static bool string_set(const cJSON *j, const char *key, const char *const *set)
{
    const cJSON *a = am_input_field(j, key), *it;

    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0)
        return false;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it) || !one_of(it->valuestring, set))
            return false;
    }
    return true;
}

static bool has_string(const cJSON *a, const char *s)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, a)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
            return true;
    }
    return false;
}

static int checkout_validate(const struct am_ctx *ctx, const cJSON *j, struct am_response *resp)
{
    static const char *const billing[] = {"CREDIT_CARD", "PIX", NULL};
    const cJSON *v, *items, *it, *sub, *inst, *charge;
    const char *s = NULL, *c = NULL;
    long n;
    int64_t cents, day;

    (void)ctx;
    if (!string_set(j, "billingTypes", billing))
        return fail(resp, AM_ERR_CHECKOUT_BILLING_TYPES, AM_TXT_CHECKOUT_BILLING_TYPES);
    if (!string_set(j, "chargeTypes", charge_types))
        return fail(resp, AM_ERR_CHECKOUT_CHARGE_TYPES, AM_TXT_CHECKOUT_CHARGE_TYPES);
    charge = am_input_field(j, "chargeTypes");
    v = am_input_field(j, "minutesToExpire");
    if (v && am_input_int(v, 10, 1440, &n) < 0)
        return fail(resp, AM_ERR_CHECKOUT_MINUTES, AM_TXT_CHECKOUT_MINUTES);
    if (am_input_text(j, "externalReference", &s, resp))
        return 1;
    if (s && strlen(s) > 200)
        return am_input_type_error(resp, "externalReference");
    v = am_input_field(j, "callback");
    if (!cJSON_IsObject(v) || am_input_str(v, "successUrl", &s, NULL) < 0 || !s ||
        am_input_str(v, "cancelUrl", &c, NULL) < 0 || !c)
        return fail(resp, AM_ERR_CHECKOUT_CALLBACK, AM_TXT_CHECKOUT_CALLBACK);
    items = am_input_field(j, "items");
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0)
        return fail(resp, AM_ERR_CHECKOUT_ITEMS, AM_TXT_CHECKOUT_ITEMS);
    cJSON_ArrayForEach(it, items)
    {
        const char *name = NULL, *img = NULL, *desc = NULL;

        if (!cJSON_IsObject(it) || am_input_str(it, "name", &name, NULL) < 0 || !name ||
            strlen(name) > 30 || am_input_str(it, "imageBase64", &img, NULL) < 0 || !img ||
            am_input_str(it, "description", &desc, NULL) < 0 || (desc && strlen(desc) > 150) ||
            am_input_int(am_input_field(it, "quantity"), 1, 100000, &n) < 0 ||
            am_money_from_json(am_input_field(it, "value"), &cents) < 0 || cents <= 0)
            return fail(resp, AM_ERR_CHECKOUT_ITEMS, AM_TXT_CHECKOUT_ITEMS);
    }
    sub = am_input_field(j, "subscription");
    if (has_string(charge, "RECURRENT") || sub) {
        enum am_sub_cycle cy;

        if (!has_string(charge, "RECURRENT") || !cJSON_IsObject(sub) ||
            am_input_str(sub, "cycle", &s, NULL) < 0 || !s || am_sub_cycle_parse(s, &cy) < 0 ||
            am_input_day(sub, "nextDueDate", &day) < 0 ||
            am_input_day(sub, "endDate", &day) == -EINVAL)
            return fail(resp, AM_ERR_CHECKOUT_SUBSCRIPTION, AM_TXT_CHECKOUT_SUBSCRIPTION);
    }
    inst = am_input_field(j, "installment");
    if (inst && (!has_string(charge, "INSTALLMENT") || !cJSON_IsObject(inst) ||
                 am_input_int(am_input_field(inst, "maxInstallmentCount"), 1, 21, &n) < 0))
        return fail(resp, AM_ERR_CHECKOUT_INSTALLMENT, AM_TXT_CHECKOUT_INSTALLMENT);
    v = am_input_field(j, "customerData");
    if (v && !cJSON_IsObject(v))
        return am_input_type_error(resp, "customerData");
    v = am_input_field(j, "splits");
    if (v && !cJSON_IsArray(v))
        return am_input_type_error(resp, "splits");
    return 0;
}

int am_api_checkouts_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    cJSON *j = NULL, *co;
    int r;

    (void)id;
    if (!ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    r = checkout_validate(ctx, j, resp);
    if (r == 0) {
        co = am_checkout_create(recs(ctx), ctx->account->billing, ctx->ids, j, ctx->now);
        r = co ? answer_public(resp, co) : -ENOMEM;
    }
    cJSON_Delete(j);
    return am_input_done(r);
}

/* The checkout of id after expiring what is due, or 1 with the 404. */
static int find_checkout(struct am_ctx *ctx, const char *id, struct am_response *resp,
                         cJSON **ret)
{
    am_checkouts_expire_due(recs(ctx), ctx->account->billing, ctx->now);
    *ret = id ? am_records_find(recs(ctx), AM_CHECKOUTS_COLL, id) : NULL;
    return am_api_found(ctx, *ret, resp);
}

int am_api_checkouts_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    cJSON *co;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_checkout(ctx, id, resp, &co);
    if (r != 0)
        return am_input_done(r);
    r = am_checkout_move(ctx->account->billing, co, "CANCELED", ctx->now);
    if (r == -EPERM)
        return am_input_done(fail(resp, AM_ERR_CHECKOUT_ACTION, AM_TXT_CHECKOUT_NOT_ACTIVE));
    return r < 0 ? r : answer_public(resp, co);
}

/* ---- paying (sandbox-style actions for the hosted pages) ---------------------------- */

/* What the payer's charge is made of. */
struct payer_charge {
    const char *charge_type;  /* DETACHED / RECURRENT / INSTALLMENT */
    const char *billing_type;
    int64_t value_cents;
    long installments;        /* INSTALLMENT: count chosen */
    int64_t due_day;
    const char *cycle;        /* RECURRENT */
    const char *end_date;     /* RECURRENT, may be NULL */
    const char *description;  /* may be NULL */
};

/* The customer fields of a customerData object; numbers become text (the checkout spec
 * types addressNumber and city as integers). New object (caller owns) or NULL on OOM. */
static cJSON *customer_body(const cJSON *data)
{
    static const char *const keys[] = {"name", "cpfCnpj", "email", "phone", "mobilePhone",
                                       "address", "addressNumber", "complement", "province",
                                       "postalCode"};
    cJSON *o = cJSON_CreateObject();

    for (size_t i = 0; o && i < sizeof(keys) / sizeof(keys[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, keys[i]);
        cJSON *copy = NULL;
        char num[32];

        if (cJSON_IsNumber(v)) {
            snprintf(num, sizeof(num), "%.0f", v->valuedouble);
            copy = cJSON_CreateString(num);
        } else if (v) {
            copy = cJSON_Duplicate(v, true);
        } else {
            continue;
        }
        if (!copy || !cJSON_AddItemToObject(o, keys[i], copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

/* The payer: body.customer (an active customer) or a new customer from customerData
 * (body's, else fallback's). Writes its id into out. 0, 1 (answered) or <0. */
static int payer_customer(struct am_ctx *ctx, const struct am_request *req, const cJSON *body,
                          const cJSON *fallback, struct am_response *resp, char *out,
                          size_t out_len)
{
    const cJSON *data = am_input_field(body, "customerData");
    const char *id = NULL;
    cJSON *made = NULL, *fields;
    int r;

    if (am_input_field(body, "customer")) {
        r = am_input_customer(ctx, body, &id, resp);
        if (r != 0)
            return r;
        snprintf(out, out_len, "%s", id);
        return 0;
    }
    if (!data)
        data = fallback;
    if (!cJSON_IsObject(data))
        return fail(resp, AM_ERR_PAYER_CUSTOMER, AM_TXT_PAYER_CUSTOMER);
    fields = customer_body(data);
    if (!fields)
        return -ENOMEM;
    r = am_api_call(ctx, req, am_api_customers_create, "/v3/customers", fields, resp, &made);
    cJSON_Delete(fields);
    if (r != 0)
        return r;
    snprintf(out, out_len, "%s", am_link_str(made, "id") ? am_link_str(made, "id") : "");
    cJSON_Delete(made);
    return 0;
}

/* Creates the charge c for customer through the payments / subscriptions handlers, card
 * data taken from body. *ret gets the created object. 0, 1 (answered) or <0. */
static int payer_charge(struct am_ctx *ctx, const struct am_request *req, const cJSON *body,
                        const char *customer, const struct payer_charge *c,
                        struct am_response *resp, cJSON **ret)
{
    static const char *const card_keys[] = {"creditCard", "creditCardHolderInfo",
                                            "creditCardToken", "remoteIp"};
    bool recurrent = strcmp(c->charge_type, "RECURRENT") == 0;
    cJSON *q = cJSON_CreateObject();
    char day[11];
    bool ok;
    int r;

    am_cal_format_day(c->due_day, day);
    ok = q && cJSON_AddStringToObject(q, "customer", customer) &&
         cJSON_AddStringToObject(q, "billingType", c->billing_type) &&
         am_money_add(q, recurrent || c->installments <= 1 ? "value" : "totalValue",
                      c->value_cents) == 0 &&
         cJSON_AddStringToObject(q, recurrent ? "nextDueDate" : "dueDate", day) &&
         (!c->description || cJSON_AddStringToObject(q, "description", c->description)) &&
         (!recurrent || cJSON_AddStringToObject(q, "cycle", c->cycle)) &&
         (!recurrent || !c->end_date || cJSON_AddStringToObject(q, "endDate", c->end_date)) &&
         (recurrent || c->installments <= 1 ||
          cJSON_AddNumberToObject(q, "installmentCount", (double)c->installments));
    for (size_t i = 0; ok && i < sizeof(card_keys) / sizeof(card_keys[0]); i++) {
        const cJSON *v = am_input_field(body, card_keys[i]);

        if (v)
            ok = cJSON_AddItemToObject(q, card_keys[i], cJSON_Duplicate(v, true));
    }
    if (!ok) {
        cJSON_Delete(q);
        return -ENOMEM;
    }
    if (recurrent)
        r = am_api_call(ctx, req, am_api_subscriptions_create, "/v3/subscriptions", q, resp, ret);
    else
        r = am_api_call(ctx, req, am_api_payments_create, "/v3/payments", q, resp, ret);
    cJSON_Delete(q);
    return r;
}

/* Reads body.billingType: required among allowed (a NULL-terminated set) unless fixed. */
static int payer_billing_type(const cJSON *body, const char *fixed, const char *const *allowed,
                              const char *code, const char *text, struct am_response *resp,
                              const char **ret)
{
    const char *bt = NULL;

    if (am_input_str(body, "billingType", &bt, NULL) < 0)
        return fail(resp, code, text);
    if (fixed && strcmp(fixed, "UNDEFINED") != 0) {
        if (bt && strcmp(bt, fixed) != 0)
            return fail(resp, code, text);
        *ret = fixed;
        return 0;
    }
    if (!bt || !one_of(bt, allowed))
        return fail(resp, code, text);
    *ret = bt;
    return 0;
}

int am_api_sandbox_link_view(struct am_ctx *ctx, const char *id, const struct am_request *req,
                             struct am_response *resp)
{
    cJSON *link;
    int r;

    (void)req;
    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    if (am_link_bool(link, "deleted"))
        return am_input_done(fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_DELETED));
    am_link_count_view(link);
    return answer_public(resp, link);
}

/* Active, not deleted, endDate not passed. */
static bool link_open(const struct am_ctx *ctx, const cJSON *link)
{
    const char *end = am_link_str(link, "endDate");
    int64_t day;

    if (!am_link_bool(link, "active") || am_link_bool(link, "deleted"))
        return false;
    return !(end && am_cal_parse_day(end, &day) == 0 && day < am_api_today(ctx));
}

int am_api_sandbox_link_pay(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    static const char *const billing[] = {"BOLETO", "CREDIT_CARD", "PIX", NULL};
    struct payer_charge c = {0};
    char customer[64];
    cJSON *link, *j = NULL, *made = NULL;
    const cJSON *v;
    long max;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_link(ctx, id, resp, &link);
    if (r != 0)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (!link_open(ctx, link)) {
        r = fail(resp, AM_ERR_LINK_ACTION, AM_TXT_LINK_INACTIVE);
        goto out;
    }
    c.charge_type = am_link_str(link, "chargeType");
    c.cycle = am_link_str(link, "subscriptionCycle");
    c.end_date = am_link_str(link, "endDate");
    c.description = am_link_str(link, "description") ? am_link_str(link, "description")
                                                      : am_link_str(link, "name");
    c.due_day = am_api_today(ctx) + am_link_int(link, "dueDateLimitDays", AM_LINK_DUE_DAYS_DEFAULT);
    r = payer_billing_type(j, am_link_str(link, "billingType"), billing, AM_ERR_LINK_BILLING_TYPE,
                           AM_TXT_LINK_BILLING_TYPE, resp, &c.billing_type);
    if (r != 0)
        goto out;
    /* A link without a value lets the payer choose it. */
    v = cJSON_GetObjectItemCaseSensitive(link, "value");
    if (am_money_from_json(cJSON_IsNumber(v) ? v : am_input_field(j, "value"), &c.value_cents) < 0 ||
        c.value_cents <= 0) {
        r = fail(resp, AM_ERR_LINK_VALUE, AM_TXT_LINK_VALUE);
        goto out;
    }
    c.installments = 1;
    max = am_link_int(link, "maxInstallmentCount", 1);
    v = am_input_field(j, "installmentCount");
    if (c.charge_type && strcmp(c.charge_type, "INSTALLMENT") == 0 && v &&
        am_input_int(v, 1, max, &c.installments) < 0) {
        r = fail(resp, AM_ERR_LINK_INSTALLMENT_COUNT, AM_TXT_LINK_INSTALLMENT_COUNT);
        goto out;
    }
    r = payer_customer(ctx, req, j, NULL, resp, customer, sizeof(customer));
    if (r != 0)
        goto out;
    am_billing_set_origin(ctx->account->billing, id, NULL);
    r = payer_charge(ctx, req, j, customer, &c, resp, &made);
    am_billing_set_origin(ctx->account->billing, NULL, NULL);
    if (r == 0) {
        am_link_count_view(link); /* the payer opened the page */
        r = am_api_answer_json(resp, made);
    }
out:
    cJSON_Delete(j);
    return am_input_done(r);
}

int am_api_sandbox_checkout_pay(struct am_ctx *ctx, const char *id, const struct am_request *req,
                                struct am_response *resp)
{
    static const char *const billing[] = {"CREDIT_CARD", "PIX", NULL};
    struct payer_charge c = {0};
    const char *bt_set[3] = {NULL, NULL, NULL}, *ct_set[4] = {NULL, NULL, NULL, NULL};
    const cJSON *types, *it, *sub, *inst;
    char customer[64];
    cJSON *co, *j = NULL, *made = NULL;
    size_t k = 0;
    long max = 1;
    int r;

    if (!ready(ctx))
        return -EINVAL;
    r = find_checkout(ctx, id, resp, &co);
    if (r != 0)
        return am_input_done(r);
    r = am_api_parse_body(req, resp, true, &j);
    if (r != 0)
        return am_input_done(r);
    if (strcmp(am_link_str(co, "status"), "ACTIVE") != 0) {
        r = fail(resp, AM_ERR_CHECKOUT_ACTION, AM_TXT_CHECKOUT_NOT_ACTIVE);
        goto out;
    }
    types = cJSON_GetObjectItemCaseSensitive(co, "billingTypes");
    cJSON_ArrayForEach(it, types)
    {
        if (k < 2 && cJSON_IsString(it) && one_of(it->valuestring, billing))
            bt_set[k++] = it->valuestring;
    }
    r = payer_billing_type(j, k == 1 ? bt_set[0] : NULL, bt_set, AM_ERR_CHECKOUT_BILLING_TYPE,
                           AM_TXT_CHECKOUT_BILLING_TYPE, resp, &c.billing_type);
    if (r != 0)
        goto out;
    k = 0;
    types = cJSON_GetObjectItemCaseSensitive(co, "chargeTypes");
    cJSON_ArrayForEach(it, types)
    {
        if (k < 3 && cJSON_IsString(it))
            ct_set[k++] = it->valuestring;
    }
    if (am_input_str(j, "chargeType", &c.charge_type, NULL) < 0)
        c.charge_type = "";
    else if (!c.charge_type && k == 1)
        c.charge_type = ct_set[0];
    if (!c.charge_type || !one_of(c.charge_type, ct_set)) {
        r = fail(resp, AM_ERR_CHECKOUT_CHARGE_TYPE, AM_TXT_CHECKOUT_CHARGE_TYPE);
        goto out;
    }
    c.value_cents = am_checkout_total_cents(co);
    c.due_day = am_api_today(ctx);
    c.installments = 1;
    sub = cJSON_GetObjectItemCaseSensitive(co, "subscription");
    if (strcmp(c.charge_type, "RECURRENT") == 0) {
        c.cycle = am_link_str(sub, "cycle");
        c.end_date = am_link_str(sub, "endDate");
        if (am_link_str(sub, "nextDueDate"))
            am_cal_parse_day(am_link_str(sub, "nextDueDate"), &c.due_day);
    }
    inst = cJSON_GetObjectItemCaseSensitive(co, "installment");
    if (cJSON_IsObject(inst))
        max = am_link_int(inst, "maxInstallmentCount", 1);
    if (strcmp(c.charge_type, "INSTALLMENT") == 0 && am_input_field(j, "installmentCount") &&
        am_input_int(am_input_field(j, "installmentCount"), 1, max, &c.installments) < 0) {
        r = fail(resp, AM_ERR_LINK_INSTALLMENT_COUNT, AM_TXT_LINK_INSTALLMENT_COUNT);
        goto out;
    }
    r = payer_customer(ctx, req, j, cJSON_GetObjectItemCaseSensitive(co, "customerData"), resp,
                       customer, sizeof(customer));
    if (r != 0)
        goto out;
    am_billing_set_origin(ctx->account->billing, NULL, id);
    r = payer_charge(ctx, req, j, customer, &c, resp, &made);
    am_billing_set_origin(ctx->account->billing, NULL, NULL);
    if (r == 0)
        r = am_checkout_move(ctx->account->billing, co, "PAID", ctx->now);
    if (r == 0)
        r = am_api_answer_json(resp, made);
    else
        cJSON_Delete(made);
out:
    cJSON_Delete(j);
    return am_input_done(r);
}
