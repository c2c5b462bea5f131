/* api_transfers.c - /v3/transfers: to a bank account or a Pix key, and to another
 * Asaas account by walletId (see api_moneyout.h; the state machine is transfers.h). */
#include "api_moneyout.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "clock.h"
#include "cpfcnpj.h"
#include "escrow.h"
#include "input.h"
#include "jobs.h"
#include "money.h"
#include "mo_record.h"
#include "records.h"
#include "transfers.h"

/* ---- shared by the money-out handlers --------------------------------------------- */

int am_api_mo_answer_found(struct am_ctx *ctx, const char *coll, const char *id,
                           struct am_response *resp)
{
    cJSON *o;
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    o = id ? am_records_find(ctx->account->records, coll, id) : NULL;
    r = am_api_found(ctx, o, resp);
    if (r != 0)
        return am_input_done(r);
    return am_api_answer_json(resp, am_records_public(o));
}

int am_api_mo_value(const cJSON *body, const char *key, const char *missing,
                    const char *invalid, int64_t *ret, struct am_response *resp)
{
    char code[48];
    const cJSON *v = am_input_field(body, key);

    snprintf(code, sizeof(code), "invalid_%s", key);
    if (!v)
        return am_input_fail(resp, 400, code, missing);
    if (am_money_from_json(v, ret) < 0 || *ret <= 0)
        return am_input_fail(resp, 400, code, invalid);
    return 0;
}

int am_api_mo_balance(struct am_ctx *ctx, int64_t cents, const char *code, const char *text,
                      struct am_response *resp)
{
    /* money held in escrow since the last request is not available */
    int r = am_escrow_sync(ctx->account, ctx->ids, am_api_today(ctx), ctx->now);

    if (r < 0)
        return r;
    if (cents > am_billing_balance(ctx->account->billing))
        return am_input_fail(resp, 400, code, text);
    return 0;
}

/* ---- destination ------------------------------------------------------------------ */

/* A few banks by COMPE code, for bankAccount.bank's ispb and name. */
static const struct {
    const char *code, *ispb, *name;
} banks[] = {
    {"001", "00000000", "Banco do Brasil S.A."},
    {"033", "90400888", "Banco Santander (Brasil) S.A."},
    {"077", "00416968", "Banco Inter S.A."},
    {"104", "00360305", "Caixa Econômica Federal"},
    {"237", "60746948", "Banco Bradesco S.A."},
    {"260", "18236120", "Nu Pagamentos S.A."},
    {"341", "60701190", "Itaú Unibanco S.A."},
    {"461", AM_ASAAS_ISPB, "ASAAS Gestão Financeira Instituição de Pagamento S.A."},
};

static bool all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* "***.143.689-**" for a CPF, "**.345.678/0001-**" for a CNPJ (digits in d). */
static void mask_doc(const char *d, enum am_doc_kind kind, char out[24])
{
    if (kind == AM_DOC_CPF)
        snprintf(out, 24, "***.%.3s.%.3s-**", d + 3, d + 6);
    else
        snprintf(out, 24, "**.%.3s.%.3s/%.4s-**", d + 2, d + 5, d + 8);
}

