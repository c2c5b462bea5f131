/* invoices.c - fiscal info, NFS-e invoices and their daily job (see invoices.h). */
#include "invoices.h"

#include <errno.h>
#include <inttypes.h>
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

#define SANDBOX "https://sandbox.asaas.com"

/* ---- fiscal info ------------------------------------------------------------------- */

/* Public members in Asaas's order; the *Sent flags come from secrets never kept. */
static const char *const fiscal_keys[] = {
    "email", "municipalInscription", "simplesNacional", "culturalProjectsPromoter", "cnae",
    "specialTaxRegime", "serviceListItem", "nbsCode", "rpsSerie", "rpsNumber", "loteNumber",
    "username"};

static bool fiscal_bool_key(const char *k)
{
    return !strcmp(k, "simplesNacional") || !strcmp(k, "culturalProjectsPromoter");
}

static bool fiscal_int_key(const char *k)
{
    return !strcmp(k, "rpsNumber") || !strcmp(k, "loteNumber");
}

cJSON *am_fiscal_save(struct am_records *r, const cJSON *body)
{
    cJSON *old = am_records_doc(r, AM_FISCAL_DOC);
    cJSON *doc = cJSON_CreateObject();
    static const char *const secrets[][2] = {
        {"password", "passwordSent"}, {"accessToken", "accessTokenSent"},
        {"certificateFile", "certificateSent"}};
    bool ok = doc && am_links_put(doc, "object", cJSON_CreateString("customerFiscalInfo"));

    for (size_t i = 0; ok && i < sizeof(fiscal_keys) / sizeof(fiscal_keys[0]); i++) {
        const char *k = fiscal_keys[i];
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(body, k) ? body : old;
        cJSON *v;

        if (fiscal_bool_key(k))
            v = am_links_bool_or(src, k, true);
        else if (fiscal_int_key(k))
            v = am_links_int_or(src, k, -1);
        else
            v = am_links_copy(src, k);
        ok = am_links_put(doc, k, v);
    }
    for (size_t i = 0; ok && i < 3; i++) {
        const cJSON *sent = cJSON_GetObjectItemCaseSensitive(body, secrets[i][0]);
        bool now = sent && !cJSON_IsNull(sent) &&
                   !(cJSON_IsString(sent) && sent->valuestring[0] == '\0');

        ok = am_links_put(doc, secrets[i][1],
                          cJSON_CreateBool(now || am_link_bool(old, secrets[i][1])));
    }
    if (ok) {
        const char *k = "nationalPortalTaxCalculationRegime";
        cJSON *np = cJSON_GetObjectItemCaseSensitive(old, "_nationalPortal");

        ok = am_links_put(doc, k, am_links_copy(cJSON_GetObjectItemCaseSensitive(body, k) ? body
                                                                                          : old,
                                                k)) &&
             (!np || am_links_put(doc, "_nationalPortal", cJSON_Duplicate(np, true)));
    }
    if (!ok || am_records_set_doc(r, AM_FISCAL_DOC, doc) < 0) {
        if (!ok)
            cJSON_Delete(doc);
        return NULL;
    }
    return am_records_doc(r, AM_FISCAL_DOC);
}

cJSON *am_fiscal_public(struct am_records *r)
{
    cJSON *doc = am_records_doc(r, AM_FISCAL_DOC);

    return doc ? am_records_public(doc) : NULL;
}

/* ---- invoices ---------------------------------------------------------------------- */

static const char *const tax_keys[] = {"nbsCode", "taxSituationCode", "taxClassificationCode",
                                       "operationIndicatorCode", "retainIss", "iss",
                                       "pisCofinsRetentionType", "pisCofinsTaxStatus",
                                       "operationPis", "operationCofins", "pis", "cofins",
                                       "csll", "inss", "ir", "stateIbs", "stateIbsValue",
                                       "municipalIbs", "municipalIbsValue", "cbs", "cbsValue"};

