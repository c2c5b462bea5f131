/* test_pages.c - the hosted pages through am_app_handle: URLs under the client's base,
 * the invoice page (headers, view mark and event), paying by Pix and card with the API's
 * own rules, the boleto PDF, receipts, unknown ids, the dashboard shell and the control
 * routes for payments (admin token). */
#include "test_helpers.h"

#include <strings.h>

#include "app.h"
#include "log.h"
#include "public_url.h"

#define NOW INT64_C(1767225600) /* 2026-01-01 00:00:00 UTC */
#define DEV_KEY                                                                                   \
    "$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRh" \
    "YWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0"
#define ADMIN "adm-t0ken-for-tests"
#define HOST "127.0.0.1:8443"

struct fx {
    struct am_config cfg;
    struct am_app *app;
    struct am_response resp;
    char err[256];
    char pay[64], sfx[64];
};

static int setup_cfg(void **state, const char *admin, const char *public_url)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    am_config_defaults(&f->cfg);
    f->cfg.has_seed = true;
    f->cfg.seed = 11;
    f->cfg.clock = strdup("2026-07-14");
    if (admin)
        f->cfg.admin_token = strdup(admin);
    if (public_url)
        f->cfg.public_url = strdup(public_url);
    am_log_set_level(AM_LOG_ERROR);
    f->app = am_app_new(&f->cfg, NOW, f->err, sizeof(f->err));
    if (!f->app) {
        fprintf(stderr, "am_app_new: %s\n", f->err);
        return -1;
    }
    am_app_set_tls_ready(f->app, true);
    am_response_init(&f->resp);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_cfg(state, NULL, NULL);
}

static int setup_admin(void **state)
{
    return setup_cfg(state, ADMIN, NULL);
}

static int setup_public(void **state)
{
    return setup_cfg(state, NULL, "http://asaas-mock:8080/");
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    am_app_free(f->app);
    am_config_finish(&f->cfg);
    free(f);
    return 0;
}

static int run(struct fx *f, enum am_method method, const char *path, const char *query,
               const char *body, bool api, bool admin)
{
    struct am_request req;

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.query = query;
    req.client_ip = "127.0.0.1";
    req.request_id = "req-test";
    req.tls = true;
    am_request_add_header(&req, "Host", HOST);
    if (api) {
        am_request_add_header(&req, "access_token", DEV_KEY);
        am_request_add_header(&req, "User-Agent", "tests");
    }
    if (admin && f->cfg.admin_token)
        am_request_add_header(&req, "X-Mock-Admin-Token", f->cfg.admin_token);
    if (body) {
        req.body = body;
        req.body_len = strlen(body);
    }
    am_response_finish(&f->resp);
    am_app_handle(f->app, &req, NOW, &f->resp);
    am_app_complete(f->app, &req, &f->resp, NOW * 1000, 10);
    return f->resp.status;
}

static const char *body(const struct fx *f)
{
    return f->resp.body ? f->resp.body : "";
}

static const char *header(const struct fx *f, const char *name)
{
    for (size_t i = 0; i < f->resp.n_headers; i++) {
        if (strcasecmp(f->resp.headers[i].name, name) == 0)
            return f->resp.headers[i].value;
    }
    return NULL;
}

static const char *json_str(const struct fx *f, const char *key, char *out, size_t n)
{
    cJSON *j = cJSON_ParseWithLength(body(f), f->resp.body_len);
    const cJSON *v = cJSON_GetObjectItem(j, key);

    if (!cJSON_IsString(v))
        fail_msg("no string %s in %s", key, body(f));
    snprintf(out, n, "%s", v->valuestring);
    cJSON_Delete(j);
    return out;
}