static bool uuid_shaped(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Whether key is a well-formed Pix key of type. */
static bool pix_key_ok(const char *type, const char *key, enum am_doc_kind *ret_doc,
                       char digits[15])
{
    const char *at;

    *ret_doc = AM_DOC_INVALID;
    if (strcmp(type, "CPF") == 0 || strcmp(type, "CNPJ") == 0) {
        *ret_doc = am_cpfcnpj_validate(key, digits);
        return *ret_doc == (strcmp(type, "CPF") == 0 ? AM_DOC_CPF : AM_DOC_CNPJ);
    }
    if (strcmp(type, "EMAIL") == 0) {
        at = strchr(key, '@');
        return at && at != key && strchr(at, '.') && strlen(key) <= 77 && !strchr(key, ' ');
    }
    if (strcmp(type, "PHONE") == 0)
        return all_digits(key[0] == '+' ? key + 1 : key, 10, 13);
    if (strcmp(type, "EVP") == 0)
        return uuid_shaped(key);
    return false;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);

    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* bankAccount for a Pix key: only what the key tells (the DICT lookup is not emulated). */
static cJSON *pix_key_account(const char *key, enum am_doc_kind doc, const char *digits)
{
    cJSON *o = cJSON_CreateObject(), *bank = cJSON_CreateObject();
    char masked[24];
    int r = (o && bank && cJSON_AddItemToObject(o, "bank", bank)) ? 0 : -ENOMEM;

    if (r < 0)
        cJSON_Delete(bank);
    if (doc != AM_DOC_INVALID)
        mask_doc(digits, doc, masked);
    if (r == 0)
        r = am_mo_set_str(bank, "ispb", NULL);
    if (r == 0)
        r = am_mo_set_str(bank, "code", NULL);
    if (r == 0)
        r = am_mo_set_str(bank, "name", NULL);
    const char *nulls[] = {"accountName", "ownerName"};
    for (size_t i = 0; r == 0 && i < 2; i++)
        r = am_mo_set_str(o, nulls[i], NULL);
    if (r == 0)
        r = am_mo_set_str(o, "cpfCnpj", doc != AM_DOC_INVALID ? masked : NULL);
    const char *rest[] = {"agency", "agencyDigit", "account", "accountDigit"};
    for (size_t i = 0; r == 0 && i < 4; i++)
        r = am_mo_set_str(o, rest[i], NULL);
    if (r == 0)
        r = am_mo_set_str(o, "pixAddressKey", key);
    if (r < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A required string member of the request's bankAccount (numbers accepted as text). */
static const char *member_text(const cJSON *o, const char *key, char buf[32])
{
    const cJSON *v = am_input_field(o, key);

    if (cJSON_IsString(v) && v->valuestring[0])
        return v->valuestring;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15) {
        snprintf(buf, 32, "%.0f", v->valuedouble);
        return buf;
    }
    return NULL;
}

static int bank_field_missing(struct am_response *resp, const char *field)
{
    char text[128];

    snprintf(text, sizeof(text), AM_TXT_TRANSFER_BANK_FIELD_FMT, field);
    return am_input_fail(resp, 400, AM_ERR_TRANSFER_DEST, text);
}

/* Validates bankAccount and renders it into spec (dest, fails, bank_account). */
static int bank_account(const cJSON *in, struct am_transfer_spec *spec, char *dest,
                        size_t dest_len, struct am_response *resp)
{
    char b_code[32], b_agency[32], b_account[32], b_digit[32], b_ispb[32], digits[15];
    char masked[24];
    const cJSON *bank = am_input_field(in, "bank");
    const char *code = cJSON_IsObject(bank) ? member_text(bank, "code", b_code) : NULL;
    const char *owner = am_mo_str(in, "ownerName"), *doc = am_mo_str(in, "cpfCnpj");
    const char *agency = member_text(in, "agency", b_agency);
    const char *account = member_text(in, "account", b_account);
    const char *digit = member_text(in, "accountDigit", b_digit);
    const char *ispb = member_text(in, "ispb", b_ispb), *name = NULL;
    const char *type = am_mo_str(in, "bankAccountType");
    enum am_doc_kind kind;
    cJSON *o, *b;
    int r;

    if (!code)
        return bank_field_missing(resp, "bank.code");
    if (!owner || !owner[0])
        return bank_field_missing(resp, "ownerName");
    if (!doc || !doc[0])
        return bank_field_missing(resp, "cpfCnpj");
    kind = am_cpfcnpj_validate(doc, digits);
    if (kind == AM_DOC_INVALID)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_DEST, AM_TXT_TRANSFER_BANK_CPF);
    if (!agency)
        return bank_field_missing(resp, "agency");
    if (!account)
        return bank_field_missing(resp, "account");
    if (!digit)
        return bank_field_missing(resp, "accountDigit");
    if (type && strcmp(type, "CONTA_CORRENTE") != 0 && strcmp(type, "CONTA_POUPANCA") != 0)
        return bank_field_missing(resp, "bankAccountType");
    for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
        if (strcmp(banks[i].code, code) == 0) {
            name = banks[i].name;
            if (!ispb)
                ispb = banks[i].ispb;
        }
    }
    mask_doc(digits, kind, masked);
    o = cJSON_CreateObject();
    b = cJSON_CreateObject();
    r = (o && b && cJSON_AddItemToObject(o, "bank", b)) ? 0 : -ENOMEM;
    if (r < 0)
        cJSON_Delete(b);
    if (r == 0)
        r = am_mo_set_str(b, "ispb", ispb);
    if (r == 0)
        r = am_mo_set_str(b, "code", code);
    if (r == 0)
        r = am_mo_set_str(b, "name", name);
    if (r == 0)
        r = am_mo_set_str(o, "accountName", am_mo_str(in, "accountName"));
    if (r == 0)
        r = am_mo_set_str(o, "ownerName", owner);
    if (r == 0)
        r = am_mo_set_str(o, "cpfCnpj", masked);
    if (r == 0)
        r = am_mo_set_str(o, "agency", agency);
    if (r == 0)
        r = am_mo_set_str(o, "agencyDigit", NULL);
    if (r == 0)
        r = am_mo_set_str(o, "account", account);
    if (r == 0)
        r = am_mo_set_str(o, "accountDigit", digit);
    if (r == 0)
        r = am_mo_set_str(o, "pixAddressKey", NULL);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    spec->bank_account = o;
    spec->fails = strspn(account, "0") == strlen(account);
    snprintf(dest, dest_len, "bank:%s/%s/%s-%s", code, agency, account, digit);
    return 0;
}

