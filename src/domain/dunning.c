/* dunning.c - payment dunnings and their daily job (see dunning.h). */
#include "dunning.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "billing.h"
#include "calendar.h"
#include "ids.h"
#include "links.h"
#include "money.h"
#include "records.h"
#include "registry.h"

static bool status_in(const cJSON *d, const char *const *set)
{
    const char *s = am_link_str(d, "status");

    for (; s && *set; set++) {
        if (strcmp(s, *set) == 0)
            return true;
    }
    return false;
}

static const char *const cancelable[] = {"PENDING", "AWAITING_APPROVAL", "PROCESSED", NULL};
static const char *const finished[] = {"CANCELLED", "DENIED", NULL};

const char *am_dunning_not_allowed(struct am_records *r, const struct am_payment *p)
{
    size_t n = am_records_count(r, AM_DUNNINGS_COLL);

    if (p->deleted)
        return "A cobrança foi removida.";
    if (p->status != AM_PAY_OVERDUE)
        return "Somente cobranças vencidas podem ser negativadas.";
    for (size_t i = 0; i < n; i++) {
        const cJSON *d = am_records_at(r, AM_DUNNINGS_COLL, i);
        const char *pid = am_link_str(d, "payment");

        if (pid && strcmp(pid, p->id) == 0 && !status_in(d, finished))
            return "Esta cobrança já possui uma negativação em andamento.";
    }
    return NULL;
}

static bool add_money(cJSON *o, const char *key, int64_t cents)
{
    return am_money_add(o, key, cents) == 0;
}

