/* test_records.c - the per-account records store and its snapshot codec. */
#include "test_helpers.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "records.h"
#include "records_state.h"

static cJSON *obj(const char *id, int v)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddNumberToObject(o, "v", v);
    return o;
}

static void test_records_add_find_order_remove(void **state)
{
    struct am_records *r = am_records_new();
    char id[32];

    (void)state;
    assert_true(am_records_empty(r));
    /* Enough objects to grow the index several times. */
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof(id), "tr_%03d", i);
        assert_int_equal(am_records_add(r, "transfers", obj(id, i)), 0);
    }
    assert_false(am_records_empty(r));
    assert_int_equal(am_records_add(r, "transfers", obj("tr_007", 1)), -EEXIST);
    assert_int_equal(am_records_add(r, "transfers", cJSON_CreateObject()), -EINVAL);
    assert_int_equal(am_records_count(r, "transfers"), 300);
    assert_int_equal(am_records_count(r, "bills"), 0);
    assert_null(am_records_find(r, "bills", "tr_001"));
    assert_int_equal(cJSON_GetObjectItem(am_records_find(r, "transfers", "tr_123"), "v")->valueint,
                     123);
    assert_int_equal(am_records_remove(r, "transfers", "tr_100"), 0);
    assert_int_equal(am_records_remove(r, "transfers", "tr_100"), -ENOENT);
    assert_null(am_records_find(r, "transfers", "tr_100"));
    assert_int_equal(am_records_count(r, "transfers"), 299);
    /* Creation order kept; later objects still found after the index rebuild. */
    assert_int_equal(cJSON_GetObjectItem(am_records_at(r, "transfers", 100), "v")->valueint, 101);
    assert_non_null(am_records_find(r, "transfers", "tr_299"));
    assert_null(am_records_at(r, "transfers", 299));
    am_records_free(r);
}

static void test_records_docs_counters_public(void **state)
{
    struct am_records *r = am_records_new();
    cJSON *o = obj("x", 1), *pub;

    (void)state;
    cJSON_AddStringToObject(o, "_secretState", "kept");
    cJSON_AddItemToObject(o, "nested", obj("y", 2));
    cJSON_AddStringToObject(cJSON_GetObjectItem(o, "nested"), "_hidden", "z");
    pub = am_records_public(o);
    assert_null(cJSON_GetObjectItem(pub, "_secretState"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(pub, "nested"), "_hidden"));
    assert_non_null(cJSON_GetObjectItem(pub, "v"));
    cJSON_Delete(pub);
    assert_int_equal(am_records_set_doc(r, "fiscalInfo", o), 0);
    assert_ptr_equal(am_records_doc(r, "fiscalInfo"), o);
    assert_int_equal(am_records_set_doc(r, "fiscalInfo", obj("x", 2)), 0);
    assert_int_equal(cJSON_GetObjectItem(am_records_doc(r, "fiscalInfo"), "v")->valueint, 2);
    assert_int_equal(am_records_set_doc(r, "fiscalInfo", NULL), 0);
    assert_null(am_records_doc(r, "fiscalInfo"));
    assert_int_equal(am_records_next(r, "billSeq"), 1);
    assert_int_equal(am_records_next(r, "billSeq"), 2);
    assert_int_equal(am_records_next(r, "other"), 1);
    assert_int_equal(am_records_next(r, ""), 0);
    am_records_free(r);
}

static void test_records_state_round_trip(void **state)
{
    struct am_records *r = am_records_new(), *back = NULL;
    cJSON *o = obj("k1", 1), *a, *b, *bad;
    char *ta, *tb, err[200] = "";

    (void)state;
    cJSON_AddStringToObject(o, "_due", "2026-01-01");
    assert_int_equal(am_records_add(r, "pixKeys", o), 0);
    assert_int_equal(am_records_add(r, "pixKeys", obj("k2", 2)), 0);
    assert_int_equal(am_records_set_doc(r, "escrowConfig", obj("cfg", 3)), 0);
    am_records_next(r, "seq");
    am_records_next(r, "seq");
    a = am_records_state_export(r);
    assert_int_equal(am_records_state_import(a, "data.records", &back, err, sizeof(err)), 0);
    b = am_records_state_export(back);
    ta = cJSON_PrintUnformatted(a);
    tb = cJSON_PrintUnformatted(b);
    assert_string_equal(ta, tb);
    assert_non_null(strstr(ta, "\"_due\""));
    assert_int_equal(am_records_next(back, "seq"), 3);
    bad = cJSON_Parse("{\"collections\":{\"pixKeys\":[{\"id\":\"a\"},{\"id\":\"a\"}]}}");
    am_records_free(back);
    back = NULL;
    assert_int_equal(am_records_state_import(bad, "data.records", &back, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "data.records.collections.pixKeys[1]: duplicate id");
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"counters\":{\"seq\":5}}");
    assert_int_equal(am_records_state_import(bad, "r", &back, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "r.counters.seq: must be a decimal string");
    cJSON_Delete(bad);
    bad = cJSON_Parse("{\"junk\":1}");
    assert_int_equal(am_records_state_import(bad, "r", &back, err, sizeof(err)), -EINVAL);
    cJSON_Delete(bad);
    cJSON_free(ta);
    cJSON_free(tb);
    cJSON_Delete(a);
    cJSON_Delete(b);
    am_records_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_add_find_order_remove),
        cmocka_unit_test(test_records_docs_counters_public),
        cmocka_unit_test(test_records_state_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