/* pixAddressKey + pixAddressKeyType, or bankAccount; then operationType. */
static int external_dest(const cJSON *body, struct am_transfer_spec *spec, char *dest,
                         size_t dest_len, struct am_response *resp)
{
    const char *key = NULL, *type = NULL, *op = NULL;
    const cJSON *bank = am_input_field(body, "bankAccount");
    enum am_doc_kind doc;
    char digits[15];
    int r;

    r = am_input_text(body, "pixAddressKey", &key, resp);
    if (r == 0)
        r = am_input_text(body, "pixAddressKeyType", &type, resp);
    if (r == 0)
        r = am_input_text(body, "operationType", &op, resp);
    if (r != 0)
        return r;
    if (op && strcmp(op, "PIX") != 0 && strcmp(op, "TED") != 0)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_OPERATION, AM_TXT_TRANSFER_OPERATION);
    if (key) {
        if (!type || (strcmp(type, "CPF") && strcmp(type, "CNPJ") && strcmp(type, "EMAIL") &&
                      strcmp(type, "PHONE") && strcmp(type, "EVP")))
            return am_input_fail(resp, 400, AM_ERR_TRANSFER_KEY_TYPE, AM_TXT_TRANSFER_KEY_TYPE);
        if (!pix_key_ok(type, key, &doc, digits))
            return am_input_fail(resp, 400, AM_ERR_TRANSFER_KEY, AM_TXT_TRANSFER_KEY);
        if (op && strcmp(op, "PIX") != 0)
            return am_input_fail(resp, 400, AM_ERR_TRANSFER_OPERATION,
                                 AM_TXT_TRANSFER_OPERATION_KEY);
        spec->op = AM_TRANSFER_PIX;
        spec->bank_account = pix_key_account(key, doc, digits);
        if (!spec->bank_account)
            return -ENOMEM;
        spec->fails = strcmp(type, "EMAIL") == 0 && ends_with(key, AM_TRANSFER_FAIL_DOMAIN);
        snprintf(dest, dest_len, "pix:%s", key);
        return 0;
    }
    if (!cJSON_IsObject(bank))
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_DEST, AM_TXT_TRANSFER_DEST_MISSING);
    spec->op = op && strcmp(op, "TED") == 0 ? AM_TRANSFER_TED : AM_TRANSFER_PIX;
    return bank_account(bank, spec, dest, dest_len, resp);
}

