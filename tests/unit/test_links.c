/* test_links.c - multipart bodies, payment links and images, checkouts, invoices and
 * dunning: their objects, state machines, events, ledger lines and daily jobs. */
#include "test_helpers.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "billing_state.h"
#include "calendar.h"
#include "dunning.h"
#include "ids.h"
#include "invoices.h"
#include "links.h"
#include "multipart.h"
#include "records.h"
#include "recurring_state.h"
#include "registry.h"
#include "subscriptions.h"

#define NOW 1784030400 /* 2026-07-14 12:00 UTC */

struct fx {
    struct am_account a;
    struct am_ids ids;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->a.billing = am_billing_new("acc-links");
    f->a.records = am_records_new();
    assert_non_null(f->a.billing);
    assert_non_null(f->a.records);
    am_ids_init(&f->ids, 7);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_billing_free(f->a.billing);
    am_records_free(f->a.records);
    free(f);
    return 0;
}

static cJSON *json(const char *text)
{
    cJSON *o = cJSON_Parse(text);

    assert_non_null(o);
    return o;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *s = am_link_str(o, key);

    assert_non_null(s);
    return s;
}

/* Names of the account's events for resource id, comma-separated. */
static void events_of(struct am_billing *b, const char *id, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; i < am_billing_events_count(b); i++) {
        const struct am_event *e = am_billing_event_at(b, i);

        if (strcmp(e->resource_id, id) == 0) {
            if (out[0])
                strncat(out, ",", len - strlen(out) - 1);
            strncat(out, e->name, len - strlen(out) - 1);
        }
    }
}

static int64_t today(void)
{
    return am_cal_day_of(NOW);
}

/* ---- multipart ----------------------------------------------------------------------- */

static void test_multipart_parses_fields_and_files(void **state)
{
    static const char body[] = "--b0\r\nContent-Disposition: form-data; name=\"main\"\r\n\r\n"
                               "true\r\n--b0\r\nContent-Disposition: form-data; name=\"image\"; "
                               "filename=\"a \\\"x\\\".png\"\r\nContent-Type: image/png\r\n\r\n"
                               "\x89PNG\0bin\r\n--b0--\r\n";
    struct am_multipart m;
    char err[128];
    const struct am_multipart_part *p;

    (void)state;
    assert_true(am_multipart_is("multipart/form-data; boundary=b0"));
    assert_false(am_multipart_is("application/json"));
    assert_int_equal(am_multipart_parse("multipart/form-data; boundary=\"b0\"", body,
                                        sizeof(body) - 1, &m, err, sizeof(err)),
                     0);
    assert_int_equal(m.n, 2);
    p = am_multipart_find(&m, "main");
    assert_non_null(p);
    assert_false(p->is_file);
    assert_int_equal(p->len, 4);
    assert_memory_equal(p->data, "true", 4);
    p = am_multipart_find(&m, "image");
    assert_true(p->is_file);
    assert_string_equal(p->filename, "a \"x\".png");
    assert_string_equal(p->content_type, "image/png");
    assert_int_equal(p->len, 8); /* binary, NUL included */
    assert_null(am_multipart_find(&m, "other"));
}

