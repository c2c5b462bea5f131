/* my_account.c - account number, fees and document groups (see my_account.h). */
#include "my_account.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "asaas_facts.h"
#include "fees.h"
#include "money.h"

static uint64_t fnv(const char *tag, const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *tag; tag++)
        h = (h ^ (unsigned char)*tag) * 1099511628211ULL;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void am_my_account_number(const char *seed, char agency[5], char account[9], char digit[2])
{
    unsigned n = (unsigned)(fnv("number:", seed) % 900000u) + 100000u;
    unsigned sum = 0, w = 2;

    snprintf(agency, 5, "0001");
    snprintf(account, 9, "%u", n);
    for (unsigned v = n; v; v /= 10, w = w == 9 ? 2 : w + 1)
        sum += (v % 10) * w;
    sum = 11 - sum % 11;
    snprintf(digit, 2, "%u", sum >= 10 ? 0 : sum);
}

static cJSON *obj(cJSON *parent, const char *key)
{
    return cJSON_AddObjectToObject(parent, key);
}

cJSON *am_my_account_fees(void)
{
    cJSON *o = cJSON_CreateObject(), *pay, *x, *tr;

    if (!o)
        return NULL;
    pay = obj(o, "payment");
    x = obj(pay, "bankSlip");
    am_money_add(x, "defaultValue", am_fee_for(AM_BILLING_BOLETO, 10000));
    am_money_add(x, "discountValue", am_fee_for(AM_BILLING_BOLETO, 10000));
    cJSON_AddNullToObject(x, "expirationDate");
    cJSON_AddNumberToObject(x, "daysToReceive", 1);
    x = obj(pay, "creditCard");
    am_money_add(x, "operationValue", am_fee_for(AM_BILLING_CREDIT_CARD, 0));
    cJSON_AddNumberToObject(x, "oneInstallmentPercentage", am_fee_card_rate_bp(1) / 100.0);
    cJSON_AddNumberToObject(x, "upToSixInstallmentsPercentage", am_fee_card_rate_bp(6) / 100.0);
    cJSON_AddNumberToObject(x, "upToTwelveInstallmentsPercentage", am_fee_card_rate_bp(12) / 100.0);
    cJSON_AddNumberToObject(x, "upToTwentyOneInstallmentsPercentage",
                            am_fee_card_rate_bp(21) / 100.0);
    cJSON_AddNumberToObject(x, "discountOneInstallmentPercentage", am_fee_card_rate_bp(1) / 100.0);
    cJSON_AddNumberToObject(x, "discountUpToSixInstallmentsPercentage",
                            am_fee_card_rate_bp(6) / 100.0);
    cJSON_AddNumberToObject(x, "discountUpToTwelveInstallmentsPercentage",
                            am_fee_card_rate_bp(12) / 100.0);
    cJSON_AddNumberToObject(x, "discountUpToTwentyOneInstallmentsPercentage",
                            am_fee_card_rate_bp(21) / 100.0);
    cJSON_AddNullToObject(x, "discountExpiration");
    cJSON_AddNumberToObject(x, "daysToReceive", 30);
    x = obj(pay, "debitCard");
    am_money_add(x, "operationValue", am_fee_for(AM_BILLING_CREDIT_CARD, 0));
    cJSON_AddNumberToObject(x, "defaultPercentage", am_fee_card_rate_bp(1) / 100.0);
    cJSON_AddNumberToObject(x, "daysToReceive", 3);
    x = obj(pay, "pix");
    am_money_add(x, "fixedFeeValue", am_fee_for(AM_BILLING_PIX, 10000));
    am_money_add(x, "fixedFeeValueWithDiscount", am_fee_for(AM_BILLING_PIX, 10000));
    cJSON_AddNullToObject(x, "percentageFee");
    cJSON_AddNullToObject(x, "minimumFeeValue");
    cJSON_AddNullToObject(x, "maximumFeeValue");
    cJSON_AddNullToObject(x, "discountExpiration");
    cJSON_AddNumberToObject(x, "monthlyCreditsWithoutFee", 0);
    cJSON_AddNumberToObject(x, "creditsReceivedOfCurrentMonth", 0);
    tr = obj(o, "transfer");
    cJSON_AddNumberToObject(tr, "monthlyTransfersWithoutFee", 30);
    x = obj(tr, "ted");
    cJSON_AddNumberToObject(x, "feeValue", 5);
    cJSON_AddBoolToObject(x, "consideredInMonthlyTransfersWithoutFee", true);
    x = obj(tr, "pix");
    cJSON_AddNumberToObject(x, "feeValue", 0);
    cJSON_AddNullToObject(x, "discountValue");
    cJSON_AddNullToObject(x, "expirationDate");
    cJSON_AddBoolToObject(x, "consideredInMonthlyTransfersWithoutFee", true);
    x = obj(o, "notification");
    cJSON_AddNumberToObject(x, "phoneCallFeeValue", 0.55);
    cJSON_AddNumberToObject(x, "whatsAppFeeValue", 0.55);
    cJSON_AddNumberToObject(x, "messagingFeeValue", 0.99);
    x = obj(o, "creditBureauReport");
    cJSON_AddNumberToObject(x, "naturalPersonFeeValue", 16.99);
    cJSON_AddNumberToObject(x, "legalPersonFeeValue", 16.99);
    x = obj(o, "paymentDunning");
    cJSON_AddNumberToObject(x, "feeValue", 9.9);
    x = obj(o, "invoice");
    cJSON_AddNumberToObject(x, "feeValue", 0.99);
    x = obj(o, "anticipation");
    tr = obj(x, "creditCard");
    cJSON_AddNumberToObject(tr, "detachedMonthlyFeeValue", 3.49);
    cJSON_AddNumberToObject(tr, "installmentMonthlyFeeValue", 3);
    tr = obj(x, "bankSlip");
    cJSON_AddNumberToObject(tr, "monthlyFeePercentage", 5.69);
    if (!cJSON_GetObjectItemCaseSensitive(o, "anticipation") || !tr) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The groups every account is asked for (AM_MY_ACCOUNT_DOC_GROUPS, asaas_facts.h). */
static const struct {
    const char *type, *title, *responsible;
} groups[] = {AM_MY_ACCOUNT_DOC_GROUPS};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static void derive(const char *seed, const char *type, char out[37])
{
    uint64_t a = fnv("docgroup:", seed), b = fnv(type, seed);

    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a & 0xffff),
             (unsigned)((a >> 16) & 0xfff), (unsigned)(0x8000 | (b & 0x3fff)),
             (unsigned long long)((b >> 16) & 0xffffffffffffULL));
}