/* The receiver's now: its own clock at the sender's real instant (a frozen sender's
 * real instant is unknown: the sender's now then stands in). */
static int64_t receiver_now(const struct am_ctx *ctx, const struct am_account *recv)
{
    const struct am_clock *c = &ctx->account->clock;
    int64_t real_now = c->mode == AM_CLOCK_REAL ? ctx->now - c->offset : ctx->now;

    return am_clock_now(&recv->clock, real_now);
}

static int internal_dest(const struct am_ctx *ctx, const cJSON *body,
                         struct am_transfer_spec *spec, struct am_account **ret_recv,
                         char *dest, size_t dest_len, struct am_response *resp)
{
    const char *wallet = NULL;
    struct am_account *recv;
    cJSON *o;
    int r = am_input_text(body, "walletId", &wallet, resp);

    if (r != 0)
        return r;
    if (!wallet)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_WALLET, AM_TXT_TRANSFER_WALLET_MISSING);
    recv = am_registry_find_wallet(ctx->registry, wallet);
    if (!recv)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_WALLET, AM_TXT_TRANSFER_WALLET_UNKNOWN);
    if (recv == ctx->account)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_WALLET, AM_TXT_TRANSFER_WALLET_SELF);
    o = cJSON_CreateObject();
    r = o ? 0 : -ENOMEM;
    if (r == 0)
        r = am_mo_set_str(o, "name", recv->name[0] ? recv->name : recv->id);
    if (r == 0)
        r = am_mo_set_str(o, "cpfCnpj", NULL);
    if (r == 0)
        r = am_mo_set_str(o, "agency", "0001");
    if (r == 0)
        r = am_mo_set_str(o, "account", NULL);
    if (r == 0)
        r = am_mo_set_str(o, "accountDigit", NULL);
    if (r < 0) {
        cJSON_Delete(o);
        return r;
    }
    spec->op = AM_TRANSFER_INTERNAL;
    spec->account = o;
    spec->wallet_id = recv->wallet_id;
    *ret_recv = recv;
    snprintf(dest, dest_len, "wallet:%s", wallet);
    return 0;
}

/* recurring{frequency, quantity}: *ret_count transfers, *ret_weekly. 0, 1 or <0. */
static int recurring(const cJSON *body, unsigned *ret_count, bool *ret_weekly,
                     struct am_response *resp)
{
    const cJSON *rec = am_input_field(body, "recurring");
    const char *freq;
    long q;

    *ret_count = 1;
    if (!rec)
        return 0;
    freq = cJSON_IsObject(rec) ? am_mo_str(rec, "frequency") : NULL;
    if (!freq || (strcmp(freq, "WEEKLY") != 0 && strcmp(freq, "MONTHLY") != 0))
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_RECURRING, AM_TXT_TRANSFER_RECURRING);
    *ret_weekly = strcmp(freq, "WEEKLY") == 0;
    if (am_input_int(am_input_field(rec, "quantity"), 1, *ret_weekly ? 51 : 11, &q) < 0)
        return am_input_fail(resp, 400, AM_ERR_TRANSFER_RECURRING, AM_TXT_TRANSFER_RECURRING);
    *ret_count = (unsigned)q;
    return 0;
}

