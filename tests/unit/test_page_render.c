/* test_page_render.c - the pure pieces of the hosted pages: HTML escaping, ITF modules,
 * the public URL base, pt-BR formatting, the invoice and receipt renderers (escaping of
 * every user-controlled field, CSP-friendly markup) and the boleto PDF. */
#include "test_helpers.h"

#include <errno.h>

#include "boleto_pdf.h"
#include "html.h"
#include "itf.h"
#include "page_common.h"
#include "page_invoice.h"
#include "page_link.h"
#include "public_url.h"
#include "strbuf.h"

static char *escaped(const char *s)
{
    struct am_strbuf b = {0};

    am_html_text(&b, s);
    return am_strbuf_take(&b);
}

static void test_html_escapes_markup_and_quotes(void **state)
{
    char *e;

    (void)state;
    e = escaped("<script>alert('x')</script> & \"Zé\"");
    assert_string_equal(e, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Zé&quot;");
    free(e);
    e = escaped("a\x01" "b\tc");
    assert_string_equal(e, "a\xEF\xBF\xBD" "b\tc");
    free(e);
    e = escaped("");
    assert_string_equal(e, "");
    free(e);
}

static void test_itf_modules_known_pairs(void **state)
{
    char out[64];

    (void)state;
    /* "00": bars n n w w n, spaces n n w w n, interleaved, between start 1010 and stop. */
    assert_int_equal(am_itf_modules("00", out, sizeof(out)), 4 + 18 + 5);
    assert_string_equal(out, "1010" "1010111000111000" "10" "11101");
    assert_int_equal(am_itf_modules("123", out, sizeof(out)), -EINVAL);
    assert_int_equal(am_itf_modules("1a", out, sizeof(out)), -EINVAL);
    assert_int_equal(am_itf_modules("", out, sizeof(out)), -EINVAL);
    assert_int_equal(am_itf_modules("0000", out, 20), -ENOSPC);
}

static void test_itf_boleto_length(void **state)
{
    char out[4 + 9 * 44 + 5 + 1];

    (void)state;
    assert_int_equal(am_itf_modules("46191151300000123450001580158732102288800000", out,
                                    sizeof(out)), 405);
}

static void test_public_url_base_and_host(void **state)
{
    char buf[AM_PUBLIC_URL_MAX + 40], base[AM_PUBLIC_URL_MAX];

    (void)state;
    assert_string_equal(am_public_url_base(), AM_PUBLIC_URL_DEFAULT);
    assert_int_equal(am_public_url_set("http://mock:8080/asaas/"), 0);
    assert_string_equal(am_public_url_base(), "http://mock:8080/asaas");
    assert_true(am_public_url_join(buf, sizeof(buf), "/i/", "abc") > 0);
    assert_string_equal(buf, "http://mock:8080/asaas/i/abc");
    /* Invalid bases are refused and leave the current one. */
    assert_int_equal(am_public_url_set("ftp://x"), -EINVAL);
    assert_int_equal(am_public_url_set("https://x/\"><script>"), -EINVAL);
    assert_int_equal(am_public_url_set("https://x/?q=1"), -EINVAL);
    assert_int_equal(am_public_url_set("https://us@er/"), -EINVAL);
    assert_string_equal(am_public_url_base(), "http://mock:8080/asaas");
    assert_int_equal(am_public_url_set(NULL), 0);
    assert_string_equal(am_public_url_base(), AM_PUBLIC_URL_DEFAULT);

    assert_int_equal(am_public_url_from_host(true, "127.0.0.1:8443", base), 0);
    assert_string_equal(base, "https://127.0.0.1:8443");
    assert_int_equal(am_public_url_from_host(false, "[::1]:80", base), 0);
    assert_string_equal(base, "http://[::1]:80");
    assert_int_equal(am_public_url_from_host(true, "evil\"><b>", base), -EINVAL);
    assert_int_equal(am_public_url_from_host(true, "a:b", base), -EINVAL);
    assert_int_equal(am_public_url_from_host(true, "", base), -EINVAL);
    assert_int_equal(am_public_url_from_host(true, "x:123456", base), -EINVAL);
}

static void test_pt_br_money_dates_line(void **state)
{
    char m[40], d[11], l[60];

    (void)state;
    am_page_money(123456789, m);
    assert_string_equal(m, "R$ 1.234.567,89");
    am_page_money(5, m);
    assert_string_equal(m, "R$ 0,05");
    am_page_money(100000, m);
    assert_string_equal(m, "R$ 1.000,00");
    am_page_date("2026-07-20", d);
    assert_string_equal(d, "20/07/2026");
    am_page_date("2026-07-20 12:00:00", d);
    assert_string_equal(d, "20/07/2026");
    am_page_date("20x6-07-20", d);
    assert_string_equal(d, "");
    am_page_format_line("46190001538015873210922888000001115130000012345", l);
    assert_string_equal(l, "46190.00153 80158.732109 22888.000001 1 15130000012345");
    assert_string_equal(am_page_status_label("OVERDUE"), "Vencida");
    assert_string_equal(am_page_status_label("SOMETHING"), "SOMETHING");
}

#define XSS "<script>alert(1)</script>"
#define PAYMENT                                                                                  \
    "{\"object\":\"payment\",\"id\":\"pay_abc\",\"customer\":\"cus_1\",\"value\":1234.5,"      \
    "\"description\":\"" XSS "\",\"billingType\":\"UNDEFINED\",\"status\":\"PENDING\","        \
    "\"dueDate\":\"2026-07-20\",\"invoiceNumber\":\"12345678\",\"externalReference\":"         \
    "\"\\\"><img src=x>\",\"deleted\":false,\"transactionReceiptUrl\":null,"                   \
    "\"discount\":{\"value\":5,\"dueDateLimitDays\":2,\"type\":\"FIXED\"},"                     \
    "\"fine\":{\"value\":2,\"type\":\"PERCENTAGE\"},\"interest\":{\"value\":1.5}}"
#define BILLING                                                                                  \
    "{\"pix\":{\"encodedImage\":\"iVBORw0KGgo=\",\"payload\":\"000201" XSS "\"},"             \
    "\"bankSlip\":{\"identificationField\":\"46190001538015873210922888000001115130000012345\"," \
    "\"barCode\":\"46191151300000123450001580158732102288800000\",\"nossoNumero\":\"58015873\"}}"
#define CUSTOMER "{\"name\":\"" XSS "\",\"cpfCnpj\":\"24971563792\",\"email\":\"a'b@c.d\"}"

static void test_invoice_escapes_every_field_and_has_no_script(void **state)
{
    cJSON *p = cJSON_Parse(PAYMENT), *b = cJSON_Parse(BILLING), *c = cJSON_Parse(CUSTOMER);
    struct am_page_invoice in = {.payment = p, .billing = b, .customer = c, .notice = XSS,
                                 .notice_is_error = true};
    size_t len = 0;
    char *html = am_page_invoice_html(&in, &len);

    (void)state;
    assert_non_null(html);
    assert_int_equal(strlen(html), len);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img src=x"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "&quot;&gt;&lt;img src=x&gt;"));
    assert_non_null(strstr(html, "value=\"a&#39;b@c.d\""));
    assert_non_null(strstr(html, "R$ 1.234,50"));
    assert_non_null(strstr(html, "20/07/2026"));
    assert_non_null(strstr(html, "2% ap\xc3\xb3s o vencimento"));
    assert_non_null(strstr(html, "1,5% ao m\xc3\xaas"));
    assert_non_null(strstr(html, "R$ 5,00 para pagamento at\xc3\xa9 2 dias antes"));
    assert_non_null(strstr(html, "src=\"data:image/png;base64,iVBORw0KGgo=\""));
    assert_non_null(strstr(html, "46190.00153 80158.732109 22888.000001 1 15130000012345"));
    assert_non_null(strstr(html, "<svg class=\"barcode\" viewBox=\"0 0 425 50\""));
    assert_non_null(strstr(html, "href=\"../b/pdf/abc\""));
    assert_non_null(strstr(html, "name=\"pay\" value=\"pix\""));
    assert_non_null(strstr(html, "name=\"pay\" value=\"card\""));
    assert_non_null(strstr(html, "<meta name=\"viewport\""));
    assert_non_null(strstr(html, "href=\"../assets/asaas-mock.css\""));
    /* No inline style or handler: the CSP forbids them, so none may be needed. */
    assert_null(strstr(html, "style=\""));
    assert_null(strstr(html, " on"));
    free(html);

    /* A paid charge offers nothing to pay, and links its receipt. */
    cJSON_ReplaceItemInObject(p, "status", cJSON_CreateString("RECEIVED"));
    cJSON_ReplaceItemInObject(p, "transactionReceiptUrl",
                              cJSON_CreateString("https://h/comprovantes/1234567890123456"));
    in.notice = NULL;
    html = am_page_invoice_html(&in, &len);
    assert_non_null(html);
    assert_null(strstr(html, "name=\"pay\""));
    assert_non_null(strstr(html, "href=\"../comprovantes/1234567890123456\""));
    assert_non_null(strstr(html, ">Recebida<"));
    free(html);
    cJSON_Delete(p);
    cJSON_Delete(b);
    cJSON_Delete(c);
}

static void test_receipt_escapes(void **state)
{
    cJSON *p = cJSON_Parse(PAYMENT), *c = cJSON_Parse(CUSTOMER);
    cJSON *rf = cJSON_Parse("{\"value\":2,\"description\":\"" XSS "\",\"effectiveDate\":\"2026-07-21\"}");
    size_t len = 0;
    char *html = am_page_receipt_html(p, c, rf, "1234567890123456", &len);

    (void)state;
    assert_non_null(html);
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "Comprovante de estorno"));
    assert_non_null(strstr(html, "R$ 2,00"));
    assert_non_null(strstr(html, "21/07/2026"));
    free(html);
    cJSON_Delete(p);
    cJSON_Delete(c);
    cJSON_Delete(rf);
}