/* The rendered taxes of a request's taxes object. */
static cJSON *taxes_of(const cJSON *t)
{
    cJSON *o = cJSON_CreateObject();

    for (size_t i = 0; o && i < sizeof(tax_keys) / sizeof(tax_keys[0]); i++) {
        const char *k = tax_keys[i];
        cJSON *v;

        if (!strcmp(k, "pisCofinsRetentionType")) /* computed by Asaas */
            v = cJSON_CreateString(am_link_bool(t, "retainIss") ? "WITHHELD" : "NOT_WITHHELD");
        else if (!strcmp(k, "retainIss"))
            v = am_links_bool_or(t, k, false);
        else
            v = am_links_copy(t, k);
        if (!am_links_put(o, k, v)) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (cJSON_IsNumber(v))
        return v->valuedouble;
    return cJSON_IsString(v) ? strtod(v->valuestring, NULL) : 0;
}

/* "Tributos aproximados ..." from the value and the tax rates (percent). */
static cJSON *estimated_taxes(const cJSON *inv)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(inv, "taxes");
    static const char *const rates[] = {"iss", "pis", "cofins", "csll", "inss", "ir"};
    double pct = 0, value = num(inv, "value") - num(inv, "deductions");
    char text[160];

    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        pct += num(t, rates[i]);
    snprintf(text, sizeof(text), "Valor aproximado dos tributos: R$ %.2f (%.2f%%)",
             value * pct / 100.0, pct);
    return cJSON_CreateString(text);
}

static const char *const invoice_keys[] = {
    "object", "id", "status", "customer", "payment", "installment", "type", "statusDescription",
    "serviceDescription", "pdfUrl", "xmlUrl", "rpsSerie", "rpsNumber", "number", "validationCode",
    "value", "deductions", "effectiveDate", "observations", "estimatedTaxesDescription",
    "externalReference", "taxes", "municipalServiceId", "municipalServiceCode",
    "municipalServiceName"};

/* The members that update may change, rebuilt from body where sent. */
static bool apply_body(cJSON *inv, const cJSON *body)
{
    static const char *const plain[] = {"serviceDescription", "observations", "externalReference",
                                        "effectiveDate", "municipalServiceId",
                                        "municipalServiceCode", "municipalServiceName"};
    bool ok = true;

    for (size_t i = 0; ok && i < sizeof(plain) / sizeof(plain[0]); i++) {
        if (cJSON_GetObjectItemCaseSensitive(body, plain[i]))
            ok = am_links_put(inv, plain[i], am_links_copy(body, plain[i]));
    }
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "value"))
        ok = am_links_put(inv, "value", am_links_money(body, "value"));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "deductions"))
        ok = am_links_put(inv, "deductions", am_links_money(body, "deductions"));
    if (ok && cJSON_GetObjectItemCaseSensitive(body, "taxes"))
        ok = am_links_put(inv, "taxes",
                          taxes_of(cJSON_GetObjectItemCaseSensitive(body, "taxes")));
    return ok && am_links_put(inv, "estimatedTaxesDescription", estimated_taxes(inv));
}

cJSON *am_invoice_create(struct am_records *r, struct am_billing *b, struct am_ids *ids,
                         const cJSON *body, const char *customer, const char *payment,
                         const char *installment, int64_t today, int64_t now)
{
    char id[20];
    cJSON *o = cJSON_CreateObject(), *stored;
    bool ok = o != NULL;

    do {
        snprintf(id, sizeof(id), "inv_%012" PRIu64,
                 (uint64_t)(am_ids_next(ids) % UINT64_C(1000000000000)));
    } while (am_records_find(r, AM_INVOICES_COLL, id));
    for (size_t i = 0; ok && i < sizeof(invoice_keys) / sizeof(invoice_keys[0]); i++) {
        const char *k = invoice_keys[i];
        cJSON *v;

        if (!strcmp(k, "object"))
            v = cJSON_CreateString("invoice");
        else if (!strcmp(k, "id"))
            v = cJSON_CreateString(id);
        else if (!strcmp(k, "status"))
            v = cJSON_CreateString("SCHEDULED");
        else if (!strcmp(k, "customer"))
            v = cJSON_CreateString(customer);
        else if (!strcmp(k, "payment"))
            v = payment ? cJSON_CreateString(payment) : cJSON_CreateNull();
        else if (!strcmp(k, "installment"))
            v = installment ? cJSON_CreateString(installment) : cJSON_CreateNull();
        else if (!strcmp(k, "type"))
            v = cJSON_CreateString("NFS-e");
        else
            v = cJSON_CreateNull();
        ok = am_links_put(o, k, v);
    }
    ok = ok && apply_body(o, body) &&
         am_links_put(o, "_scheduledDay", cJSON_CreateNumber((double)today));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    if (am_records_add(r, AM_INVOICES_COLL, o) < 0)
        return NULL;
    stored = am_records_find(r, AM_INVOICES_COLL, id);
    if (stored)
        am_links_emit(b, "INVOICE_CREATED", now, "invoice", stored);
    return stored;
}

