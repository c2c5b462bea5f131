/* test_input.c - the shared request validators (api/input.c). Each rule that used to
 * differ between /v3/payments and /v3/installments + /v3/subscriptions is pinned here
 * (see AM_CARD_RULES in asaas_facts.h); the endpoints all call these functions. */
#include "test_helpers.h"

#include <errno.h>

#include "asaas_facts.h"
#include "billing.h"
#include "calendar.h"
#include "input.h"

#define CUS "cus_000000000001"
#define HOLDER                                                                                   \
    "\"creditCardHolderInfo\":{\"name\":\"Ana\",\"email\":\"ana@example.com\",\"cpfCnpj\":"     \
    "\"24971563792\",\"postalCode\":\"01310-100\",\"addressNumber\":\"100\",\"phone\":"          \
    "\"4738010919\"}"

struct fx {
    struct am_billing *b;
    struct am_response resp;
    int64_t today; /* 2026-07-14 */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct am_card_token t = {.token = "tok-1", .customer = CUS, .last4 = "4444",
                              .brand = "VISA"};

    assert_non_null(f);
    f->b = am_billing_new("acc_test");
    assert_non_null(f->b);
    assert_int_equal(am_billing_token_add(f->b, &t), 0);
    am_response_init(&f->resp);
    f->today = am_cal_days_from_civil(2026, 7, 14);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    am_billing_free(f->b);
    free(f);
    return 0;
}

/* Runs am_input_card on json; returns its result and leaves the answer in f->resp. */
static int card(struct fx *f, const char *json, int flags, struct am_input_card *c)
{
    cJSON *j = cJSON_Parse(json);
    int r;

    assert_non_null(j);
    am_response_finish(&f->resp);
    r = am_input_card(f->b, j, CUS, f->today, flags, c, &f->resp);
    cJSON_Delete(j);
    return r;
}

/* Asserts the answer is a 400 with the given description. */
static void refused(struct fx *f, const char *text)
{
    assert_int_equal(f->resp.status, 400);
    assert_non_null(f->resp.body);
    assert_non_null(strstr(f->resp.body, text));
}

static char *card_json(const char *month, const char *year, const char *ccv, const char *holder)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf),
             "{\"creditCard\":{\"holderName\":\"Ana\",\"number\":\"4444 4444 4444 4444\","
             "\"expiryMonth\":%s,\"expiryYear\":%s,\"ccv\":%s},%s,\"remoteIp\":\"127.0.0.1\"}",
             month, year, ccv, holder);
    return buf;
}

static void test_input_card_accepts_good_data_and_reads_last4_and_brand(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;

    assert_int_equal(card(f, card_json("\"12\"", "\"2030\"", "\"123\"", HOLDER), 0, &c), 0);
    assert_true(c.present && c.is_new && !c.from_token);
    assert_string_equal(c.info.last4, "4444");
    assert_string_equal(c.info.brand, "VISA");
    assert_string_equal(c.info.token, ""); /* minted only when the request is valid */
    assert_false(am_input_card_declined(&c));
}

/* Settled: an expired card is refused everywhere (the reference: "any future expiry"
 * approves). Before, POST /v3/payments accepted one and the recurring endpoints did not. */
static void test_input_card_refuses_an_expired_card_and_accepts_this_month(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;

    assert_int_equal(card(f, card_json("6", "2026", "\"123\"", HOLDER), 0, &c), 1);
    refused(f, AM_TXT_CARD_EXPIRY);
    assert_int_equal(card(f, card_json("12", "2025", "\"123\"", HOLDER), 0, &c), 1);
    refused(f, AM_TXT_CARD_EXPIRY);
    assert_int_equal(card(f, card_json("7", "2026", "\"123\"", HOLDER), 0, &c), 0);
    /* Two-digit years are 20YY: 07/26 is this month, 06/26 is past. */
    assert_int_equal(card(f, card_json("\"07\"", "\"26\"", "\"123\"", HOLDER), 0, &c), 0);
    assert_int_equal(card(f, card_json("\"06\"", "\"26\"", "\"123\"", HOLDER), 0, &c), 1);
    refused(f, AM_TXT_CARD_EXPIRY);
    assert_int_equal(card(f, card_json("13", "2030", "\"123\"", HOLDER), 0, &c), 1);
    refused(f, AM_TXT_CARD_EXPIRY);
}

/* Settled: ccv is 3 or 4 digits, sent as a string or a JSON number. Before, payments took
 * any number 0..9999 (even "1") and the recurring endpoints refused every JSON number. */
