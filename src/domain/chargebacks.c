/* chargebacks.c - chargeback objects, disputes and their daily job (see chargebacks.h). */
#include "chargebacks.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "ids.h"
#include "money.h"
#include "records.h"
#include "registry.h"

static const char *const reasons[] = {
    "ABSENCE_OF_PRINT", "ABSENT_CARD_FRAUD", "CARD_ACTIVATED_PHONE_TRANSACTION", "CARD_FRAUD",
    "CARD_RECOVERY_BULLETIN", "COMMERCIAL_DISAGREEMENT", "COPY_NOT_RECEIVED",
    "CREDIT_OR_DEBIT_PRESENTATION_ERROR", "DIFFERENT_PAY_METHOD", "FRAUD",
    "INCORRECT_TRANSACTION_VALUE", "INVALID_CURRENCY", "INVALID_DATA", "LATE_PRESENTATION",
    "LOCAL_REGULATORY_OR_LEGAL_DISPUTE", "MULTIPLE_ROCS", "ORIGINAL_CREDIT_TRANSACTION_NOT_ACCEPTED",
    "OTHER_ABSENT_CARD_FRAUD", "PROCESS_ERROR", "RECEIVED_COPY_ILLEGIBLE_OR_INCOMPLETE",
    "RECURRENCE_CANCELED", "REQUIRED_AUTHORIZATION_NOT_GRANTED",
    "RIGHT_OF_FULL_RECOURSE_FOR_FRAUD", "SALE_CANCELED", "SERVICE_DISAGREEMENT_OR_DEFECTIVE_PRODUCT",
    "SERVICE_NOT_RECEIVED", "SPLIT_SALE", "TRANSFERS_OF_DIVERSE_RESPONSIBILITIES",
    "UNQUALIFIED_CAR_RENTAL_DEBIT", "USA_CARDHOLDER_DISPUTE", "VISA_FRAUD_MONITORING_PROGRAM",
    "WARNING_BULLETIN_FILE",
};

bool am_chargeback_reason_valid(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (strcmp(reason, reasons[i]) == 0)
            return true;
    }
    return false;
}