/* A customer named like an attack and a charge of billingType type. */
static void make_payment(struct fx *f, const char *type)
{
    char cus[64], req[512];

    assert_int_equal(run(f, AM_METHOD_POST, "/v3/customers", NULL,
                         "{\"name\":\"<script>x</script>\",\"cpfCnpj\":\"24971563792\","
                         "\"email\":\"a@b.co\"}", true, false), 200);
    json_str(f, "id", cus, sizeof(cus));
    snprintf(req, sizeof(req), "{\"customer\":\"%s\",\"billingType\":\"%s\",\"value\":100,"
             "\"dueDate\":\"2026-07-20\",\"description\":\"<b>d</b>\"}", cus, type);
    assert_int_equal(run(f, AM_METHOD_POST, "/v3/payments", NULL, req, true, false), 200);
    json_str(f, "id", f->pay, sizeof(f->pay));
    snprintf(f->sfx, sizeof(f->sfx), "%s", f->pay + 4);
}

static void test_urls_follow_the_host_and_default_stays(void **state)
{
    struct fx *f = *state;
    char url[256], want[256];

    make_payment(f, "BOLETO");
    snprintf(want, sizeof(want), "https://" HOST "/i/%s", f->sfx);
    assert_string_equal(json_str(f, "invoiceUrl", url, sizeof(url)), want);
    snprintf(want, sizeof(want), "https://" HOST "/b/pdf/%s", f->sfx);
    assert_string_equal(json_str(f, "bankSlipUrl", url, sizeof(url)), want);
    /* Outside a request the base is back to Asaas's own. */
    assert_string_equal(am_public_url_base(), AM_PUBLIC_URL_DEFAULT);
}

static void test_public_url_option_wins_over_host(void **state)
{
    struct fx *f = *state;
    char url[256], want[256];

    make_payment(f, "PIX");
    snprintf(want, sizeof(want), "http://asaas-mock:8080/i/%s", f->sfx);
    assert_string_equal(json_str(f, "invoiceUrl", url, sizeof(url)), want);
}

static void test_invoice_page_marks_viewed_and_escapes(void **state)
{
    struct fx *f = *state;
    char path[128], when[32];

    make_payment(f, "UNDEFINED");
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    /* A HEAD (a link checker) is not a view. */
    assert_int_equal(run(f, AM_METHOD_HEAD, path, NULL, NULL, false, false), 200);
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/events", NULL, NULL, false,
                         false), 200);
    assert_null(strstr(body(f), "PAYMENT_CHECKOUT_VIEWED"));
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 200);
    assert_string_equal(f->resp.content_type, "text/html; charset=utf-8");
    assert_non_null(header(f, "Content-Security-Policy"));
    assert_non_null(strstr(header(f, "Content-Security-Policy"), "default-src 'none'"));
    assert_string_equal(header(f, "X-Content-Type-Options"), "nosniff");
    assert_null(strstr(body(f), "<script"));
    assert_null(strstr(body(f), "<b>d"));
    assert_non_null(strstr(body(f), "&lt;script&gt;x&lt;/script&gt;"));
    assert_non_null(strstr(body(f), "R$ 100,00"));

    snprintf(path, sizeof(path), "/v3/payments/%s", f->pay);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, true, false), 200);
    assert_string_equal(json_str(f, "lastInvoiceViewedDate", when, sizeof(when)),
                        "2026-07-14 12:00:00");
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/events", NULL, NULL, false,
                         false), 200);
    assert_non_null(strstr(body(f), "\"event\":\"PAYMENT_CHECKOUT_VIEWED\""));
}

static void test_pix_button_settles_like_the_sandbox(void **state)
{
    struct fx *f = *state;
    char path[128], status[32];

    make_payment(f, "PIX");
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, "pay=pix", false, false), 200);
    assert_non_null(strstr(body(f), "Pagamento realizado com sucesso."));
    snprintf(path, sizeof(path), "/v3/payments/%s", f->pay);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, true, false), 200);
    assert_string_equal(json_str(f, "status", status, sizeof(status)), "RECEIVED");
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/events", NULL, NULL, false,
                         false), 200);
    assert_non_null(strstr(body(f), "\"event\":\"PAYMENT_RECEIVED\""));
    /* Paying twice is refused with the sandbox's own text. */
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, "pay=pix", false, false), 400);
    assert_non_null(strstr(body(f), "class=\"notice error\""));
}

