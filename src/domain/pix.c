/* pix.c - Pix keys, static QR codes and Pix transactions (see pix.h). */
#include "pix.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "clock.h"
#include "customers.h"
#include "ids.h"
#include "json_text.h"
#include "money.h"
#include "pix_auto.h"
#include "pix_json.h"
#include "qrpng.h"
#include "records.h"
#include "registry.h"

#define QR_SCALE 4

/* A value fixed by a name: ids seeded from its FNV-1a hash. */
static void derived_uuid(const char *a, const char *b, char out[37])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    struct am_ids ids;

    for (const char *s = a; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    for (const char *s = b; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    am_ids_init(&ids, h);
    am_ids_uuid(&ids, out);
}

/* ---- keys --------------------------------------------------------------------------- */

static cJSON *key_new(const char *id, const char *key, int64_t created_at, bool from_api)
{
    cJSON *o = cJSON_CreateObject();

    if (!o || !am_pix_set_str(o, "id", id) || !am_pix_set_str(o, "key", key) || !am_pix_set_str(o, "type", "EVP") ||
        !am_pix_set_str(o, "status", "ACTIVE") || !am_pix_set_datetime(o, "dateCreated", created_at) ||
        !am_pix_set_bool(o, "canBeDeleted", true) || !am_pix_set_str(o, "cannotBeDeletedReason", NULL) ||
        (from_api && !am_pix_set_num(o, "_createdAt", (double)created_at))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int am_pix_init(struct am_records *r, const char *account_id)
{
    char id[37], key[37];
    int64_t created;
    cJSON *o;

    if (!r || !account_id)
        return -EINVAL;
    if (am_records_doc(r, "pix"))
        return 0;
    derived_uuid("pix-key-id:", account_id, id);
    derived_uuid("pix-key-evp:", account_id, key);
    if (am_clock_parse_datetime(AM_PIX_INITIAL_KEY_CREATED, &created) < 0)
        return -EINVAL;
    o = key_new(id, key, created, false);
    if (!o || am_records_add(r, AM_PIX_KEYS, o) < 0)
        return -ENOMEM;
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddTrueToObject(o, "initialKey")) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    return am_records_set_doc(r, "pix", o);
}

static bool key_is(const cJSON *k, const char *status)
{
    return am_pix_is(k, "status", status);
}

bool am_pix_has_active_key(struct am_records *r)
{
    if (!am_records_doc(r, "pix"))
        return true;
    return am_pix_key_first_active(r) != NULL;
}

struct cJSON *am_pix_key_first_active(struct am_records *r)
{
    size_t n = am_records_count(r, AM_PIX_KEYS);

    for (size_t i = 0; i < n; i++) {
        cJSON *k = am_records_at(r, AM_PIX_KEYS, i);

        if (key_is(k, "ACTIVE"))
            return k;
    }
    return NULL;
}

struct cJSON *am_pix_key_by_value(struct am_records *r, const char *key)
{
    size_t n = am_records_count(r, AM_PIX_KEYS);

    for (size_t i = 0; key && i < n; i++) {
        cJSON *k = am_records_at(r, AM_PIX_KEYS, i);
        const char *v = am_pix_str(k, "key");

        if (v && strcmp(v, key) == 0)
            return k;
    }
    return NULL;
}

int am_pix_key_create(struct am_records *r, const char *account_id, struct am_ids *ids,
                      int64_t now, struct cJSON **ret)
{
    size_t n, live = 0;
    int64_t last = INT64_MIN;
    char id[37], key[37];
    cJSON *o;
    int rc = am_pix_init(r, account_id);

    if (rc < 0)
        return rc;
    n = am_records_count(r, AM_PIX_KEYS);
    for (size_t i = 0; i < n; i++) {
        cJSON *k = am_records_at(r, AM_PIX_KEYS, i);
        int64_t t = am_pix_num(k, "_createdAt", INT64_MIN);

        if (!key_is(k, "DELETED"))
            live++;
        if (t > last)
            last = t;
    }
    if (live >= AM_PIX_KEYS_MAX)
        return -ENOSPC;
    if (last != INT64_MIN && now - last < AM_PIX_KEY_INTERVAL_SECONDS && now >= last)
        return -EAGAIN;
    am_ids_uuid(ids, id);
    am_ids_uuid(ids, key);
    o = key_new(id, key, now, true);
    if (!o || am_records_add(r, AM_PIX_KEYS, o) < 0)
        return -ENOMEM;
    if (ret)
        *ret = o;
    return 0;
}

int am_pix_key_delete(struct cJSON *key, int64_t now)
{
    if (!key_is(key, "ACTIVE"))
        return -EPERM;
    if (!am_pix_set_str(key, "status", "AWAITING_DELETION") || !am_pix_set_bool(key, "canBeDeleted", false) ||
        !am_pix_set_str(key, "cannotBeDeletedReason", AM_TXT_PIX_KEY_AWAITING_DELETION) ||
        !am_pix_set_num(key, "_deletedAt", (double)now))
        return -ENOMEM;
    return 0;
}

static char *static_payload(const char *key, const char *description, int64_t cents,
                            const char *txid)
{
    return am_brcode_static_payload(key, description, cents, txid, AM_PIX_MERCHANT_NAME,
                                    AM_PIX_MERCHANT_CITY);
}

/* {"encodedImage":..,"payload":..}; either may be left null. */
static cJSON *qr_pair(const char *payload, bool image, bool text)
{
    cJSON *o = cJSON_CreateObject();
    char *png = image && payload ? am_qrpng_base64(payload, QR_SCALE) : NULL;
    bool ok = o && (!image || png) && am_pix_set_str(o, "encodedImage", png) &&
              am_pix_set_str(o, "payload", text ? payload : NULL);

    free(png);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct cJSON *am_pix_key_to_json(const struct cJSON *key)
{
    cJSON *o = am_records_public(key), *qr = NULL;
    char *payload = NULL;

    if (!o)
        return NULL;
    if (key_is(key, "ACTIVE")) {
        payload = static_payload(am_pix_str(key, "key"), NULL, 0, "***");
    }
    qr = payload ? qr_pair(payload, true, true) : cJSON_CreateNull();
    free(payload);
    if (!qr || !cJSON_AddItemToObject(o, "qrCode", qr)) {
        cJSON_Delete(qr);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- static QR codes ---------------------------------------------------------------- */

static const char *const format_names[] = {"ALL", "IMAGE", "PAYLOAD"};

int am_pix_qr_create(struct am_records *r, struct am_ids *ids, const struct am_pix_qr_spec *s,
                     int64_t now, struct cJSON **ret)
{
    char hex[33], txid[26];
    char *payload = NULL;
    cJSON *o = NULL;
    int rc = -ENOMEM;

    if (!r || !ids || !s || !s->key || s->value_cents < 0)
        return -EINVAL;
    for (int i = 0; i < 4; i++)
        snprintf(hex + i * 8, 9, "%08x", (unsigned)(am_ids_next(ids) & 0xffffffffu));
    memcpy(txid, hex, 25);
    txid[25] = '\0';
    payload = static_payload(s->key, s->description, s->value_cents, txid);
    if (!payload)
        return -EINVAL;
    o = cJSON_CreateObject();
    if (!o || !am_pix_set_str(o, "id", hex) || !am_pix_set_str(o, "payload", payload) ||
        !am_pix_set_bool(o, "allowsMultiplePayments", s->allows_multiple_payments) ||
        !(s->expires_at ? am_pix_set_datetime(o, "expirationDate", s->expires_at)
                        : am_pix_set_str(o, "expirationDate", NULL)) ||
        !am_pix_set_str(o, "externalReference", s->external_reference) ||
        !am_pix_set_str(o, "description", s->description) || !am_pix_set_str(o, "_key", s->key) ||
        !am_pix_set_str(o, "_txid", txid) || !am_pix_set_money(o, "_value", s->value_cents) ||
        !am_pix_set_str(o, "_format", format_names[s->format]) ||
        !am_pix_set_num(o, "_expiresAt", (double)s->expires_at) || !am_pix_set_num(o, "_paid", 0) ||
        !am_pix_set_num(o, "_createdAt", (double)now) || !am_pix_set_bool(o, "_deleted", false))
        goto out;
    rc = am_records_add(r, AM_PIX_QRCODES, o);
    o = NULL;
    if (rc == 0 && ret)
        *ret = am_records_find(r, AM_PIX_QRCODES, hex);
out:
    free(payload);
    cJSON_Delete(o);
    return rc < 0 && rc != -EEXIST ? rc : (rc == -EEXIST ? -ENOMEM : 0);
}

struct cJSON *am_pix_qr_by_txid(struct am_records *r, const char *txid)
{
    size_t n = am_records_count(r, AM_PIX_QRCODES);

    for (size_t i = 0; txid && *txid && i < n; i++) {
        cJSON *q = am_records_at(r, AM_PIX_QRCODES, i);
        const char *t = am_pix_str(q, "_txid");

        if (t && strcmp(t, txid) == 0)
            return q;
    }
    return NULL;
}

const char *am_pix_qr_unpayable(const struct cJSON *qr, int64_t now)
{
    int64_t exp = am_pix_num(qr, "_expiresAt", 0);

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qr, "_deleted")))
        return AM_TXT_PIX_QR_DELETED;
    if (exp && now > exp)
        return AM_TXT_PIX_QR_EXPIRED;
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qr, "allowsMultiplePayments")) &&
        am_pix_num(qr, "_paid", 0) > 0)
        return AM_TXT_PIX_QR_ALREADY_PAID;
    return NULL;
}