cJSON *am_dunning_simulation(struct am_records *r, const struct am_payment *p, int64_t today)
{
    const char *why = am_dunning_not_allowed(r, p);
    cJSON *o = cJSON_CreateObject();
    char day[11];

    am_cal_format_day(today, day);
    if (!o || !cJSON_AddStringToObject(o, "type", "CREDIT_BUREAU") ||
        !cJSON_AddBoolToObject(o, "isAllowed", why == NULL) ||
        !am_links_put(o, "notAllowedReason", why ? cJSON_CreateString(why) : cJSON_CreateNull()) ||
        !add_money(o, "feeValue", AM_DUNNING_FEE_CENTS) ||
        !add_money(o, "netValue", p->value_cents - AM_DUNNING_FEE_CENTS) ||
        !cJSON_AddStringToObject(o, "startDate", day)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Appends {status, description, eventDate} to the private history. */
static bool history(cJSON *d, const char *status, const char *text, int64_t day)
{
    cJSON *h = cJSON_GetObjectItemCaseSensitive(d, "_history"), *e = cJSON_CreateObject();
    char date[11];

    am_cal_format_day(day, date);
    if (!e || !cJSON_AddStringToObject(e, "status", status) ||
        !cJSON_AddStringToObject(e, "description", text) ||
        !cJSON_AddStringToObject(e, "eventDate", date) || !cJSON_AddItemToArray(h, e)) {
        cJSON_Delete(e);
        return false;
    }
    return true;
}

/* status plus the members that follow from it. */
static bool set_status(cJSON *d, const char *status, int64_t day)
{
    bool can;

    if (!am_links_put(d, "status", cJSON_CreateString(status)))
        return false;
    can = status_in(d, cancelable);
    return am_links_put(d, "canBeCancelled", cJSON_CreateBool(can)) &&
           am_links_put(d, "cannotBeCancelledReason",
                        can ? cJSON_CreateNull()
                            : cJSON_CreateString("A negativação não pode mais ser cancelada.")) &&
           am_links_put(d, "_day", cJSON_CreateNumber((double)day));
}

cJSON *am_dunning_create(struct am_records *r, struct am_ids *ids, const struct am_payment *p,
                         const cJSON *body, bool documents, int64_t today)
{
    static const char *const payer[] = {"customerName", "customerCpfCnpj", "customerPrimaryPhone",
                                        "customerSecondaryPhone", "customerPostalCode",
                                        "customerAddress", "customerAddressNumber",
                                        "customerComplement", "customerProvince"};
    char id[37], day[11];
    cJSON *o = cJSON_CreateObject(), *payer_o = cJSON_CreateObject();
    bool ok = o && payer_o;

    do {
        am_ids_uuid(ids, id);
    } while (am_records_find(r, AM_DUNNINGS_COLL, id));
    am_cal_format_day(today, day);
    for (size_t i = 0; ok && i < sizeof(payer) / sizeof(payer[0]); i++)
        ok = am_links_put(payer_o, payer[i], am_links_copy(body, payer[i]));
    ok = ok && am_links_put(o, "id", cJSON_CreateString(id)) &&
         am_links_put(o, "dunningNumber",
                      cJSON_CreateNumber((double)am_records_next(r, "dunningNumber"))) &&
         am_links_put(o, "status", cJSON_CreateString("PENDING")) &&
         am_links_put(o, "type", cJSON_CreateString("CREDIT_BUREAU")) &&
         am_links_put(o, "requestDate", cJSON_CreateString(day)) &&
         am_links_put(o, "description", am_links_copy(body, "description")) &&
         add_money(o, "value", p->value_cents) && add_money(o, "feeValue", AM_DUNNING_FEE_CENTS) &&
         add_money(o, "netValue", p->value_cents - AM_DUNNING_FEE_CENTS) &&
         am_links_put(o, "receivedInCashFeeValue", cJSON_CreateNull()) &&
         am_links_put(o, "denialReason", cJSON_CreateNull()) &&
         am_links_put(o, "cancellationFeeValue", cJSON_CreateNull()) &&
         am_links_put(o, "canBeCancelled", cJSON_CreateTrue()) &&
         am_links_put(o, "cannotBeCancelledReason", cJSON_CreateNull()) &&
         am_links_put(o, "isNecessaryResendDocumentation", cJSON_CreateBool(!documents)) &&
         am_links_put(o, "payment", cJSON_CreateString(p->id)) &&
         am_links_put(o, "_history", cJSON_CreateArray()) && am_links_put(o, "_payer", payer_o);
    payer_o = NULL;
    ok = ok && set_status(o, documents ? "AWAITING_APPROVAL" : "PENDING", today);
    if (!ok) {
        cJSON_Delete(payer_o);
        cJSON_Delete(o);
        return NULL;
    }
    if (am_records_add(r, AM_DUNNINGS_COLL, o) < 0)
        return NULL;
    return am_records_find(r, AM_DUNNINGS_COLL, id);
}

int am_dunning_documents(cJSON *d, int64_t today)
{
    if (!am_link_bool(d, "isNecessaryResendDocumentation") || !status_in(d, cancelable))
        return -EPERM;
    if (!am_links_put(d, "isNecessaryResendDocumentation", cJSON_CreateFalse()) ||
        !set_status(d, "AWAITING_APPROVAL", today))
        return -ENOMEM;
    return 0;
}

int am_dunning_cancel(cJSON *d, int64_t today)
{
    static const char *const processed[] = {"PROCESSED", NULL};
    bool later = status_in(d, processed);

    if (!status_in(d, cancelable))
        return -EPERM;
    if (!set_status(d, later ? "AWAITING_CANCELLATION" : "CANCELLED", today))
        return -ENOMEM;
    return 0;
}

static bool paid(const struct am_payment *p)
{
    return p->status == AM_PAY_RECEIVED || p->status == AM_PAY_CONFIRMED ||
           p->status == AM_PAY_RECEIVED_IN_CASH;
}

int am_dunning_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    static const char *const awaiting[] = {"AWAITING_APPROVAL", NULL};
    static const char *const processed[] = {"PROCESSED", NULL};
    static const char *const cancelling[] = {"AWAITING_CANCELLATION", NULL};
    struct am_records *r = a->records;
    size_t n = r ? am_records_count(r, AM_DUNNINGS_COLL) : 0;

    (void)ids;
    for (size_t i = 0; i < n; i++) {
        cJSON *d = am_records_at(r, AM_DUNNINGS_COLL, i);
        const char *pid = am_link_str(d, "payment");
        struct am_payment *p = pid ? am_billing_payment_find(a->billing, pid) : NULL;
        bool due = am_link_int(d, "_day", day) < day;
        char desc[96];

        if (!p)
            continue;
        if (due && status_in(d, awaiting)) {
            snprintf(desc, sizeof(desc), "Taxa de negativação da cobrança %s", p->id);
            if (!set_status(d, "PROCESSED", day) ||
                !history(d, "IN_NEGOTIATION", "Negativação enviada ao Serasa.", day) ||
                am_billing_ledger_append_ref(a->billing, AM_LEDGER_PAYMENT_DUNNING_REQUEST_FEE,
                                             -AM_DUNNING_FEE_CENTS, day, now, desc, p->id,
                                             "paymentDunningId", am_link_str(d, "id")) < 0)
                return -ENOMEM;
            am_billing_events_append_payment(a->billing, "PAYMENT_DUNNING_REQUESTED", p, now);
        } else if (status_in(d, processed) && paid(p)) {
            if (!set_status(d, "PAID", day) ||
                !history(d, "PAID", "Cobrança paga; negativação baixada.", day))
                return -ENOMEM;
            am_billing_events_append_payment(a->billing, "PAYMENT_DUNNING_RECEIVED", p, now);
        } else if (due && status_in(d, cancelling)) {
            if (!set_status(d, "CANCELLED", day) ||
                !history(d, "NEGOTIATION_FAIL", "Negativação cancelada.", day))
                return -ENOMEM;
        }
    }
    return 0;
}