static void test_link_page_escapes_and_offers_what_the_link_needs(void **state)
{
    cJSON *link = cJSON_Parse("{\"id\":\"123456789012\",\"name\":\"<script>alert(1)</script>\","
                              "\"description\":\"\\\"><img src=x>\",\"value\":null,"
                              "\"active\":true,\"deleted\":false,\"chargeType\":\"INSTALLMENT\","
                              "\"billingType\":\"UNDEFINED\",\"maxInstallmentCount\":6}");
    cJSON *sent = cJSON_Parse("{\"name\":\"a'b\",\"cpfCnpj\":\"24971563792\"}");
    size_t len = 0;
    char *html = am_page_link_html(link, sent, "Recusado <b>", true, &len);

    (void)state;
    assert_non_null(html);
    assert_int_equal(strlen(html), len);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img src=x"));
    assert_null(strstr(html, "Recusado <b>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "value=\"a&#39;b\""));
    assert_non_null(strstr(html, "Recusado &lt;b&gt;"));
    /* No value on the link: the buyer types it; UNDEFINED: the buyer chooses how;
     * INSTALLMENT: up to maxInstallmentCount; card fields for a card choice. */
    assert_non_null(strstr(html, "name=\"value\""));
    assert_non_null(strstr(html, "name=\"billingType\""));
    assert_non_null(strstr(html, "max=\"6\""));
    assert_non_null(strstr(html, "name=\"number\""));
    assert_null(strstr(html, "style=\""));
    free(html);
    /* A link that was deactivated shows it and offers no form. */
    cJSON_ReplaceItemInObject(link, "active", cJSON_CreateFalse());
    html = am_page_link_html(link, NULL, NULL, false, &len);
    assert_non_null(html);
    assert_null(strstr(html, "<form"));
    assert_non_null(strstr(html, "id=\"closed\""));
    free(html);
    cJSON_Delete(link);
    cJSON_Delete(sent);
}

static void test_boleto_pdf_is_a_pdf(void **state)
{
    cJSON *p = cJSON_Parse(PAYMENT), *b = cJSON_Parse(BILLING), *c = cJSON_Parse(CUSTOMER);
    cJSON *bad = cJSON_Parse("{\"identificationField\":\"1\"}");
    unsigned char *pdf = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(am_boleto_pdf(p, cJSON_GetObjectItem(b, "bankSlip"), c, &pdf, &len), 0);
    assert_true(len > 500);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
    assert_int_equal(am_boleto_pdf(p, bad, c, &pdf, &len), -EINVAL);
    assert_null(pdf);
    cJSON_Delete(p);
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escapes_markup_and_quotes),
        cmocka_unit_test(test_itf_modules_known_pairs),
        cmocka_unit_test(test_itf_boleto_length),
        cmocka_unit_test(test_public_url_base_and_host),
        cmocka_unit_test(test_pt_br_money_dates_line),
        cmocka_unit_test(test_invoice_escapes_every_field_and_has_no_script),
        cmocka_unit_test(test_receipt_escapes),
        cmocka_unit_test(test_boleto_pdf_is_a_pdf),
        cmocka_unit_test(test_link_page_escapes_and_offers_what_the_link_needs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