void am_pix_qr_delete(struct cJSON *qr)
{
    am_pix_set_bool(qr, "_deleted", true);
}

struct cJSON *am_pix_qr_to_json(const struct cJSON *qr)
{
    const char *fmt = am_pix_str(qr, "_format");
    bool image = !fmt || strcmp(fmt, "PAYLOAD") != 0;
    bool text = !fmt || strcmp(fmt, "IMAGE") != 0;
    cJSON *pair = qr_pair(am_pix_str(qr, "payload"), image, text);
    cJSON *pub = am_records_public(qr), *o = cJSON_CreateObject();
    bool ok = pair && pub && o && am_pix_set_str(o, "id", am_pix_str(qr, "id"));

    /* Asaas's order: id, encodedImage, payload, then the rest. */
    if (ok) {
        cJSON *img = cJSON_DetachItemFromObjectCaseSensitive(pair, "encodedImage");
        cJSON *pl = cJSON_DetachItemFromObjectCaseSensitive(pair, "payload");

        ok = img && pl && cJSON_AddItemToObject(o, "encodedImage", img) &&
             cJSON_AddItemToObject(o, "payload", pl);
        if (!ok) {
            cJSON_Delete(img);
            cJSON_Delete(pl);
        }
    }
    for (const char *const *k = (const char *const[]){"allowsMultiplePayments",
                                                      "expirationDate", "externalReference",
                                                      "description", NULL};
         ok && *k; k++) {
        cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(pub, *k);

        ok = v && cJSON_AddItemToObject(o, *k, v);
        if (!ok)
            cJSON_Delete(v);
    }
    cJSON_Delete(pair);
    cJSON_Delete(pub);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- resolving a payload ------------------------------------------------------------ */

/* The account owning the ACTIVE key, initial keys included (derived, not written). */
static struct am_account *owner_of_key(struct am_registry *reg, const char *key)
{
    size_t n = am_registry_count(reg);