static void test_multipart_refuses_malformed_bodies(void **state)
{
    struct am_multipart m;
    char err[128];
    static const char *const bad[] = {
        "--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx", /* not terminated */
        "--b0\r\nContent-Type: text/plain\r\n\r\nx\r\n--b0--",           /* no disposition */
        "--b0\r\nContent-Disposition: form-data; name=\"a\"",            /* no header end */
        "garbage",                                                      /* no boundary */
        "--b0garbage",                                                  /* bad delimiter */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(am_multipart_parse("multipart/form-data; boundary=b0", bad[i],
                                            strlen(bad[i]), &m, err, sizeof(err)),
                         -EINVAL);
    assert_int_equal(am_multipart_parse("multipart/form-data", "x", 1, &m, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "multipart body without a boundary");
    assert_int_equal(am_multipart_parse("multipart/form-data; boundary=b0", NULL, 0, &m, err,
                                        sizeof(err)),
                     -EINVAL);
}

/* Every prefix of a valid body and every single-byte change of it: the parser answers 0
 * or -EINVAL and every part stays inside the body (ASan builds check the reads). */
static void test_multipart_survives_truncation_and_byte_changes(void **state)
{
    static const char body[] = "--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nxy\r\n"
                               "--b0\r\nContent-Disposition: form-data; name=\"f\"; filename=\"q\"\r\n"
                               "Content-Type: t\r\n\r\n\x01\x02\r\n--b0--\r\n";
    static const char subst[] = {'\0', '\r', '\n', '-', '"', ';', 'b', '0', '='};
    const size_t len = sizeof(body) - 1;
    char buf[sizeof(body)], err[128];
    struct am_multipart m;

    (void)state;
    for (size_t cut = 0; cut <= len; cut++) {
        char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
        int r;

        memcpy(copy, body, cut);
        r = am_multipart_parse("multipart/form-data; boundary=b0", copy, cut, &m, err,
                               sizeof(err));
        assert_true(r == 0 || r == -EINVAL);
        for (size_t i = 0; r == 0 && i < m.n; i++)
            assert_true(m.parts[i].data >= copy && m.parts[i].data + m.parts[i].len <= copy + cut);
        free(copy);
    }
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof(subst); k++) {
            int r;

            memcpy(buf, body, len);
            buf[i] = subst[k];
            r = am_multipart_parse("multipart/form-data; boundary=b0", buf, len, &m, err,
                                   sizeof(err));
            assert_true(r == 0 || r == -EINVAL);
        }
    }
}

/* ---- payment links ------------------------------------------------------------------ */

static void test_link_create_defaults_update_delete_view(void **state)
{
    struct fx *f = *state;
    cJSON *body = json("{\"name\":\"Curso\",\"billingType\":\"PIX\",\"chargeType\":\"INSTALLMENT\","
                       "\"value\":\"10.5\",\"callback\":{\"successUrl\":\"https://x\"}}");
    cJSON *upd = json("{\"name\":\"Novo\",\"active\":\"false\",\"maxInstallmentCount\":3}");
    char id[13], *text;
    cJSON *l, *pub;

    (void)state;
    am_link_new_id(f->a.records, &f->ids, id);
    assert_int_equal(strlen(id), 12);
    l = am_link_create(f->a.records, id, body);
    assert_non_null(l);
    pub = am_records_public(l);
    text = cJSON_PrintUnformatted(pub);
    /* Asaas's field order; the callback is kept privately only. */
    assert_non_null(strstr(text, "\"name\":\"Curso\",\"value\":10.5,\"active\":true,"
                                 "\"chargeType\":\"INSTALLMENT\",\"url\":\"https://sandbox.asaas.com/c/"));
    assert_non_null(strstr(text, "\"deleted\":false,\"viewCount\":0,\"maxInstallmentCount\":1,"
                                 "\"dueDateLimitDays\":null,\"notificationEnabled\":true,"
                                 "\"isAddressRequired\":false,\"externalReference\":null}"));
    assert_null(strstr(text, "callback"));
    assert_non_null(cJSON_GetObjectItem(l, "_callback"));
    cJSON_free(text);
    cJSON_Delete(pub);
    assert_int_equal(am_link_update(l, upd), 0);
    assert_string_equal(str(l, "name"), "Novo");
    assert_false(am_link_bool(l, "active"));
    assert_int_equal(am_link_int(l, "maxInstallmentCount", 0), 3);
    am_link_count_view(l);
    am_link_count_view(l);
    assert_int_equal(am_link_int(l, "viewCount", 0), 2);
    am_link_set_deleted(l, true);
    assert_true(am_link_bool(l, "deleted"));
    am_link_set_deleted(l, false);
    assert_true(am_link_bool(l, "active"));
    cJSON_Delete(body);
    cJSON_Delete(upd);
}