static int create(struct am_ctx *ctx, const struct am_request *req, struct am_response *resp,
                  bool internal_only)
{
    struct am_transfer_spec spec = {0};
    struct am_account *recv = NULL;
    cJSON *body = NULL, *t = NULL, *first = NULL;
    int64_t today, cents, base;
    unsigned count = 1;
    bool weekly = false;
    char dest[200], rec_id[37];
    int r;

    if (!am_api_ready(ctx))
        return -EINVAL;
    r = am_api_parse_body(req, resp, true, &body);
    if (r != 0)
        return am_input_done(r);
    today = am_api_today(ctx);
    spec.schedule_day = AM_NO_DAY;
    r = am_api_mo_value(body, "value", AM_TXT_TRANSFER_VALUE_MISSING,
                        AM_TXT_TRANSFER_VALUE_INVALID, &spec.value_cents, resp);
    if (r == 0 && (internal_only || am_input_field(body, "walletId")))
        r = internal_dest(ctx, body, &spec, &recv, dest, sizeof(dest), resp);
    else if (r == 0)
        r = external_dest(body, &spec, dest, sizeof(dest), resp);
    if (r == 0)
        r = am_input_text(body, "description", &spec.description, resp);
    if (r == 0)
        r = am_input_text(body, "externalReference", &spec.external_reference, resp);
    if (r == 0 && !recv) {
        int d = am_input_day(body, "scheduleDate", &spec.schedule_day);

        if (d == -ENOENT)
            spec.schedule_day = AM_NO_DAY;
        else if (d < 0 || spec.schedule_day < today)
            r = am_input_fail(resp, 400, AM_ERR_TRANSFER_SCHEDULE, AM_TXT_TRANSFER_SCHEDULE);
        if (r == 0)
            r = recurring(body, &count, &weekly, resp);
    }
    if (r != 0)
        goto out;
    spec.dest = dest;
    cents = (spec.value_cents + am_transfer_fee(spec.op, spec.value_cents)) * (int64_t)count;
    r = am_api_mo_balance(ctx, cents, AM_ERR_TRANSFER_BALANCE, AM_TXT_TRANSFER_BALANCE, resp);
    if (r == 0 && am_transfer_duplicate(ctx->account->records, dest, spec.value_cents, ctx->now))
        r = am_input_fail(resp, 409, AM_ERR_TRANSFER_DUPLICATE, AM_TXT_TRANSFER_DUPLICATE);
    if (r != 0)
        goto out;
    if (count > 1) {
        am_ids_uuid(ctx->ids, rec_id);
        spec.recurring = rec_id;
    }
    base = spec.schedule_day == AM_NO_DAY ? today : spec.schedule_day;
    for (unsigned k = 0; k < count && r == 0; k++) {
        /* each occurrence takes its own copy of the rendered destination */
        struct am_transfer_spec one = spec;

        one.bank_account = cJSON_Duplicate(spec.bank_account, true);
        one.account = cJSON_Duplicate(spec.account, true);
        if ((spec.bank_account && !one.bank_account) || (spec.account && !one.account)) {
            cJSON_Delete(one.bank_account);
            cJSON_Delete(one.account);
            r = -ENOMEM;
            break;
        }
        if (k > 0)
            one.schedule_day = weekly ? base + 7 * (int64_t)k : am_cal_add_months(base, (int)k);
        r = am_transfer_create(ctx->account->billing, ctx->account->records, ctx->ids, &one,
                               today, ctx->now, &t);
        if (r == 0 && !first)
            first = t;
    }
    if (r == 0 && recv) {
        int64_t rnow = receiver_now(ctx, recv);

        r = am_jobs_catch_up(recv, ctx->ids, rnow, NULL);
        if (r == 0)
            r = am_transfer_credit_internal(recv->billing, first, am_cal_day_of(rnow), rnow);
        ctx->others_changed = true;
    }
    if (r == 0)
        r = am_api_answer_json(resp, am_records_public(first));
out:
    cJSON_Delete(spec.bank_account);
    cJSON_Delete(spec.account);
    cJSON_Delete(body);
    return am_input_done(r);
}

int am_api_transfers_create(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    (void)id;
    return create(ctx, req, resp, false);
}

int am_api_transfers_create_internal(struct am_ctx *ctx, const char *id,
                                     const struct am_request *req, struct am_response *resp)
{
    (void)id;
    return create(ctx, req, resp, true);
}

int am_api_transfers_get(struct am_ctx *ctx, const char *id, const struct am_request *req,
                         struct am_response *resp)
{
    (void)req;
    return am_api_mo_answer_found(ctx, AM_TRANSFERS, id, resp);
}

/* A day filter of the list; *ret stays AM_NO_DAY when absent. 0, 1 or <0. */
static int query_day(const struct am_ctx *ctx, const char *key, int64_t *ret,
                     struct am_response *resp)
{
    const char *v = am_api_query_value(ctx->query, key);