#define CARD_FORM(number)                                                                       \
    "pay=card&holderName=Ana+Silva&number=" number "&expiryMonth=12&expiryYear=2030&ccv=123"   \
    "&name=Ana+Silva&cpfCnpj=24971563792&email=a%40b.co&postalCode=89223005&addressNumber=1"   \
    "&phone=4738010919"

static void test_card_form_uses_the_api_rules(void **state)
{
    struct fx *f = *state;
    char path[128], status[32];

    make_payment(f, "CREDIT_CARD");
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, CARD_FORM("5184+0197+4037+3151"), false,
                         false), 400);
    assert_non_null(strstr(body(f), "Transa\xc3\xa7\xc3\xa3o n\xc3\xa3o autorizada"));
    /* The holder fields come back as typed; the card number never does. */
    assert_non_null(strstr(body(f), "value=\"89223005\""));
    assert_non_null(strstr(body(f), "value=\"4738010919\""));
    assert_non_null(strstr(body(f), "name=\"number\" required inputmode=\"numeric\" "
                                    "maxlength=\"23\"></div>"));
    assert_null(strstr(body(f), "value=\"5184"));
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, CARD_FORM("4444444444444444"), false,
                         false), 200);
    snprintf(path, sizeof(path), "/v3/payments/%s", f->pay);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, true, false), 200);
    assert_string_equal(json_str(f, "status", status, sizeof(status)), "CONFIRMED");
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, "pay=bitcoin", false, false), 400);
}

static void test_boleto_pdf_and_receipt(void **state)
{
    struct fx *f = *state;
    char path[128], when[32], url[256];
    const char *tail;

    make_payment(f, "BOLETO");
    snprintf(path, sizeof(path), "/b/pdf/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 200);
    assert_string_equal(f->resp.content_type, "application/pdf");
    assert_memory_equal(f->resp.body, "%PDF-", 5);
    snprintf(path, sizeof(path), "/v3/payments/%s", f->pay);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, true, false), 200);
    assert_string_equal(json_str(f, "lastBankSlipViewedDate", when, sizeof(when)),
                        "2026-07-14 12:00:00");
    snprintf(path, sizeof(path), "/v3/sandbox/payment/%s/confirm", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, true, false), 200);
    tail = strrchr(json_str(f, "transactionReceiptUrl", url, sizeof(url)), '/');
    snprintf(path, sizeof(path), "/comprovantes/%s", tail + 1);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 200);
    assert_non_null(strstr(body(f), "Comprovante de pagamento"));
    assert_non_null(strstr(body(f), tail + 1));
}

static void test_deleted_charge_and_refund_receipt(void **state)
{
    struct fx *f = *state;
    char path[160], url[256];
    const char *tail;
    cJSON *j;

    make_payment(f, "PIX");
    snprintf(path, sizeof(path), "/v3/payments/%s", f->pay);
    assert_int_equal(run(f, AM_METHOD_DELETE, path, NULL, NULL, true, false), 200);
    snprintf(path, sizeof(path), "/i/%s", f->sfx);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 200);
    assert_non_null(strstr(body(f), "Cobran\xc3\xa7" "a removida"));
    assert_null(strstr(body(f), "name=\"pay\""));
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/events", NULL, NULL, false,
                         false), 200);
    assert_null(strstr(body(f), "PAYMENT_CHECKOUT_VIEWED"));

    make_payment(f, "PIX");
    snprintf(path, sizeof(path), "/v3/sandbox/payment/%s/confirm", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, true, false), 200);
    snprintf(path, sizeof(path), "/v3/payments/%s/refund", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, "{\"value\":10}", true, false), 200);
    j = cJSON_ParseWithLength(body(f), f->resp.body_len);
    snprintf(url, sizeof(url), "%s",
             cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "refunds"), 0),
                                 "transactionReceiptUrl")->valuestring);
    cJSON_Delete(j);
    tail = strrchr(url, '/');
    snprintf(path, sizeof(path), "/comprovantes/%s", tail + 1);
    assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 200);
    assert_non_null(strstr(body(f), "Comprovante de estorno"));
    assert_non_null(strstr(body(f), "R$ 10,00"));
}