static void test_link_images_kinds_main_and_removal(void **state)
{
    struct fx *f = *state;
    static const unsigned char png[] = "\x89PNG\r\n\x1a\nrest";
    cJSON *a, *b, *c;
    char ida[37], idb[37];

    assert_string_equal(am_link_image_kind(png, sizeof(png) - 1), "png");
    assert_string_equal(am_link_image_kind((const unsigned char *)"\xFF\xD8\xFFx", 4), "jpg");
    assert_string_equal(am_link_image_kind((const unsigned char *)"GIF89a", 6), "gif");
    assert_string_equal(am_link_image_kind((const unsigned char *)"RIFF1234WEBP", 12), "webp");
    assert_null(am_link_image_kind((const unsigned char *)"text", 4));
    assert_null(am_link_image_kind((const unsigned char *)"\x89PN", 3));

    a = am_link_image_add(f->a.records, &f->ids, "L1", "a.png", "png", png, sizeof(png) - 1, false);
    assert_true(am_link_bool(a, "main")); /* first image */
    snprintf(ida, sizeof(ida), "%s", str(a, "id"));
    b = am_link_image_add(f->a.records, &f->ids, "L1", "b.png", "png", png, sizeof(png) - 1, false);
    snprintf(idb, sizeof(idb), "%s", str(b, "id"));
    assert_false(am_link_bool(b, "main"));
    c = am_link_image_add(f->a.records, &f->ids, "L2", "c.png", "png", png, sizeof(png) - 1, false);
    assert_true(am_link_bool(c, "main")); /* per link */
    assert_int_equal(am_link_image_count(f->a.records, "L1"), 2);
    assert_null(am_link_image_find(f->a.records, "L2", ida)); /* another link's image */
    assert_string_equal(str(cJSON_GetObjectItem(a, "image"), "extension"), "png");
    assert_non_null(am_link_str(a, "_data"));
    am_link_image_set_main(f->a.records, b);
    assert_false(am_link_bool(am_link_image_find(f->a.records, "L1", ida), "main"));
    assert_int_equal(am_link_image_remove(f->a.records, "L1", idb), 0);
    assert_true(am_link_bool(am_link_image_find(f->a.records, "L1", ida), "main"));
    assert_int_equal(am_link_image_remove(f->a.records, "L1", idb), -ENOENT);
    assert_true(am_link_bool(c, "main"));
}

static void test_billing_origin_sets_payment_link_and_survives_snapshots(void **state)
{
    struct fx *f = *state;
    struct am_payment_spec spec;
    struct am_payment *p, *q;
    struct am_billing *back = NULL;
    cJSON *snap, *o;
    char err[160];

    am_payment_spec_init(&spec);
    spec.customer = "cus_000000000001";
    spec.billing_type = AM_BILLING_PIX;
    spec.value_cents = 1000;
    spec.due_day = today();
    am_billing_set_origin(f->a.billing, "725104409743", NULL);
    assert_int_equal(am_billing_payment_create(f->a.billing, &f->ids, &spec, NOW, &p), 0);
    am_billing_set_origin(f->a.billing, NULL, "co-1");
    assert_int_equal(am_billing_payment_create(f->a.billing, &f->ids, &spec, NOW, &q), 0);
    am_billing_set_origin(f->a.billing, NULL, NULL);
    assert_string_equal(p->payment_link, "725104409743");
    assert_string_equal(p->checkout_session, "");
    assert_string_equal(q->checkout_session, "co-1");
    o = am_payment_to_json(p);
    assert_string_equal(cJSON_GetObjectItem(o, "paymentLink")->valuestring, "725104409743");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "checkoutSession")));
    cJSON_Delete(o);
    /* The PAYMENT_CREATED snapshot already carries it. */
    assert_non_null(strstr(am_billing_event_at(f->a.billing, 0)->snapshot,
                           "\"paymentLink\":\"725104409743\""));
    /* An installment added while the origin is set carries it too. */
    {
        struct am_installment in = {.id = "5f0c8a5e-0000-4000-8000-000000000001",
                                    .customer = "cus_000000000001", .count = 2};
        struct am_installment *stored;

        in.first_due_day = in.payment_day = AM_NO_DAY;
        am_billing_set_origin(f->a.billing, "725104409743", NULL);
        assert_int_equal(am_billing_installment_add(f->a.billing, &in, &stored), 0);
        am_billing_set_origin(f->a.billing, NULL, NULL);
        assert_string_equal(stored->payment_link, "725104409743");
        assert_string_equal(am_billing_origin_link(f->a.billing), "");
    }
    snap = am_billing_state_export(f->a.billing);
    assert_int_equal(am_billing_state_import(snap, "acc-links", "b", &back, err, sizeof(err)), 0);
    assert_string_equal(am_billing_payment_find(back, p->id)->payment_link, "725104409743");
    assert_string_equal(am_billing_payment_find(back, q->id)->checkout_session, "co-1");
    assert_string_equal(
        am_billing_installment_find(back, "5f0c8a5e-0000-4000-8000-000000000001")->payment_link,
        "725104409743");
    am_billing_free(back);
    cJSON_Delete(snap);
}