static void test_input_card_ccv_is_three_or_four_digits_string_or_number(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;
    const char *good[] = {"\"123\"", "\"1234\"", "123", "1234", "\"012\""};
    const char *bad[] = {"\"1\"", "\"12\"", "\"12345\"", "\"12a\"", "12", "12345", "12.5",
                         "true", "null", "\"\""};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(card(f, card_json("12", "2030", good[i], HOLDER), 0, &c), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(card(f, card_json("12", "2030", bad[i], HOLDER), 0, &c), 1);
        refused(f, AM_TXT_CARD_CCV);
    }
}

/* Settled: creditCardHolderInfo needs its six required fields (the reference's schema:
 * name, email, cpfCnpj, postalCode, addressNumber, phone). Before, payments only wanted
 * an object. Numbers are fine for the numeric ones. */
static void test_input_card_holder_needs_its_six_fields(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;
    static const char *const keys[] = {"name",       "email",         "cpfCnpj",
                                       "postalCode", "addressNumber", "phone"};
    char holder[512];

    assert_int_equal(card(f, card_json("12", "2030", "\"123\"", "\"creditCardHolderInfo\":{}"),
                          0, &c),
                     1);
    refused(f, AM_TXT_CARD_HOLDER);
    for (size_t skip = 0; skip < 6; skip++) {
        size_t n = (size_t)snprintf(holder, sizeof(holder), "\"creditCardHolderInfo\":{");

        for (size_t i = 0; i < 6; i++) {
            if (i != skip)
                n += (size_t)snprintf(holder + n, sizeof(holder) - n, "%s\"%s\":\"1\"",
                                      n > 24 ? "," : "", keys[i]);
        }
        snprintf(holder + n, sizeof(holder) - n, "}");
        assert_int_equal(card(f, card_json("12", "2030", "\"123\"", holder), 0, &c), 1);
        refused(f, AM_TXT_CARD_HOLDER);
    }
    assert_int_equal(card(f, card_json("12", "2030", "\"123\"",
                                       "\"creditCardHolderInfo\":{\"name\":\"A\",\"email\":"
                                       "\"a@b.co\",\"cpfCnpj\":24971563792,\"postalCode\":"
                                       "1310100,\"addressNumber\":100,\"phone\":4738010919}"),
                          0, &c),
                     0);
}

static void test_input_card_checks_in_order_and_wants_remote_ip(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;

    assert_int_equal(card(f, "{\"creditCard\":{\"number\":\"4444444444444444\"}}", 0, &c), 1);
    refused(f, AM_TXT_CARD_HOLDER_NAME);
    assert_int_equal(card(f, "{\"creditCard\":{\"holderName\":7}}", 0, &c), 1);
    refused(f, AM_TXT_CARD_HOLDER_NAME);
    assert_int_equal(card(f, "{\"creditCard\":{\"holderName\":\"A\",\"number\":\"4444\"}}", 0,
                          &c),
                     1);
    refused(f, AM_TXT_CARD_NUMBER);
    assert_int_equal(card(f, "{\"creditCard\":\"x\"}", 0, &c), 1);
    refused(f, AM_TXT_CARD_MISSING);
    /* No remoteIp: refused, unless the caller does not need it (payWithCreditCard). */
    {
        char json[1024];

        snprintf(json, sizeof(json), "%s", card_json("12", "2030", "123", HOLDER));
        snprintf(strstr(json, ",\"remoteIp\""), 3, "}");
        assert_int_equal(card(f, json, 0, &c), 1);
        refused(f, AM_TXT_REMOTE_IP);
        assert_int_equal(card(f, json, AM_INPUT_CARD_NO_IP, &c), 0);
    }
}

static void test_input_card_optional_required_and_data_only(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;

    assert_int_equal(card(f, "{}", AM_INPUT_CARD_OPTIONAL, &c), 0);
    assert_false(c.present);
    assert_int_equal(card(f, "{\"creditCard\":null}", AM_INPUT_CARD_OPTIONAL, &c), 0);
    assert_false(c.present);
    assert_int_equal(card(f, "{}", AM_INPUT_CARD_REQUIRED, &c), 1);
    refused(f, AM_TXT_CARD_MISSING);
    /* tokenize reads card data only: a token is not a card there. */
    assert_int_equal(card(f, "{\"creditCardToken\":\"tok-1\"}",
                          AM_INPUT_CARD_REQUIRED | AM_INPUT_CARD_DATA_ONLY, &c),
                     1);
    refused(f, AM_TXT_CARD_MISSING);
}