static bool set_str(cJSON *o, const char *key, const char *value)
{
    cJSON *v = value ? cJSON_CreateString(value) : cJSON_CreateNull();

    if (!v)
        return false;
    if (!cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_AddItemToObject(o, key, v);
    return cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
}

static bool set_day(cJSON *o, const char *key, int64_t day)
{
    char buf[11];

    if (day == AM_NO_DAY)
        return set_str(o, key, NULL);
    am_cal_format_day(day, buf);
    return set_str(o, key, buf);
}

static bool set_num(cJSON *o, const char *key, double v)
{
    cJSON *n = cJSON_CreateNumber(v);

    if (!n)
        return false;
    if (!cJSON_GetObjectItemCaseSensitive(o, key))
        return cJSON_AddItemToObject(o, key, n);
    return cJSON_ReplaceItemInObjectCaseSensitive(o, key, n);
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

int am_chargeback_open(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                       struct am_payment *p, const char *reason, bool accept, int64_t now,
                       cJSON **ret)
{
    int64_t today = am_cal_day_of(now), debited = 0;
    int64_t paid = p->client_payment_day != AM_NO_DAY ? p->client_payment_day : p->confirmed_day;
    enum am_payment_status before = p->status;
    char id[37];
    cJSON *o, *card;
    int rc;

    if (ret)
        *ret = NULL;
    /* Build first: once billing moved money, nothing may fail but memory. */
    o = cJSON_CreateObject();
    if (!o)
        return -ENOMEM;
    am_ids_uuid(ids, id);
    card = cJSON_CreateObject();
    if (!card || !set_str(o, "id", id) || !set_str(o, "payment", p->id) ||
        !set_str(o, "installment", p->installment[0] ? p->installment : NULL) ||
        !set_str(o, "customerAccount", p->customer) || !set_str(o, "status", "REQUESTED") ||
        !set_str(o, "reason", reason) || !set_day(o, "disputeStartDate", AM_NO_DAY) ||
        am_money_add(o, "value", p->value_cents - p->refunded_cents) != 0 ||
        !set_day(o, "paymentDate", paid) || !set_str(card, "number", p->card.last4) ||
        !set_str(card, "brand", p->card.brand[0] ? p->card.brand : "UNKNOWN") ||
        !cJSON_AddItemToObject(o, "creditCard", card)) {
        if (!cJSON_GetObjectItemCaseSensitive(o, "creditCard"))
            cJSON_Delete(card);
        cJSON_Delete(o);
        return -ENOMEM;
    }
    if (!set_str(o, "disputeStatus", NULL) ||
        !set_day(o, "deadlineToSendDisputeDocuments", today + AM_CHARGEBACK_DEADLINE_DAYS) ||
        !set_str(o, "_result", accept ? "ACCEPTED" : "REJECTED") ||
        !set_num(o, "_createdDay", (double)today) ||
        !set_str(o, "_paymentStatusBefore", am_payment_status_name(before))) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    rc = am_billing_payment_chargeback(b, p, now, &debited);
    if (rc < 0) {
        cJSON_Delete(o);
        return rc;
    }
    if (!set_num(o, "_debited", (double)debited)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    rc = am_records_add(r, AM_CHARGEBACK_COLL, o);
    if (rc == 0 && ret)
        *ret = am_records_find(r, AM_CHARGEBACK_COLL, id);
    return rc;
}

cJSON *am_chargeback_of_payment(struct am_records *r, const char *payment_id)
{
    for (size_t i = am_records_count(r, AM_CHARGEBACK_COLL); i-- > 0;) {
        cJSON *cb = am_records_at(r, AM_CHARGEBACK_COLL, i);

        if (strcmp(str_of(cb, "payment"), payment_id) == 0)
            return cb;
    }
    return NULL;
}

int am_chargeback_dispute(struct am_records *r, struct am_billing *b, cJSON *cb,
                          const char *const *files, size_t n, int64_t now)
{
    int64_t today = am_cal_day_of(now), deadline = AM_NO_DAY;
    struct am_payment *p = am_billing_payment_find(b, str_of(cb, "payment"));
    cJSON *arr;
    int rc;

    (void)r;
    if (!p || strcmp(str_of(cb, "status"), "REQUESTED") != 0 ||
        p->status != AM_PAY_CHARGEBACK_REQUESTED)
        return -EPERM;
    if (am_cal_parse_day(str_of(cb, "deadlineToSendDisputeDocuments"), &deadline) < 0 ||
        today > deadline)
        return -EPERM;
    arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *s = cJSON_CreateString(files[i]);

        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return -ENOMEM;
    if (!cJSON_AddItemToObject(cb, "_files", arr)) {
        cJSON_Delete(arr);
        return -ENOMEM;
    }
    rc = am_billing_payment_chargeback_dispute(b, p, now);
    if (rc < 0)
        return rc;
    if (!set_str(cb, "status", "IN_DISPUTE") || !set_day(cb, "disputeStartDate", today) ||
        !set_str(cb, "disputeStatus", "REQUESTED") ||
        !set_num(cb, "_decideDay", (double)(today + AM_CHARGEBACK_DECISION_DAYS)))
        return -ENOMEM;
    return 0;
}

/* One chargeback's transitions due on day. */
static int step(struct am_billing *b, cJSON *cb, int64_t day, int64_t now)
{
    const char *status = str_of(cb, "status");
    struct am_payment *p = am_billing_payment_find(b, str_of(cb, "payment"));
    int64_t deadline = AM_NO_DAY;
    int rc;

    if (!p)
        return 0;
    if (strcmp(status, "REQUESTED") == 0) {
        if (am_cal_parse_day(str_of(cb, "deadlineToSendDisputeDocuments"), &deadline) == 0 &&
            day > deadline && !set_str(cb, "status", "DONE"))
            return -ENOMEM;
        return 0;
    }
    if (strcmp(status, "IN_DISPUTE") == 0 && day >= (int64_t)num_of(cb, "_decideDay")) {
        if (strcmp(str_of(cb, "_result"), "ACCEPTED") != 0)
            return set_str(cb, "status", "DISPUTE_LOST") &&
                           set_str(cb, "disputeStatus", "REJECTED")
                       ? 0
                       : -ENOMEM;
        rc = am_billing_payment_chargeback_won(b, p, now);
        if (rc < 0 && rc != -EPERM && rc != -EIDRM)
            return rc;
        if (!set_str(cb, "status", "REVERSED") || !set_str(cb, "disputeStatus", "ACCEPTED") ||
            !set_num(cb, "_reverseDay", (double)(day + 1)))
            return -ENOMEM;
        return 0;
    }
    if (strcmp(status, "REVERSED") == 0 && p->status == AM_PAY_AWAITING_CHARGEBACK_REVERSAL &&
        day >= (int64_t)num_of(cb, "_reverseDay")) {
        rc = am_billing_payment_chargeback_reverse(b, p, (int64_t)num_of(cb, "_debited"), now);
        return rc == -EPERM || rc == -EIDRM ? 0 : rc;
    }
    return 0;
}

int am_chargebacks_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    (void)ids;
    if (!a->records)
        return 0;
    for (size_t i = 0; i < am_records_count(a->records, AM_CHARGEBACK_COLL); i++) {
        int rc = step(a->billing, am_records_at(a->records, AM_CHARGEBACK_COLL, i), day, now);

        if (rc < 0)
            return rc;
    }
    return 0;
}