    for (size_t i = 0; key && *key && i < n; i++) {
        struct am_account *a = am_registry_account_at(reg, i);
        cJSON *k;

        if (!a->records)
            continue;
        if (!am_records_doc(a->records, "pix")) {
            char initial[37];

            derived_uuid("pix-key-evp:", a->id, initial);
            if (strcmp(initial, key) == 0)
                return a;
            continue;
        }
        k = am_pix_key_by_value(a->records, key);
        if (k && key_is(k, "ACTIVE"))
            return a;
    }
    return NULL;
}

int am_pix_resolve(struct am_registry *reg, const char *payload, struct am_pix_target *ret)
{
    static const char cobv[] = "/qr/cobv/", rec[] = "/qr/rec/";
    const char *p;

    memset(ret, 0, sizeof(*ret));
    if (am_brcode_parse(payload, &ret->info) < 0)
        return -EINVAL;
    p = strstr(ret->info.url, cobv);
    if (p) {
        char id[AM_PAYMENT_ID_MAX];
        size_t n = am_registry_count(reg);

        snprintf(id, sizeof(id), "pay_%s", p + sizeof(cobv) - 1);
        for (size_t i = 0; i < n; i++) {
            struct am_account *a = am_registry_account_at(reg, i);
            struct am_payment *pay = a->billing ? am_billing_payment_find(a->billing, id) : NULL;

            if (pay) {
                ret->kind = AM_PIX_TARGET_CHARGE;
                ret->receiver = a;
                ret->payment = pay;
                return 0;
            }
        }
        return -ENOENT;
    }
    p = strstr(ret->info.url, rec);
    if (p) {
        size_t n = am_registry_count(reg);

        for (size_t i = 0; i < n; i++) {
            struct am_account *a = am_registry_account_at(reg, i);
            cJSON *auth = a->records ? am_pix_auth_find(a->records, p + sizeof(rec) - 1) : NULL;

            if (auth) {
                ret->kind = AM_PIX_TARGET_AUTHORIZATION;
                ret->receiver = a;
                ret->auth = auth;
                return 0;
            }
        }
        return -ENOENT;
    }
    ret->receiver = owner_of_key(reg, ret->info.key);
    if (!ret->receiver) {
        ret->kind = AM_PIX_TARGET_EXTERNAL;
        return 0;
    }
    ret->kind = AM_PIX_TARGET_KEY;
    ret->qr = am_pix_qr_by_txid(ret->receiver->records, ret->info.txid);
    return 0;
}

const char *am_pix_target_refusal(const struct am_pix_target *t, int64_t value_cents,
                                  int64_t now)
{
    if (t->kind == AM_PIX_TARGET_CHARGE) {
        const struct am_payment *p = t->payment;

        if (p->deleted || (p->status != AM_PAY_PENDING && p->status != AM_PAY_OVERDUE))
            return AM_TXT_PIX_CHARGE_NOT_PAYABLE;
        if (value_cents != p->value_cents)
            return AM_TXT_PIX_VALUE_DIFFERS;
        return NULL;
    }
    if (t->kind == AM_PIX_TARGET_AUTHORIZATION) {
        const char *why = am_pix_auth_unpayable(t->auth, now);

        if (why)
            return why;
        return value_cents != am_pix_auth_qr_value(t->auth) ? AM_TXT_PIX_VALUE_DIFFERS : NULL;
    }
    if (t->qr) {
        const char *why = am_pix_qr_unpayable(t->qr, now);

        if (why)
            return why;
    }
    if (t->info.amount_cents > 0 && value_cents != t->info.amount_cents)
        return AM_TXT_PIX_VALUE_DIFFERS;
    return NULL;
}

/* ---- transactions ------------------------------------------------------------------- */

const char *const am_pix_tx_statuses[] = {
    "AWAITING_BALANCE_VALIDATION", "AWAITING_INSTANT_PAYMENT_ACCOUNT_BALANCE",
    "AWAITING_CRITICAL_ACTION_AUTHORIZATION", "AWAITING_CHECKOUT_RISK_ANALYSIS_REQUEST",
    "AWAITING_CASH_IN_RISK_ANALYSIS_REQUEST", "SCHEDULED", "AWAITING_REQUEST", "REQUESTED",
    "DONE", "REFUSED", "CANCELLED", NULL};
const char *const am_pix_tx_types[] = {"DEBIT", "CREDIT", "CREDIT_REFUND", "DEBIT_REFUND",
                                       "DEBIT_REFUND_CANCELLATION", NULL};

int am_pix_name_index(const char *const *names, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

uint32_t am_pix_tx_tag(const struct cJSON *tx)
{
    int s = am_pix_name_index(am_pix_tx_statuses, am_pix_str(tx, "status"));
    int t = am_pix_name_index(am_pix_tx_types, am_pix_str(tx, "type"));

    /* Unknown values (never written by the mock) match no filter value: 15 and 7. */
    return 1u + (uint32_t)(s < 0 ? 15 : s) * 8u + (uint32_t)(t < 0 ? 7 : t);
}

/* After a change of tx's status: its tag follows. */
static void retag(struct am_records *r, const cJSON *tx)
{
    am_records_set_tag(r, AM_PIX_TRANSACTIONS, am_pix_str(tx, "id"), am_pix_tx_tag(tx));
}

/* "E" + Asaas's ISPB + yyyyMMddHHmm + 11 alphanumerics: 32 characters. */
static void end_to_end(struct am_ids *ids, int64_t now, char out[33])
{
    char day[11], tm[20], tail[12];

    am_clock_format_datetime(now, tm);
    memcpy(day, tm, 10);
    day[10] = '\0';
    am_ids_alnum(ids, "", 11, tail);
    snprintf(out, 33, "E%s%.4s%.2s%.2s%.2s%.2s%s", AM_PIX_ASAAS_ISPB, day, day + 5, day + 8,
             tm + 11, tm + 14, tail);
}

static const char *key_type_of(const char *key)
{
    return key && strlen(key) == 36 && key[8] == '-' ? "EVP" : NULL;
}

/* A transaction object in Asaas's field order; status and dates set by the caller. */
static cJSON *tx_new(struct am_ids *ids, const char *e2e, const char *type,
                     const char *origin, const struct am_pix_target *t, int64_t value,
                     const char *description, int64_t now)
{
    char id[37];
    cJSON *o = cJSON_CreateObject(), *ext = cJSON_CreateObject(), *qr = cJSON_CreateObject();
    const char *key = t->info.key[0] ? t->info.key : NULL;
    const char *name = t->receiver ? t->receiver->name : (t->info.name[0] ? t->info.name : NULL);
    bool ok;

    am_ids_uuid(ids, id);
    ok = o && ext && qr && am_pix_set_str(ext, "ispb", AM_PIX_ASAAS_ISPB) &&
         am_pix_set_str(ext, "ispbName", AM_PIX_ASAAS_ISPB_NAME) && am_pix_set_str(ext, "name", name) &&
         am_pix_set_str(ext, "cpfCnpj", NULL) && am_pix_set_str(ext, "addressKey", key) &&
         am_pix_set_str(ext, "addressKeyType", key_type_of(key)) &&
         am_pix_set_str(qr, "payer", NULL) &&
         am_pix_set_str(qr, "conciliationIdentifier", t->info.txid[0] ? t->info.txid : NULL) &&
         (t->info.amount_cents > 0 ? am_pix_set_money(qr, "originalValue", t->info.amount_cents)
                                   : am_pix_set_str(qr, "originalValue", NULL)) &&
         am_pix_set_str(qr, "dueDate", NULL) && am_pix_set_money(qr, "interest", 0) &&
         am_pix_set_money(qr, "fine", 0) && am_pix_set_money(qr, "discount", 0) &&
         am_pix_set_str(qr, "expirationDate", NULL) &&
         am_pix_set_str(qr, "description", t->info.description[0] ? t->info.description : NULL);
    ok = ok && am_pix_set_str(o, "id", id) && am_pix_set_str(o, "endToEndIdentifier", e2e) &&
         am_pix_set_str(o, "finality", NULL) && am_pix_set_money(o, "value", value) &&
         am_pix_set_str(o, "changeValue", NULL) && am_pix_set_money(o, "refundedValue", 0) &&
         am_pix_set_str(o, "effectiveDate", NULL) && am_pix_set_str(o, "scheduledDate", NULL) &&
         am_pix_set_str(o, "status", "AWAITING_REQUEST") && am_pix_set_str(o, "type", type) &&
         am_pix_set_str(o, "originType", origin) &&
         am_pix_set_str(o, "conciliationIdentifier", t->info.txid[0] ? t->info.txid : NULL) &&
         am_pix_set_str(o, "description", description) && am_pix_set_str(o, "transactionReceiptUrl", NULL) &&
         am_pix_set_str(o, "refusalReason", NULL) && am_pix_set_bool(o, "canBeCanceled", false) &&
         am_pix_set_str(o, "originalTransaction", NULL);
    if (ok) {
        ok = cJSON_AddItemToObject(o, "externalAccount", ext);
        ext = ok ? NULL : ext;
    }
    if (ok) {
        ok = cJSON_AddItemToObject(o, "qrCode", qr);
        qr = ok ? NULL : qr;
    }
    ok = ok && am_pix_set_str(o, "payment", NULL) && am_pix_set_bool(o, "canBeRefunded", false) &&
         am_pix_set_str(o, "refundDisabledReason", NULL) && am_pix_set_money(o, "chargedFeeValue", 0) &&
         am_pix_set_datetime(o, "dateCreated", now) && am_pix_set_str(o, "addressKey", key) &&
         am_pix_set_str(o, "addressKeyType", key_type_of(key)) && am_pix_set_str(o, "transferId", NULL) &&
         am_pix_set_str(o, "externalReference", NULL) && am_pix_set_num(o, "_createdAt", (double)now);
    cJSON_Delete(ext);
    cJSON_Delete(qr);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static const char *origin_of(const struct am_pix_target *t)
{
    if (t->kind == AM_PIX_TARGET_AUTHORIZATION)
        return "AUTOMATIC_RECURRING";
    if (t->kind == AM_PIX_TARGET_CHARGE)
        return "DYNAMIC_QRCODE";
    return t->info.is_static ? "STATIC_QRCODE" : "DYNAMIC_QRCODE";
}

/* A valid CPF derived from the payer account's id: Asaas creates the customer with the
 * payer's document, and customers must have one (snapshots refuse them otherwise). */
static void payer_cpf(const char *account_id, char out[12])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int sum, d;

    for (const char *s = account_id; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    /* 9 base digits, the first never repeated 9 times (1xxxxxxx2 pattern). */
    snprintf(out, 12, "1%07u2", (unsigned)(h % 10000000u));
    for (int k = 9; k <= 10; k++) {
        sum = 0;
        for (int i = 0; i < k; i++)
            sum += (out[i] - '0') * (k + 1 - i);
        d = (sum * 10) % 11;
        out[k] = (char)('0' + (d == 10 ? 0 : d));
    }
    out[11] = '\0';
}

/* A customer of the receiver standing for the payer (found by document, else created). */
static int payer_customer(struct am_account *rcv, struct am_ids *ids,
                          const struct am_account *payer, int64_t now,
                          char out[AM_CUSTOMER_ID_MAX])
{
    size_t n = am_customer_store_count(rcv->customers);
    const char *name = payer->name[0] ? payer->name : payer->id;
    struct am_customer *c;
    char cpf[12];
    int r;

    payer_cpf(payer->id, cpf);
    for (size_t i = 0; i < n; i++) {
        c = am_customer_store_at(rcv->customers, i);
        if (!c->deleted && strcmp(c->cpf_cnpj, cpf) == 0) {
            snprintf(out, AM_CUSTOMER_ID_MAX, "%s", c->id);
            return 0;
        }
    }
    c = am_customer_new();
    if (!c)
        return -ENOMEM;
    c->created_at = now;
    c->name = strdup(name);
    memcpy(c->cpf_cnpj, cpf, sizeof(cpf));
    do {
        am_ids_customer(ids, c->id);
    } while (am_customer_store_find(rcv->customers, c->id));
    snprintf(out, AM_CUSTOMER_ID_MAX, "%s", c->id);
    if (!c->name) {
        am_customer_free(c);
        return -ENOMEM;
    }
    r = am_customer_store_insert(rcv->customers, c);
    return r;
}

/* The receiver's side of a settled debit: the charge received and a CREDIT
 * transaction. */
static int credit_receiver(struct am_account *payer, struct am_ids *ids,
                           const struct am_pix_target *t, const char *e2e, int64_t value,
                           int64_t now)
{
    struct am_account *rcv = t->receiver;
    struct am_payment *p = t->payment;
    cJSON *tx;
    int r = 0;

    if (t->kind == AM_PIX_TARGET_EXTERNAL || !rcv || !rcv->billing || !rcv->records)
        return 0;
    if (t->kind == AM_PIX_TARGET_KEY || t->kind == AM_PIX_TARGET_AUTHORIZATION) {
        struct am_payment_spec spec;
        char cus[AM_CUSTOMER_ID_MAX];

        if (t->kind == AM_PIX_TARGET_AUTHORIZATION)
            snprintf(cus, sizeof(cus), "%s", am_pix_str(t->auth, "customerId"));
        else
            r = payer_customer(rcv, ids, payer, now, cus);
        if (t->kind == AM_PIX_TARGET_KEY && r < 0)
            return r;
        am_payment_spec_init(&spec);
        spec.customer = cus;
        spec.billing_type = AM_BILLING_PIX;
        spec.value_cents = value;
        spec.due_day = am_cal_day_of(now);
        spec.description = t->qr ? am_pix_str(t->qr, "description") : NULL;
        spec.external_reference = t->qr ? am_pix_str(t->qr, "externalReference") : NULL;
        r = am_billing_payment_create(rcv->billing, ids, &spec, now, &p);
        if (r < 0)
            return r;
        if (t->qr)
            am_pix_set_num(t->qr, "_paid", (double)(am_pix_num(t->qr, "_paid", 0) + 1));
        if (t->auth) {
            r = am_pix_auth_activate(rcv, ids, t->auth, now);
            if (r < 0)
                return r;
        }
    }
    r = am_billing_payment_confirm(rcv->billing, p, now);
    if (r < 0)
        return r;
    tx = tx_new(ids, e2e, "CREDIT", origin_of(t), t, value, NULL, now);
    if (!tx || !am_pix_set_str(tx, "status", "DONE") || !am_pix_set_datetime(tx, "effectiveDate", now) ||
        !am_pix_set_str(tx, "payment", p->id)) {
        cJSON_Delete(tx);
        return -ENOMEM;
    }
    r = am_records_add(rcv->records, AM_PIX_TRANSACTIONS, tx);
    if (r == 0)
        retag(rcv->records, tx);
    return r;
}

/* Debits the payer and credits the receiver; DONE. -ENOSPC when the balance is short. */
static int settle(struct am_account *payer, struct am_ids *ids, cJSON *tx,
                  const struct am_pix_target *t, int64_t now)
{
    int64_t value = 0;
    const char *id = am_pix_str(tx, "id"), *e2e = am_pix_str(tx, "endToEndIdentifier");
    char desc[160];
    int r;

    if (am_money_from_json(cJSON_GetObjectItemCaseSensitive(tx, "value"), &value) < 0)
        return -EINVAL;
    if (am_billing_balance(payer->billing) < value)
        return -ENOSPC;
    snprintf(desc, sizeof(desc), "Transação Pix para %s",
             t->receiver ? t->receiver->name : (t->info.name[0] ? t->info.name : "chave Pix"));
    r = am_billing_ledger_append_ref(payer->billing, AM_LEDGER_PIX_TRANSACTION_DEBIT, -value,
                                     am_cal_day_of(now), now, desc, NULL, "pixTransactionId",
                                     id);
    if (r < 0)
        return r;
    if (!am_pix_set_str(tx, "status", "DONE") || !am_pix_set_datetime(tx, "effectiveDate", now) ||
        !am_pix_set_bool(tx, "canBeCanceled", false))
        return -ENOMEM;
    return credit_receiver(payer, ids, t, e2e, value, now);
}

int am_pix_pay(struct am_account *payer, struct am_ids *ids, const struct am_pix_pay_spec *s,
               const struct am_pix_target *t, int64_t now, struct cJSON **ret)
{
    char e2e[33];
    cJSON *tx;
    bool later = s->schedule_day != AM_NO_DAY && s->schedule_day > am_cal_day_of(now);
    int r;

    if (!later && am_billing_balance(payer->billing) < s->value_cents)
        return -ENOSPC;
    end_to_end(ids, now, e2e);
    tx = tx_new(ids, e2e, "DEBIT", origin_of(t), t, s->value_cents, s->description, now);
    if (!tx || !am_pix_set_str(tx, "_payload", s->payload)) {
        cJSON_Delete(tx);
        return -ENOMEM;
    }
    if (later && (!am_pix_set_day(tx, "scheduledDate", s->schedule_day) ||
                  !am_pix_set_str(tx, "status", "SCHEDULED") || !am_pix_set_bool(tx, "canBeCanceled", true) ||
                  !am_pix_set_num(tx, "_day", (double)s->schedule_day))) {
        cJSON_Delete(tx);
        return -ENOMEM;
    }
    r = am_records_add(payer->records, AM_PIX_TRANSACTIONS, tx);
    if (r < 0)
        return r;
    if (!later)
        r = settle(payer, ids, tx, t, now);
    retag(payer->records, tx);
    if (r < 0)
        return r;
    if (ret)
        *ret = tx;
    return 0;
}

int am_pix_transaction_cancel(struct am_records *r, struct cJSON *tx, int64_t now)
{
    (void)now;
    if (!key_is(tx, "SCHEDULED"))
        return -EPERM;
    if (!am_pix_set_str(tx, "status", "CANCELLED") || !am_pix_set_bool(tx, "canBeCanceled", false))
        return -ENOMEM;
    retag(r, tx);
    return 0;
}

struct cJSON *am_pix_transaction_to_json(const struct cJSON *tx)
{
    return am_records_public(tx);
}

/* ---- daily job ---------------------------------------------------------------------- */

static int run_scheduled(struct am_account *a, struct am_ids *ids, cJSON *tx, int64_t now)
{
    struct am_pix_target t;
    const char *why = NULL;
    int64_t value = 0;
    int r;

    am_money_from_json(cJSON_GetObjectItemCaseSensitive(tx, "value"), &value);
    r = a->registry ? am_pix_resolve(a->registry, am_pix_str(tx, "_payload"), &t) : -ENOENT;
    if (r < 0)
        why = AM_TXT_PIX_REFUSED_DESTINATION;
    else
        why = am_pix_target_refusal(&t, value, now);
    if (!why) {
        r = settle(a, ids, tx, &t, now);
        if (r == -ENOSPC)
            why = AM_TXT_PIX_REFUSED_BALANCE;
        else if (r < 0)
            return r;
    }
    if (why && (!am_pix_set_str(tx, "status", "REFUSED") || !am_pix_set_str(tx, "refusalReason", why) ||
                !am_pix_set_bool(tx, "canBeCanceled", false)))
        return -ENOMEM;
    retag(a->records, tx);
    return 0;
}

int am_pix_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    size_t n;
    int r;

    if (!a || !a->records || !a->billing)
        return 0;
    n = am_records_count(a->records, AM_PIX_KEYS);
    for (size_t i = 0; i < n; i++) {
        cJSON *k = am_records_at(a->records, AM_PIX_KEYS, i);

        if (key_is(k, "AWAITING_DELETION") &&
            am_cal_day_of((int64_t)am_pix_num(k, "_deletedAt", 0)) < day &&
            (!am_pix_set_str(k, "status", "DELETED") ||
             !am_pix_set_str(k, "cannotBeDeletedReason", AM_TXT_PIX_KEY_DELETED)))
            return -ENOMEM;
    }
    /* Settling may add CREDIT transactions to this same store: walk the count first. */
    n = am_records_count(a->records, AM_PIX_TRANSACTIONS);
    for (size_t i = 0; i < n; i++) {
        cJSON *tx = am_records_at(a->records, AM_PIX_TRANSACTIONS, i);

        if (key_is(tx, "SCHEDULED") && am_pix_num(tx, "_day", AM_NO_DAY) <= day) {
            r = run_scheduled(a, ids, tx, now);
            if (r < 0)
                return r;
        }
    }
    return 0;
}