/* A token must be the customer's; with a ccv beside it the request is refused
 * (captured on pay, applied to every endpoint that takes a token). */
static void test_input_card_token_rules(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;
    cJSON *j;

    assert_int_equal(card(f, "{\"creditCardToken\":\"tok-1\"}", 0, &c), 0);
    assert_true(c.present && c.from_token && !c.is_new);
    assert_string_equal(c.info.token, "tok-1");
    assert_string_equal(c.info.last4, "4444");
    assert_int_equal(card(f, "{\"creditCardToken\":\"nope\"}", 0, &c), 1);
    refused(f, "CreditCardToken nope não encontrado.");
    assert_int_equal(card(f, "{\"creditCardToken\":\"tok-1\",\"creditCard\":{\"ccv\":\"123\"}}",
                          0, &c),
                     1);
    refused(f, AM_TXT_CARD_TOKEN_WITH_CCV);
    assert_int_equal(card(f, "{\"creditCardToken\":5}", 0, &c), 1);
    refused(f, "creditCardToken");
    /* Another customer's token is unknown to this one. */
    j = cJSON_Parse("{\"creditCardToken\":\"tok-1\"}");
    am_response_finish(&f->resp);
    assert_int_equal(am_input_card(f->b, j, "cus_000000000002", f->today, 0, &c, &f->resp), 1);
    refused(f, "CreditCardToken tok-1 não encontrado.");
    cJSON_Delete(j);
}

static void test_input_card_decline_mint_and_store(void **state)
{
    struct fx *f = *state;
    struct am_input_card c;
    char json[1024];
    struct am_ids ids;

    am_ids_init(&ids, 42);
    snprintf(json, sizeof(json), "%s", card_json("12", "2030", "\"123\"", HOLDER));
    memcpy(strstr(json, "4444 4444 4444 4444"), AM_CARD_DECLINE_1 "   ", 19);
    assert_int_equal(card(f, json, 0, &c), 0);
    assert_true(am_input_card_declined(&c));
    assert_int_equal(card(f, card_json("12", "2030", "\"123\"", HOLDER), 0, &c), 0);
    assert_false(am_input_card_declined(&c));
    am_input_card_mint(&ids, &c);
    assert_int_equal(strlen(c.info.token), 36);
    assert_int_equal(am_input_card_store(f->b, CUS, &c), 0);
    assert_non_null(am_billing_token_find(f->b, c.info.token));
    assert_int_equal(am_input_card_store(f->b, CUS, &c), 0); /* again: already there */
}

static int terms(const char *json, struct am_input_terms *t, struct am_response *resp)
{
    cJSON *j = cJSON_Parse(json);
    int r;

    assert_non_null(j);
    am_response_finish(resp);
    r = am_input_terms(j, t, resp);
    cJSON_Delete(j);
    return r;
}

static void test_input_terms(void **state)
{
    struct fx *f = *state;
    struct am_input_terms t;

    assert_int_equal(terms("{}", &t, &f->resp), 0);
    assert_false(t.has_discount || t.has_fine || t.has_interest);
    assert_true(t.discount.limit_day == AM_NO_DAY);
    assert_int_equal(terms("{\"discount\":{\"value\":10,\"dueDateLimitDays\":\"5\","
                           "\"type\":\"PERCENTAGE\"},\"fine\":{\"value\":2,\"type\":null},"
                           "\"interest\":{\"value\":1.5}}",
                           &t, &f->resp),
                     0);
    assert_true(t.has_discount && t.has_fine && t.has_interest);
    assert_int_equal(t.discount.value, 1000);
    assert_int_equal(t.discount.due_date_limit_days, 5);
    assert_int_equal(t.discount.type, AM_AMOUNT_PERCENTAGE);
    assert_int_equal(t.fine.type, AM_AMOUNT_FIXED);
    assert_int_equal(t.interest.value, 150);
    assert_int_equal(terms("{\"discount\":{\"value\":101,\"type\":\"PERCENTAGE\"}}", &t,
                           &f->resp),
                     1);
    refused(f, AM_TXT_DISCOUNT);
    assert_int_equal(terms("{\"discount\":{\"value\":1,\"dueDateLimitDays\":-1}}", &t,
                           &f->resp),
                     1);
    refused(f, AM_TXT_DISCOUNT);
    assert_int_equal(terms("{\"discount\":{\"type\":\"OTHER\"}}", &t, &f->resp), 1);
    refused(f, AM_TXT_DISCOUNT);
    assert_int_equal(terms("{\"fine\":{\"value\":101,\"type\":\"PERCENTAGE\"}}", &t, &f->resp),
                     1);
    refused(f, AM_TXT_FINE);
    assert_int_equal(terms("{\"fine\":3}", &t, &f->resp), 1);
    refused(f, AM_TXT_FINE);
    assert_int_equal(terms("{\"interest\":{\"value\":100.01}}", &t, &f->resp), 1);
    refused(f, AM_TXT_INTEREST);
    /* Discount is checked first (Asaas answers only the first problem). */
    assert_int_equal(terms("{\"interest\":{\"value\":-1},\"discount\":[]}", &t, &f->resp), 1);
    refused(f, AM_TXT_DISCOUNT);
}