static void test_subscription_payment_link_survives_snapshots(void **state)
{
    struct am_recurring *r = am_recurring_new(), *back = NULL;
    struct am_subscription *s = am_subscription_new();
    cJSON *snap;
    char err[160];

    (void)state;
    snprintf(s->id, sizeof(s->id), "sub_0000000000000001");
    snprintf(s->customer, sizeof(s->customer), "cus_000000000001");
    s->value_cents = 1000;
    s->next_due_day = today();
    snprintf(s->payment_link, sizeof(s->payment_link), "725104409743");
    snprintf(s->checkout_session, sizeof(s->checkout_session), "co-1");
    assert_int_equal(am_recurring_add(r, s), 0);
    snap = am_recurring_state_export(r);
    assert_int_equal(am_recurring_state_import(snap, "r", &back, err, sizeof(err)), 0);
    assert_string_equal(am_recurring_find(back, "sub_0000000000000001")->payment_link,
                        "725104409743");
    assert_string_equal(am_recurring_find(back, "sub_0000000000000001")->checkout_session, "co-1");
    {
        cJSON *o = am_subscription_to_json(am_recurring_find(back, "sub_0000000000000001"));

        assert_string_equal(cJSON_GetObjectItem(o, "paymentLink")->valuestring, "725104409743");
        assert_string_equal(cJSON_GetObjectItem(o, "checkoutSession")->valuestring, "co-1");
        cJSON_Delete(o);
    }
    cJSON_Delete(snap);
    am_recurring_free(back);
    am_recurring_free(r);
}

/* ---- checkouts ---------------------------------------------------------------------- */

static void test_checkout_states_events_and_expiry(void **state)
{
    struct fx *f = *state;
    cJSON *body = json("{\"billingTypes\":[\"PIX\"],\"chargeTypes\":[\"DETACHED\"],"
                       "\"minutesToExpire\":10,\"callback\":{\"successUrl\":\"a\",\"cancelUrl\":\"b\"},"
                       "\"items\":[{\"name\":\"x\",\"quantity\":3,\"value\":1.5,\"imageBase64\":\"aGk=\"},"
                       "{\"name\":\"y\",\"quantity\":1,\"value\":2}],\"splits\":[]}");
    cJSON *a = am_checkout_create(f->a.records, f->a.billing, &f->ids, body, NOW);
    cJSON *b = am_checkout_create(f->a.records, f->a.billing, &f->ids, body, NOW);
    char ev[256];

    assert_non_null(a);
    assert_string_equal(str(a, "status"), "ACTIVE");
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(a, "split")));
    assert_int_equal(am_checkout_total_cents(a), 650);
    assert_int_equal(am_checkout_move(f->a.billing, a, "PAID", NOW + 60), 0);
    assert_int_equal(am_checkout_move(f->a.billing, a, "CANCELED", NOW + 60), -EPERM);
    /* Expiry: nothing before the instant, then EXPIRED stamped with it. */
    assert_int_equal(am_checkouts_expire_due(f->a.records, f->a.billing, NOW + 599), 0);
    assert_int_equal(am_checkouts_expire_due(f->a.records, f->a.billing, NOW + 600), 1);
    assert_int_equal(am_checkouts_expire_due(f->a.records, f->a.billing, NOW + 900), 0);
    assert_string_equal(str(b, "status"), "EXPIRED");
    events_of(f->a.billing, str(a, "id"), ev, sizeof(ev));
    assert_string_equal(ev, "CHECKOUT_CREATED,CHECKOUT_PAID");
    events_of(f->a.billing, str(b, "id"), ev, sizeof(ev));
    assert_string_equal(ev, "CHECKOUT_CREATED,CHECKOUT_EXPIRED");
    assert_int_equal(am_billing_event_at(f->a.billing, 3)->created_at, NOW + 600);
    assert_string_equal(am_billing_event_at(f->a.billing, 3)->resource_type, "checkout");
    cJSON_Delete(body);
}

/* ---- invoices ----------------------------------------------------------------------- */