int am_my_account_group_id(const char *seed, const char *type, char out[37])
{
    for (size_t i = 0; i < N_GROUPS; i++) {
        if (strcmp(groups[i].type, type) == 0) {
            derive(seed, type, out);
            return 0;
        }
    }
    return -EINVAL;
}

const char *am_my_account_group_type(const char *seed, const char *id)
{
    char g[37];

    for (size_t i = 0; id && i < N_GROUPS; i++) {
        derive(seed, groups[i].type, g);
        if (strcmp(g, id) == 0)
            return groups[i].type;
    }
    return NULL;
}

cJSON *am_my_account_document_groups(const char *seed, const cJSON *const *sent, size_t n_sent)
{
    cJSON *list = cJSON_CreateArray();

    for (size_t i = 0; list && i < N_GROUPS; i++) {
        cJSON *g = cJSON_CreateObject(), *resp, *docs;
        char gid[37];
        const char *status = "NOT_SENT";

        derive(seed, groups[i].type, gid);
        if (!g || !cJSON_AddItemToArray(list, g)) {
            cJSON_Delete(g);
            goto fail;
        }
        cJSON_AddStringToObject(g, "id", gid);
        docs = cJSON_CreateArray();
        for (size_t j = 0; docs && j < n_sent; j++) {
            const cJSON *grp = cJSON_GetObjectItemCaseSensitive(sent[j], "_group");
            const cJSON *st = cJSON_GetObjectItemCaseSensitive(sent[j], "status");
            cJSON *d;

            if (!cJSON_IsString(grp) || strcmp(grp->valuestring, gid) != 0 || !cJSON_IsString(st))
                continue;
            d = cJSON_CreateObject();
            cJSON_AddItemToArray(docs, d);
            cJSON_AddStringToObject(d, "id", cJSON_GetObjectItemCaseSensitive(sent[j], "id")->valuestring);
            cJSON_AddStringToObject(d, "status", st->valuestring);
            status = st->valuestring;
        }
        cJSON_AddStringToObject(g, "status", status);
        cJSON_AddStringToObject(g, "type", groups[i].type);
        cJSON_AddStringToObject(g, "title", groups[i].title);
        cJSON_AddNullToObject(g, "description");
        resp = cJSON_AddObjectToObject(g, "responsible");
        cJSON_AddNullToObject(resp, "name");
        cJSON_AddStringToObject(resp, "type", groups[i].responsible);
        cJSON_AddNullToObject(g, "onboardingUrl");
        cJSON_AddNullToObject(g, "onboardingUrlExpirationDate");
        if (!docs || !cJSON_AddItemToObject(g, "documents", docs)) {
            cJSON_Delete(docs);
            goto fail;
        }
    }
    return list;
fail:
    cJSON_Delete(list);
    return NULL;
}