static bool status_is(const cJSON *inv, const char *s)
{
    const char *cur = am_link_str(inv, "status");

    return cur && strcmp(cur, s) == 0;
}

static int move(struct am_billing *b, cJSON *inv, const char *status, const char *why,
                int64_t now)
{
    char event[48];

    if (!am_links_put(inv, "status", cJSON_CreateString(status)) ||
        !am_links_put(inv, "statusDescription", why ? cJSON_CreateString(why) : cJSON_CreateNull()))
        return -ENOMEM;
    snprintf(event, sizeof(event), "INVOICE_%s", status);
    am_links_emit(b, event, now, "invoice", inv);
    return 0;
}

int am_invoice_update(struct am_billing *b, cJSON *inv, const cJSON *body, int64_t now)
{
    if (!status_is(inv, "SCHEDULED"))
        return -EPERM;
    if (!apply_body(inv, body))
        return -ENOMEM;
    am_links_emit(b, "INVOICE_UPDATED", now, "invoice", inv);
    return 0;
}

int am_invoice_authorize(struct am_records *r, struct am_billing *b, cJSON *inv, int64_t today,
                         int64_t now)
{
    cJSON *fiscal = am_records_doc(r, AM_FISCAL_DOC);
    const char *id = am_link_str(inv, "id"), *serie = am_link_str(fiscal, "rpsSerie");
    uint64_t n;
    char number[16], rps[24], code[24], url[128], desc[96];
    uint64_t h = 1469598103934665603ULL;

    if (!status_is(inv, "SCHEDULED"))
        return -EPERM;
    n = am_records_next(r, "invoiceNumber"); /* only once the move is certain */
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(number, sizeof(number), "%" PRIu64, n);
    snprintf(rps, sizeof(rps), "%ld", am_link_int(fiscal, "rpsNumber", 0) + (long)n);
    snprintf(code, sizeof(code), "%08" PRIX64, h & 0xFFFFFFFFu);
    if (!am_links_put(inv, "number", cJSON_CreateString(number)) ||
        !am_links_put(inv, "rpsSerie", serie ? cJSON_CreateString(serie) : cJSON_CreateString("1")) ||
        !am_links_put(inv, "rpsNumber", cJSON_CreateString(rps)) ||
        !am_links_put(inv, "validationCode", cJSON_CreateString(code)))
        return -ENOMEM;
    snprintf(url, sizeof(url), SANDBOX "/nfse/pdf/%s", id);
    if (!am_links_put(inv, "pdfUrl", cJSON_CreateString(url)))
        return -ENOMEM;
    snprintf(url, sizeof(url), SANDBOX "/nfse/xml/%s", id);
    if (!am_links_put(inv, "xmlUrl", cJSON_CreateString(url)))
        return -ENOMEM;
    snprintf(desc, sizeof(desc), "Taxa de emissão da nota fiscal %s", number);
    if (am_billing_ledger_append_ref(b, AM_LEDGER_INVOICE_FEE, -AM_INVOICE_FEE_CENTS, today, now,
                                     desc, NULL, "invoiceId", id) < 0)
        return -ENOMEM;
    return move(b, inv, "AUTHORIZED", NULL, now);
}

int am_invoice_cancel(struct am_billing *b, cJSON *inv, bool only_on_asaas, int64_t today,
                      int64_t now)
{
    if (status_is(inv, "SCHEDULED") || (only_on_asaas && status_is(inv, "AUTHORIZED")))
        return move(b, inv, "CANCELED", NULL, now);
    if (!status_is(inv, "AUTHORIZED"))
        return -EPERM;
    if (!am_links_put(inv, "_cancelDay", cJSON_CreateNumber((double)today)))
        return -ENOMEM;
    return move(b, inv, "PROCESSING_CANCELLATION", NULL, now);
}

/* Why the invoice's payment can no longer be invoiced, or NULL. */
static const char *payment_problem(struct am_billing *b, const cJSON *inv)
{
    const char *pid = am_link_str(inv, "payment");
    const struct am_payment *p = pid ? am_billing_payment_find(b, pid) : NULL;

    if (!p)
        return NULL;
    if (p->deleted)
        return "A cobrança desta nota fiscal foi removida.";
    if (p->status == AM_PAY_REFUNDED)
        return "A cobrança desta nota fiscal foi estornada.";
    return NULL;
}