static void test_unknown_ids_and_other_paths(void **state)
{
    struct fx *f = *state;

    assert_int_equal(run(f, AM_METHOD_GET, "/i/doesnotexist0000", NULL, NULL, false, false), 404);
    assert_string_equal(f->resp.content_type, "text/html; charset=utf-8");
    assert_int_equal(run(f, AM_METHOD_GET, "/i/<script>", NULL, NULL, false, false), 404);
    assert_null(strstr(body(f), "<script>"));
    assert_int_equal(run(f, AM_METHOD_GET, "/b/pdf/nothere", NULL, NULL, false, false), 404);
    assert_int_equal(run(f, AM_METHOD_GET, "/comprovantes/12", NULL, NULL, false, false), 404);
    assert_int_equal(run(f, AM_METHOD_DELETE, "/i/abc", NULL, NULL, false, false), 405);
    /* Any other path keeps Asaas's JSON 404. */
    assert_int_equal(run(f, AM_METHOD_GET, "/nothing/here", NULL, NULL, false, false), 404);
    assert_string_equal(f->resp.content_type, "application/json");
    /* A Pix charge has no boleto. */
    make_payment(f, "PIX");
    {
        char path[128];
        snprintf(path, sizeof(path), "/b/pdf/%s", f->sfx);
        assert_int_equal(run(f, AM_METHOD_GET, path, NULL, NULL, false, false), 404);
    }
    assert_int_equal(run(f, AM_METHOD_GET, "/assets/asaas-mock.css", NULL, NULL, false, false), 200);
    assert_string_equal(f->resp.content_type, "text/css; charset=utf-8");
}

static void test_dashboard_shell_open_data_behind_token(void **state)
{
    struct fx *f = *state;
    char path[160];

    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/ui", NULL, NULL, false, false), 200);
    assert_non_null(strstr(header(f, "Content-Security-Policy"), "script-src 'self'"));
    assert_non_null(strstr(body(f), "src=\"ui/app.js\""));
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/ui/app.js", NULL, NULL, false, false), 200);
    assert_null(strstr(body(f), "innerHTML"));
    /* The data: same admin-token rule as the rest of the control API. */
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/payments", NULL, NULL,
                         false, false), 401);
    make_payment(f, "PIX");
    assert_int_equal(run(f, AM_METHOD_GET, "/__mock/accounts/default/payments", NULL, NULL,
                         false, true), 200);
    assert_non_null(strstr(body(f), f->pay));
    snprintf(path, sizeof(path), "/__mock/accounts/default/payments/%s/overdue", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, false, false), 401);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, false, true), 200);
    assert_non_null(strstr(body(f), "\"status\":\"OVERDUE\""));
    snprintf(path, sizeof(path), "/__mock/accounts/default/payments/%s/explode", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, false, true), 404);
    snprintf(path, sizeof(path), "/__mock/accounts/default/payments/%s/confirm", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, NULL, false, true), 200);
    assert_non_null(strstr(body(f), "\"status\":\"RECEIVED\""));
    snprintf(path, sizeof(path), "/__mock/accounts/default/payments/%s/refund", f->pay);
    assert_int_equal(run(f, AM_METHOD_POST, path, NULL, "{}", false, true), 200);
    assert_non_null(strstr(body(f), "\"status\":\"REFUNDED\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_urls_follow_the_host_and_default_stays, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_public_url_option_wins_over_host, setup_public,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_invoice_page_marks_viewed_and_escapes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pix_button_settles_like_the_sandbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_card_form_uses_the_api_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boleto_pdf_and_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_charge_and_refund_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_ids_and_other_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dashboard_shell_open_data_behind_token, setup_admin,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