    *ret = AM_NO_DAY;
    if (v && am_cal_parse_day(v, ret) < 0)
        return am_input_fail(resp, 400, AM_ERR_FIN_DATE, AM_TXT_FIN_DATE);
    return 0;
}

static bool in_range(int64_t day, int64_t ge, int64_t le)
{
    if (ge == AM_NO_DAY && le == AM_NO_DAY)
        return true;
    if (day == AM_NO_DAY)
        return false;
    return (ge == AM_NO_DAY || day >= ge) && (le == AM_NO_DAY || day <= le);
}

static int64_t day_member(const cJSON *t, const char *key)
{
    const char *s = am_mo_str(t, key);
    int64_t d;

    return s && am_cal_parse_day(s, &d) == 0 ? d : AM_NO_DAY;
}

static bool type_matches(const cJSON *t, const char *want)
{
    const char *op = am_mo_str(t, "operationType");

    if (!want || !op)
        return true;
    if (strcmp(want, "BANK_ACCOUNT") == 0)
        return strcmp(op, "INTERNAL") != 0;
    if (strcmp(want, "ASAAS_ACCOUNT") == 0)
        return strcmp(op, "INTERNAL") == 0;
    return strcmp(op, want) == 0;
}

int am_api_transfers_list(struct am_ctx *ctx, const char *id, const struct am_request *req,
                          struct am_response *resp)
{
    static const char *const types[] = {"PIX", "TED", "INTERNAL", "BANK_ACCOUNT",
                                        "ASAAS_ACCOUNT"};
    struct am_page pg;
    struct am_api_pager pager;
    int64_t c_ge, c_le, t_ge, t_le;
    const char *type;
    bool type_ok = false;
    size_t n;
    int r;

    (void)id;
    (void)req;
    r = am_api_list_begin(ctx, resp, &pg);
    if (r == 0)
        r = query_day(ctx, "dateCreated[ge]", &c_ge, resp);
    if (r == 0)
        r = query_day(ctx, "dateCreated[le]", &c_le, resp);
    if (r == 0)
        r = query_day(ctx, "transferDate[ge]", &t_ge, resp);
    if (r == 0)
        r = query_day(ctx, "transferDate[le]", &t_le, resp);
    if (r != 0)
        return am_input_done(r);
    type = am_api_query_value(ctx->query, "type");
    for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
        type_ok = type_ok || strcmp(type, types[i]) == 0;
    if (type && !type_ok)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_TRANSFER_FILTER,
                                           AM_TXT_TRANSFER_FILTER));
    am_api_pager_init(&pager, &pg);
    n = am_records_count(ctx->account->records, AM_TRANSFERS);
    for (size_t k = 0; k < n; k++) {
        const cJSON *t = am_records_at(ctx->account->records, AM_TRANSFERS, n - 1 - k);
        int64_t when = day_member(t, "effectiveDate");

        if (when == AM_NO_DAY)
            when = day_member(t, "scheduleDate");
        if (!type_matches(t, type) || !in_range(day_member(t, "dateCreated"), c_ge, c_le) ||
            !in_range(when, t_ge, t_le))
            continue;
        if (am_api_pager_take(&pager))
            am_api_pager_add(&pager, am_records_public(t));
    }
    return am_api_pager_answer(&pager, resp);
}

int am_api_transfers_cancel(struct am_ctx *ctx, const char *id, const struct am_request *req,
                            struct am_response *resp)
{
    cJSON *t;
    int r;

    (void)req;
    if (!am_api_ready(ctx))
        return -EINVAL;
    t = id ? am_records_find(ctx->account->records, AM_TRANSFERS, id) : NULL;
    r = am_api_found(ctx, t, resp);
    if (r != 0)
        return am_input_done(r);
    r = am_transfer_cancel(ctx->account->billing, t, am_api_today(ctx), ctx->now);
    if (r == -EPERM)
        return am_input_done(am_input_fail(resp, 400, AM_ERR_TRANSFER_CANCEL,
                                           AM_TXT_TRANSFER_CANCEL));
    if (r < 0)
        return r;
    return am_api_answer_json(resp, am_records_public(t));
}