int am_invoices_job_day(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now)
{
    struct am_records *r = a->records;
    size_t n = r ? am_records_count(r, AM_INVOICES_COLL) : 0;

    (void)ids;
    for (size_t i = 0; i < n; i++) {
        cJSON *inv = am_records_at(r, AM_INVOICES_COLL, i);
        int64_t eff = AM_NO_DAY;
        const char *why;
        int rc = 0;

        if (status_is(inv, "SCHEDULED") && am_link_int(inv, "_scheduledDay", day) < day &&
            am_link_str(inv, "effectiveDate") &&
            am_cal_parse_day(am_link_str(inv, "effectiveDate"), &eff) == 0 && eff <= day) {
            why = payment_problem(a->billing, inv);
            rc = why ? move(a->billing, inv, "ERROR", why, now)
                     : am_invoice_authorize(r, a->billing, inv, day, now);
        } else if (status_is(inv, "PROCESSING_CANCELLATION") &&
                   am_link_int(inv, "_cancelDay", day) < day) {
            rc = move(a->billing, inv, "CANCELED", NULL, now);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- catalogues -------------------------------------------------------------------- */

static cJSON *pairs(const char *k1, const char *k2, const char *const (*rows)[2], size_t n)
{
    cJSON *a = cJSON_CreateArray();

    for (size_t i = 0; a && i < n; i++) {
        cJSON *o = cJSON_CreateObject();

        if (!o || !cJSON_AddItemToArray(a, o) || !cJSON_AddStringToObject(o, k1, rows[i][0]) ||
            !cJSON_AddStringToObject(o, k2, rows[i][1])) {
            cJSON_Delete(o);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

#define ROWS(x) x, sizeof(x) / sizeof(x[0])

static const char *const services[][2] = {
    {"3544", "1.01 - Análise e desenvolvimento de sistemas"},
    {"3545", "1.02 - Programação"},
    {"3546", "1.03 - Processamento, armazenamento ou hospedagem de dados"},
    {"3547", "1.04 - Elaboração de programas de computadores"},
    {"3548", "1.05 - Licenciamento ou cessão de direito de uso de programas de computação"},
    {"3549", "1.06 - Assessoria e consultoria em informática"},
    {"3550", "1.07 - Suporte técnico em informática"},
    {"3551", "1.08 - Planejamento, confecção, manutenção e atualização de páginas eletrônicas"},
    {"3612", "17.01 - Assessoria ou consultoria de qualquer natureza"},
    {"3630", "17.19 - Contabilidade"},
};
static const char *const nbs[][2] = {
    {"1.0101.11.00", "Serviços de construção de edificações residenciais de um e dois pavimentos"},
    {"1.1502.10.00", "Serviços de desenvolvimento de software sob encomenda"},
    {"1.1502.20.00", "Serviços de licenciamento de direitos de uso de software"},
    {"1.1503.00.00", "Serviços de hospedagem de dados e programas"},
    {"1.1806.10.00", "Serviços de consultoria em gestão empresarial"},
};
static const char *const federal[][2] = {
    {"010101", "Análise e desenvolvimento de sistemas"},
    {"010201", "Programação"},
    {"010601", "Assessoria e consultoria em informática"},
    {"040801", "Terapia ocupacional"},
    {"171901", "Contabilidade"},
};
static const char *const indicators[][2] = {
    {"020101", "Operação de prestação de serviço no município do prestador"},
    {"020201", "Operação de prestação de serviço em outro município"},
    {"030101", "Exportação de serviços"},
};
static const char *const situations[][2] = {
    {"000001", "Tributação integral"},
    {"200001", "Alíquota reduzida"},
    {"410001", "Isenção"},
};

static cJSON *situation_rows(void)
{
    cJSON *a = pairs("code", "description", ROWS(situations)), *it;

    cJSON_ArrayForEach(it, a)
    {
        bool full = strcmp(cJSON_GetObjectItem(it, "code")->valuestring, "410001") != 0;

        cJSON_AddBoolToObject(it, "isSubjectToIbsCbsTaxation", full);
        cJSON_AddBoolToObject(it, "isBaseReductionPercentApplicable",
                              !strcmp(cJSON_GetObjectItem(it, "code")->valuestring, "200001"));
        cJSON_AddBoolToObject(it, "isDefermentApplicable", false);
    }
    return a;
}

static cJSON *classification_rows(void)
{
    static const char *const rows[][3] = {{"000001", "Tributação integral", "000001"},
                                          {"200001", "Redução de 60% da alíquota", "200001"},
                                          {"410001", "Isenção de IBS e CBS", "410001"}};
    cJSON *a = cJSON_CreateArray(), *sits = situation_rows();

    for (size_t i = 0; a && sits && i < 3; i++) {
        cJSON *o = cJSON_CreateObject(), *sit = cJSON_Duplicate(cJSON_GetArrayItem(sits, (int)i), 1);
        bool reduced = i == 1;

        if (!o || !sit || !cJSON_AddItemToArray(a, o)) {
            cJSON_Delete(o);
            cJSON_Delete(sit);
            break;
        }
        cJSON_AddStringToObject(o, "code", rows[i][0]);
        cJSON_AddStringToObject(o, "description", rows[i][1]);
        cJSON_AddStringToObject(o, "effectiveStartDate", "2026-01-01");
        cJSON_AddNullToObject(o, "expirationDate");
        cJSON_AddBoolToObject(o, "isSubjectRegularTaxation", i == 0);
        cJSON_AddNumberToObject(o, "cbsPercentage", i == 2 ? 0 : 0.9);
        cJSON_AddNumberToObject(o, "municipalIbsPercentage", i == 2 ? 0 : 0.05);
        cJSON_AddNumberToObject(o, "stateIbsPercentage", i == 2 ? 0 : 0.05);
        cJSON_AddNumberToObject(o, "cbsTaxReductionPercentage", reduced ? 60 : 0);
        cJSON_AddNumberToObject(o, "ibsTaxReductionPercentage", reduced ? 60 : 0);
        cJSON_AddStringToObject(o, "taxRegimeType", "STANDARD");
        cJSON_AddItemToObject(o, "taxSituation", sit);
    }
    cJSON_Delete(sits);
    return a;
}

cJSON *am_fiscal_catalogue(const char *name)
{
    cJSON *a, *it;

    if (!strcmp(name, "services")) {
        a = pairs("id", "description", ROWS(services));
        cJSON_ArrayForEach(it, a) cJSON_AddNumberToObject(it, "issTax", 2);
        return a;
    }
    if (!strcmp(name, "nbsCodes"))
        return pairs("nbsCode", "codeDescription", ROWS(nbs));
    if (!strcmp(name, "federalServiceCodes"))
        return pairs("code", "description", ROWS(federal));
    if (!strcmp(name, "operationIndicatorCodes"))
        return pairs("code", "description", ROWS(indicators));
    if (!strcmp(name, "taxSituationCodes"))
        return situation_rows();
    if (!strcmp(name, "taxClassificationCodes"))
        return classification_rows();
    return NULL;
}

cJSON *am_fiscal_municipal_options(void)
{
    static const char *const regimes[][2] = {{"1", "Microempresa municipal"},
                                             {"2", "Estimativa"},
                                             {"3", "Sociedade de profissionais"},
                                             {"4", "Cooperativa"},
                                             {"5", "MEI - Simples Nacional"},
                                             {"6", "ME EPP - Simples Nacional"}};
    static const char *const portal[][2] = {{"1", "Regime de apuração dos tributos federais e "
                                                  "municipal pelo Simples Nacional"},
                                            {"2", "Regime de apuração normal"}};
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "authenticationType", "CERTIFICATE");
    cJSON_AddBoolToObject(o, "supportsCancellation", true);
    cJSON_AddBoolToObject(o, "usesSpecialTaxRegimes", true);
    cJSON_AddBoolToObject(o, "usesServiceListItem", false);
    cJSON_AddItemToObject(o, "specialTaxRegimesList", pairs("value", "label", ROWS(regimes)));
    cJSON_AddItemToObject(o, "nationalPortalTaxCalculationRegimeList",
                          pairs("value", "label", ROWS(portal)));
    cJSON_AddStringToObject(o, "nationalPortalTaxCalculationRegimeHelp",
                            "Informe o regime de apuração usado no Portal Nacional da NFS-e.");
    cJSON_AddStringToObject(o, "municipalInscriptionHelp",
                            "Inscrição municipal da empresa, sem pontos ou traços.");
    cJSON_AddStringToObject(o, "specialTaxRegimeHelp",
                            "Regime especial de tributação da empresa na prefeitura.");
    cJSON_AddNullToObject(o, "serviceListItemHelp");
    cJSON_AddStringToObject(o, "digitalCertificatedHelp",
                            "Envie o certificado digital A1 (.pfx) e a sua senha.");
    cJSON_AddNullToObject(o, "accessTokenHelp");
    cJSON_AddStringToObject(o, "municipalServiceCodeHelp",
                            "Use o id de GET /v3/fiscalInfo/services em municipalServiceId.");
    return o;
}
