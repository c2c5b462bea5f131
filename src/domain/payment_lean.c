/* payment_lean.c - the summary shape of a payment (see payment_lean.h). */
#include "payment_lean.h"

#include <cjson/cJSON.h>
#include <string.h>

/* Summary key <- full key, in the summary's key order (spec schema order). */
static const struct {
    const char *lean;
    const char *full;
    bool when_present; /* only when the full object has the key (per billing type) */
} map[] = {
    {"object", "object", false},
    {"id", "id", false},
    {"dateCreated", "dateCreated", false},
    {"customerId", "customer", false},
    {"subscriptionId", "subscription", false},
    {"installmentId", "installment", false},
    {"paymentLinkId", "paymentLink", false},
    {"value", "value", false},
    {"netValue", "netValue", false},
    {"originalValue", "originalValue", false},
    {"interestValue", "interestValue", false},
    {"description", "description", false},
    {"billingType", "billingType", false},
    {"canBePaidAfterDueDate", "canBePaidAfterDueDate", true},
    {"confirmedDate", "confirmedDate", true},
    {"pixTransactionId", "pixTransaction", false},
    {"status", "status", false},
    {"dueDate", "dueDate", false},
    {"originalDueDate", "originalDueDate", false},
    {"paymentDate", "paymentDate", false},
    {"customerPaymentDate", "clientPaymentDate", false},
    {"installmentNumber", "installmentNumber", false},
    {"externalReference", "externalReference", false},
    {"deleted", "deleted", false},
    {"anticipated", "anticipated", false},
    {"anticipable", "anticipable", false},
    {"creditDate", "creditDate", false},
    {"transactionReceiptUrl", "transactionReceiptUrl", false},
    {"duplicatedPaymentId", "duplicatedPayment", false},
};

/* Adds name: the listed members of src (missing ones as null) to dst. */
static bool copy_members(cJSON *dst, const char *name, const cJSON *src, const char *const *keys,
                         size_t n)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return false;
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, keys[i]);
        cJSON *c = v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();

        if (!c || !cJSON_AddItemToObject(o, keys[i], c)) {
            cJSON_Delete(c);
            cJSON_Delete(o);
            return false;
        }
    }
    if (!cJSON_AddItemToObject(dst, name, o)) {
        cJSON_Delete(o);
        return false;
    }
    return true;
}

static bool add_terms(cJSON *o, const cJSON *full)
{
    static const char *const discount[] = {"value", "dueDateLimitDays", "type"};
    static const char *const value[] = {"value"};
    static const char *const names[] = {"discount", "fine", "interest"};

    for (size_t i = 0; i < 3; i++) {
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(full, names[i]);

        if (!cJSON_IsObject(src)) {
            if (!cJSON_AddNullToObject(o, names[i]))
                return false;
            continue;
        }
        if (!copy_members(o, names[i], src, i == 0 ? discount : value, i == 0 ? 3 : 1))
            return false;
    }
    return true;
}

cJSON *am_payment_lean(const cJSON *full, bool with_card)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *v;

    if (!o)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        cJSON *c;

        v = cJSON_GetObjectItemCaseSensitive(full, map[i].full);
        if (!v && map[i].when_present)
            continue;
        c = v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
        if (!c || !cJSON_AddItemToObject(o, map[i].lean, c)) {
            cJSON_Delete(c);
            goto fail;
        }
    }
    if (!add_terms(o, full))
        goto fail;
    v = cJSON_GetObjectItemCaseSensitive(full, "postalService");
    if (!cJSON_AddBoolToObject(o, "postalService", cJSON_IsTrue(v)))
        goto fail;
    v = cJSON_GetObjectItemCaseSensitive(full, "creditCard");
    if (with_card && cJSON_IsObject(v)) {
        cJSON *c = cJSON_Duplicate(v, true);

        if (!c || !cJSON_AddItemToObject(o, "creditCard", c)) {
            cJSON_Delete(c);
            goto fail;
        }
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static bool is_payment(const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "object");

    return cJSON_IsString(t) && strcmp(t->valuestring, "payment") == 0;
}

cJSON *am_payment_lean_answer(const cJSON *body, bool with_card)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "object");
    cJSON *copy, *data, *item;

    if (is_payment(body))
        return am_payment_lean(body, with_card);
    copy = cJSON_Duplicate(body, true);
    if (!copy || !cJSON_IsString(t) || strcmp(t->valuestring, "list") != 0)
        return copy;
    data = cJSON_GetObjectItemCaseSensitive(copy, "data");
    cJSON_ArrayForEach(item, data) {
        cJSON *lean;

        if (!is_payment(item))
            continue;
        lean = am_payment_lean(item, false);
        if (!lean || !cJSON_ReplaceItemViaPointer(data, item, lean)) {
            cJSON_Delete(lean);
            cJSON_Delete(copy);
            return NULL;
        }
        item = lean;
    }
    return copy;
}