static const char invoice_body[] =
    "{\"serviceDescription\":\"s\",\"observations\":\"o\",\"value\":100,\"deductions\":10,"
    "\"effectiveDate\":\"2026-07-15\",\"municipalServiceName\":\"n\","
    "\"taxes\":{\"retainIss\":true,\"iss\":2,\"pis\":1,\"cofins\":3,\"csll\":0,\"inss\":0,\"ir\":0}}";

static void test_fiscal_info_keeps_secrets_as_flags(void **state)
{
    struct fx *f = *state;
    cJSON *body = json("{\"email\":\"a@b.c\",\"simplesNacional\":\"false\",\"password\":\"pw\","
                       "\"rpsNumber\":\"7\"}");
    cJSON *again = json("{\"cnae\":\"6209100\"}"), *pub;
    char *text;

    assert_null(am_fiscal_public(f->a.records));
    assert_non_null(am_fiscal_save(f->a.records, body));
    assert_non_null(am_fiscal_save(f->a.records, again)); /* merges */
    pub = am_fiscal_public(f->a.records);
    text = cJSON_PrintUnformatted(pub);
    assert_null(strstr(text, "pw"));
    assert_non_null(strstr(text, "\"object\":\"customerFiscalInfo\",\"email\":\"a@b.c\""));
    assert_non_null(strstr(text, "\"simplesNacional\":false"));
    assert_non_null(strstr(text, "\"cnae\":\"6209100\""));
    assert_non_null(strstr(text, "\"rpsNumber\":7"));
    assert_non_null(strstr(text, "\"passwordSent\":true,\"accessTokenSent\":false,"
                                 "\"certificateSent\":false"));
    cJSON_free(text);
    cJSON_Delete(pub);
    cJSON_Delete(body);
    cJSON_Delete(again);
}

static void test_invoice_machine_job_fee_and_error(void **state)
{
    struct fx *f = *state;
    cJSON *body = json(invoice_body), *fiscal = json("{\"email\":\"a@b.c\",\"rpsSerie\":\"E\"}");
    cJSON *inv, *other, *taxes;
    char ev[256], id[20];
    size_t check_index;

    assert_non_null(am_fiscal_save(f->a.records, fiscal));
    inv = am_invoice_create(f->a.records, f->a.billing, &f->ids, body, "cus_1", NULL, NULL,
                            today(), NOW);
    assert_non_null(inv);
    snprintf(id, sizeof(id), "%s", str(inv, "id"));
    assert_int_equal(strlen(id), 16);
    taxes = cJSON_GetObjectItem(inv, "taxes");
    assert_string_equal(str(taxes, "pisCofinsRetentionType"), "WITHHELD");
    assert_string_equal(str(inv, "estimatedTaxesDescription"),
                        "Valor aproximado dos tributos: R$ 5.40 (6.00%)");
    /* The job of the day it was scheduled, and of the day before effectiveDate: nothing. */
    assert_int_equal(am_invoices_job_day(&f->a, &f->ids, today(), NOW), 0);
    assert_string_equal(str(inv, "status"), "SCHEDULED");
    /* effectiveDate: authorized, fee debited with the invoice named. */
    assert_int_equal(am_invoices_job_day(&f->a, &f->ids, today() + 1, NOW + 86400), 0);
    assert_string_equal(str(inv, "status"), "AUTHORIZED");
    assert_string_equal(str(inv, "number"), "1");
    assert_string_equal(str(inv, "rpsSerie"), "E");
    assert_int_equal(am_billing_balance(f->a.billing), -AM_INVOICE_FEE_CENTS);
    assert_int_equal(am_billing_ledger_at(f->a.billing, 0)->type, AM_LEDGER_INVOICE_FEE);
    assert_string_equal(am_billing_ledger_at(f->a.billing, 0)->ref_id, id);
    assert_int_equal(am_billing_ledger_check(f->a.billing, &check_index), 0);
    assert_int_equal(am_invoice_update(f->a.billing, inv, body, NOW), -EPERM);
    assert_int_equal(am_invoice_authorize(f->a.records, f->a.billing, inv, today(), NOW), -EPERM);
    assert_int_equal(am_invoice_cancel(f->a.billing, inv, false, today() + 1, NOW), 0);
    assert_string_equal(str(inv, "status"), "PROCESSING_CANCELLATION");
    assert_int_equal(am_invoices_job_day(&f->a, &f->ids, today() + 1, NOW), 0);
    assert_string_equal(str(inv, "status"), "PROCESSING_CANCELLATION");
    assert_int_equal(am_invoices_job_day(&f->a, &f->ids, today() + 2, NOW), 0);
    assert_string_equal(str(inv, "status"), "CANCELED");
    assert_int_equal(am_invoice_cancel(f->a.billing, inv, false, today(), NOW), -EPERM);
    events_of(f->a.billing, id, ev, sizeof(ev));
    assert_string_equal(ev, "INVOICE_CREATED,INVOICE_AUTHORIZED,INVOICE_PROCESSING_CANCELLATION,"
                            "INVOICE_CANCELED");

    /* A payment deleted before issuing: ERROR with its reason; no fee. */
    {
        struct am_payment_spec spec;
        struct am_payment *p;

        am_payment_spec_init(&spec);
        spec.customer = "cus_1";
        spec.billing_type = AM_BILLING_BOLETO;
        spec.value_cents = 5000;
        spec.due_day = today() + 5;
        assert_int_equal(am_billing_payment_create(f->a.billing, &f->ids, &spec, NOW, &p), 0);
        other = am_invoice_create(f->a.records, f->a.billing, &f->ids, body, "cus_1", p->id, NULL,
                                  today(), NOW);
        assert_int_equal(am_billing_payment_delete(f->a.billing, p, NOW), 0);
        assert_int_equal(am_invoices_job_day(&f->a, &f->ids, today() + 1, NOW), 0);
        assert_string_equal(str(other, "status"), "ERROR");
        assert_non_null(am_link_str(other, "statusDescription"));
        assert_int_equal(am_billing_balance(f->a.billing), -AM_INVOICE_FEE_CENTS);
    }
    /* Cancel a scheduled one at once; an authorized one only on Asaas at once. */
    other = am_invoice_create(f->a.records, f->a.billing, &f->ids, body, "cus_1", NULL, NULL,
                              today(), NOW);
    assert_int_equal(am_invoice_update(f->a.billing, other, fiscal, NOW), 0);
    assert_int_equal(am_invoice_cancel(f->a.billing, other, false, today(), NOW), 0);
    assert_string_equal(str(other, "status"), "CANCELED");
    other = am_invoice_create(f->a.records, f->a.billing, &f->ids, body, "cus_1", NULL, NULL,
                              today(), NOW);
    assert_int_equal(am_invoice_authorize(f->a.records, f->a.billing, other, today(), NOW), 0);
    assert_string_equal(str(other, "number"), "2");
    assert_int_equal(am_invoice_cancel(f->a.billing, other, true, today(), NOW), 0);
    assert_string_equal(str(other, "status"), "CANCELED");
    cJSON_Delete(body);
    cJSON_Delete(fiscal);
}