/* Settled: "" is "not sent" for numbers as for strings (form clients send "" for unset);
 * strings must be plain decimal (no spaces, '+' or fractions). Before, payments refused ""
 * and took " 5" and "+5"; the recurring endpoints took "" as absent. */
static void test_input_int_and_str(void **state)
{
    long v = 0;
    unsigned u = 0;
    const char *s = "x";
    bool present = false;
    cJSON *j = cJSON_Parse("{\"a\":\"\",\"b\":\" 5\",\"c\":\"+5\",\"d\":\"-3\",\"e\":2.5,"
                           "\"f\":7,\"g\":\"12\",\"h\":null,\"i\":true,\"k\":\"\"}");

    (void)state;
    assert_non_null(j);
    assert_int_equal(am_input_int(am_input_field(j, "a"), 0, 10, &v), -ENOENT);
    assert_int_equal(am_input_int(am_input_field(j, "b"), 0, 10, &v), -EINVAL);
    assert_int_equal(am_input_int(am_input_field(j, "c"), 0, 10, &v), -EINVAL);
    assert_int_equal(am_input_int(am_input_field(j, "d"), -5, 10, &v), 0);
    assert_int_equal(v, -3);
    assert_int_equal(am_input_int(am_input_field(j, "d"), 0, 10, &v), -EINVAL);
    assert_int_equal(am_input_int(am_input_field(j, "e"), 0, 10, &v), -EINVAL);
    assert_int_equal(am_input_int(am_input_field(j, "f"), 0, 6, &v), -EINVAL);
    assert_int_equal(am_input_int(am_input_field(j, "h"), 0, 6, &v), -ENOENT);
    assert_int_equal(am_input_int(am_input_field(j, "i"), 0, 6, &v), -EINVAL);
    assert_int_equal(am_input_int(NULL, 0, 6, &v), -ENOENT);
    assert_int_equal(am_input_uint(j, "g", 12, &u), 0);
    assert_int_equal(u, 12);
    assert_int_equal(am_input_uint(j, "g", 11, &u), -EINVAL);
    assert_int_equal(am_input_uint(j, "zz", 11, &u), -ENOENT);
    assert_int_equal(am_input_str(j, "k", &s, &present), 0);
    assert_null(s);
    assert_true(present);
    assert_int_equal(am_input_str(j, "f", &s, &present), -EINVAL);
    assert_int_equal(am_input_str(j, "zz", &s, &present), 0);
    assert_false(present);
    cJSON_Delete(j);
}

static void test_input_type_error_names_the_field(void **state)
{
    struct fx *f = *state;

    am_response_finish(&f->resp);
    assert_int_equal(am_input_type_error(&f->resp, "postalService"), 1);
    assert_int_equal(f->resp.status, 400);
    assert_non_null(strstr(f->resp.body, "\"invalid_postalService\""));
    assert_non_null(strstr(f->resp.body, "O campo postalService possui um tipo inválido."));
    assert_int_equal(am_input_done(1), 0);
    assert_int_equal(am_input_done(-ENOMEM), -ENOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_input_card_accepts_good_data_and_reads_last4_and_brand,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_card_refuses_an_expired_card_and_accepts_this_month,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_card_ccv_is_three_or_four_digits_string_or_number,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_card_holder_needs_its_six_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_input_card_checks_in_order_and_wants_remote_ip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_input_card_optional_required_and_data_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_input_card_token_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_card_decline_mint_and_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_terms, setup, teardown),
        cmocka_unit_test(test_input_int_and_str),
        cmocka_unit_test_setup_teardown(test_input_type_error_names_the_field, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