static void test_fiscal_catalogues(void **state)
{
    static const char *const names[] = {"services", "nbsCodes", "federalServiceCodes",
                                        "operationIndicatorCodes", "taxClassificationCodes",
                                        "taxSituationCodes"};
    cJSON *a, *o;

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        a = am_fiscal_catalogue(names[i]);
        assert_true(cJSON_GetArraySize(a) >= 3);
        cJSON_Delete(a);
    }
    assert_null(am_fiscal_catalogue("nope"));
    a = am_fiscal_catalogue("taxClassificationCodes");
    assert_string_equal(str(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "taxSituation"), "code"),
                        "200001");
    cJSON_Delete(a);
    o = am_fiscal_municipal_options();
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "specialTaxRegimesList")));
    cJSON_Delete(o);
}

/* ---- dunning ------------------------------------------------------------------------ */

static void test_dunning_machine_job_fee_and_paid(void **state)
{
    struct fx *f = *state;
    struct am_payment_spec spec;
    struct am_payment *p;
    cJSON *body = json("{\"customerName\":\"D\",\"description\":\"x\"}"), *d, *sim, *d2;
    size_t check_index;

    am_payment_spec_init(&spec);
    spec.customer = "cus_1";
    spec.billing_type = AM_BILLING_BOLETO;
    spec.value_cents = 20000;
    spec.due_day = today() - 3;
    assert_int_equal(am_billing_payment_create(f->a.billing, &f->ids, &spec, NOW, &p), 0);
    assert_non_null(am_dunning_not_allowed(f->a.records, p)); /* still PENDING */
    sim = am_dunning_simulation(f->a.records, p, today());
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(sim, "isAllowed")));
    cJSON_Delete(sim);
    assert_int_equal(am_billing_payment_overdue(f->a.billing, p, NOW), 0);
    assert_null(am_dunning_not_allowed(f->a.records, p));
    sim = am_dunning_simulation(f->a.records, p, today());
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(sim, "isAllowed")));
    assert_true(cJSON_GetObjectItem(sim, "netValue")->valuedouble == 190.01);
    cJSON_Delete(sim);

    d = am_dunning_create(f->a.records, &f->ids, p, body, false, today());
    assert_string_equal(str(d, "status"), "PENDING");
    assert_true(am_link_bool(d, "isNecessaryResendDocumentation"));
    assert_int_equal(am_link_int(d, "dunningNumber", 0), 1);
    assert_string_equal(str(cJSON_GetObjectItem(d, "_payer"), "customerName"), "D");
    assert_non_null(am_dunning_not_allowed(f->a.records, p)); /* one at a time */
    /* PENDING waits for documents: the job leaves it. */
    assert_int_equal(am_dunning_job_day(&f->a, &f->ids, today() + 1, NOW), 0);
    assert_string_equal(str(d, "status"), "PENDING");
    assert_int_equal(am_dunning_documents(d, today() + 1), 0);
    assert_int_equal(am_dunning_documents(d, today() + 1), -EPERM);
    assert_string_equal(str(d, "status"), "AWAITING_APPROVAL");
    assert_int_equal(am_dunning_job_day(&f->a, &f->ids, today() + 1, NOW), 0); /* same day */
    assert_string_equal(str(d, "status"), "AWAITING_APPROVAL");
    assert_int_equal(am_dunning_job_day(&f->a, &f->ids, today() + 2, NOW), 0);
    assert_string_equal(str(d, "status"), "PROCESSED");
    assert_int_equal(am_billing_balance(f->a.billing), -AM_DUNNING_FEE_CENTS);
    assert_int_equal(am_billing_ledger_at(f->a.billing, 0)->type,
                     AM_LEDGER_PAYMENT_DUNNING_REQUEST_FEE);
    assert_string_equal(am_billing_ledger_at(f->a.billing, 0)->ref_key, "paymentDunningId");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "_history")), 1);
    /* Paid charge: PAID at the next job, no second fee. */
    assert_int_equal(am_billing_payment_receive_in_cash(f->a.billing, p, today() + 2, 0, NOW), 0);
    assert_int_equal(am_dunning_job_day(&f->a, &f->ids, today() + 3, NOW), 0);
    assert_string_equal(str(d, "status"), "PAID");
    assert_false(am_link_bool(d, "canBeCancelled"));
    assert_int_equal(am_dunning_cancel(d, today()), -EPERM);
    assert_int_equal(am_billing_balance(f->a.billing), -AM_DUNNING_FEE_CENTS);
    assert_int_equal(am_billing_ledger_check(f->a.billing, &check_index), 0);

    /* Cancel before processing: at once. */
    assert_int_equal(am_billing_payment_undo_receive_in_cash(f->a.billing, p, NOW), 0);
    assert_int_equal(p->status, AM_PAY_OVERDUE);
    d2 = am_dunning_create(f->a.records, &f->ids, p, body, true, today());
    assert_string_equal(str(d2, "status"), "AWAITING_APPROVAL");
    assert_int_equal(am_dunning_cancel(d2, today()), 0);
    assert_string_equal(str(d2, "status"), "CANCELLED");
    cJSON_Delete(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multipart_parses_fields_and_files),
        cmocka_unit_test(test_multipart_refuses_malformed_bodies),
        cmocka_unit_test(test_multipart_survives_truncation_and_byte_changes),
        cmocka_unit_test_setup_teardown(test_link_create_defaults_update_delete_view, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_link_images_kinds_main_and_removal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_billing_origin_sets_payment_link_and_survives_snapshots,
                                        setup, teardown),
        cmocka_unit_test(test_subscription_payment_link_survives_snapshots),
        cmocka_unit_test_setup_teardown(test_checkout_states_events_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fiscal_info_keeps_secrets_as_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invoice_machine_job_fee_and_error, setup, teardown),
        cmocka_unit_test(test_fiscal_catalogues),
        cmocka_unit_test_setup_teardown(test_dunning_machine_job_fee_and_paid, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
