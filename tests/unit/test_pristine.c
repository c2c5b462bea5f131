/* test_pristine.c - reset targets: an account goes back to its captured customers and
 * clock (slow without a standby, fast with one), accounts created after the capture
 * reset to empty stores and the fallback clock, keys and settings are left alone, and
 * idle work (parked stores, standbys) is tracked by am_pristine_idle_pending(). */
#include "test_helpers.h"

#include <errno.h>
#include <stdbool.h>

#include "clock.h"
#include "customers.h"
#include "ids.h"
#include "pristine.h"
#include "registry.h"
#include "state.h"

#define T0 INT64_C(1767225600)
#define CPF "24971563792"
#define CNPJ "11222333000181"
#define KEY_A "$aact_hmlg_000AAAAAAAAAAAAAAAAAAAAAAAAAAAA1111"

struct fx {
    struct am_registry *reg;
    struct am_pristine *p;
    struct am_ids ids;
    struct am_clock fallback;
    char err[256];
};

static void add_customer(struct am_account *a, const char *id, const char *name, const char *doc,
                         bool deleted)
{
    struct am_customer *c = am_customer_new();

    assert_non_null(c);
    snprintf(c->id, sizeof(c->id), "%s", id);
    c->name = strdup(name);
    snprintf(c->cpf_cnpj, sizeof(c->cpf_cnpj), "%s", doc);
    c->is_company = strlen(doc) == 14;
    c->created_at = T0;
    c->deleted = deleted;
    assert_int_equal(am_customer_store_insert(a->customers, c), 0);
}

/* "default": two customers (one deleted), clock frozen at T0; "other": nothing, real
 * clock one hour ahead. Captured with ids {11, 22, 33}. */
static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct am_account *a, *b;

    assert_non_null(f);
    f->reg = am_registry_new();
    assert_non_null(f->reg);
    a = am_registry_add_account(f->reg, "default");
    b = am_registry_add_account(f->reg, "other");
    assert_non_null(a);
    assert_non_null(b);
    am_clock_freeze(&a->clock, T0);
    b->clock.offset = 3600;
    add_customer(a, "cus_000000000001", "Maria", CPF, false);
    add_customer(a, "cus_000000000002", "Empresa", CNPJ, true);
    f->ids = (struct am_ids){11, 22, 33};
    f->fallback = (struct am_clock){AM_CLOCK_FROZEN, T0 + 500, 0};
    f->p = am_pristine_capture(f->reg, &f->ids);
    assert_non_null(f->p);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    am_pristine_free(f->p);
    am_registry_free(f->reg);
    free(f);
    return 0;
}

static struct am_account *account(struct fx *f, const char *id)
{
    struct am_account *a = am_registry_find_account(f->reg, id);

    assert_non_null(a);
    return a;
}

/* Changes "default" after the capture: a third customer, clock moved. */
static void mutate_default(struct fx *f)
{
    struct am_account *a = account(f, "default");

    add_customer(a, "cus_000000000003", "Novo", CPF, false);
    am_clock_advance(&a->clock, 86400 * 3);
    assert_int_equal(am_customer_store_count(a->customers), 3);
}

static void assert_default_as_captured(struct fx *f)
{
    struct am_account *a = account(f, "default");
    struct am_customer *c;

    assert_int_equal(am_customer_store_count(a->customers), 2);
    c = am_customer_store_at(a->customers, 0);
    assert_non_null(c);
    assert_string_equal(c->id, "cus_000000000001");
    assert_string_equal(c->name, "Maria");
    assert_true(am_customer_store_is_active(a->customers, "cus_000000000001"));
    c = am_customer_store_find(a->customers, "cus_000000000002");
    assert_non_null(c);
    assert_true(c->deleted);
    assert_null(am_customer_store_find(a->customers, "cus_000000000003"));
    assert_int_equal(a->clock.mode, AM_CLOCK_FROZEN);
    assert_int_equal(a->clock.frozen_at, T0);
    assert_int_equal(a->clock.offset, 0);
    assert_non_null(a->billing);
    assert_non_null(a->recurring);
}

static int reset(struct fx *f, const char *id, bool *fast)
{
    return am_pristine_reset_account(f->p, account(f, id), &f->fallback, fast, f->err,
                                     sizeof(f->err));
}

/* ---- capture -------------------------------------------------------------------- */

static void test_pristine_capture_counts_objects_and_keeps_ids(void **state)
{
    struct fx *f = *state;
    struct am_ids ids = am_pristine_ids(f->p);

    assert_int_equal(am_pristine_objects(f->p), 2);
    assert_true(ids.state == 11 && ids.customer_seq == 22 && ids.request_seq == 33);
    /* The capture is a copy: later id moves do not change it. */
    f->ids.state = 999;
    ids = am_pristine_ids(f->p);
    assert_true(ids.state == 11);
}

static void test_pristine_capture_of_empty_registry(void **state)
{
    struct am_registry *reg = am_registry_new();
    struct am_ids ids = {1, 2, 3};
    struct am_pristine *p = am_pristine_capture(reg, &ids);

    (void)state;
    assert_non_null(p);
    assert_int_equal(am_pristine_objects(p), 0);
    assert_false(am_pristine_idle_pending(p));
    am_pristine_idle(p);
    am_pristine_prepare_all(p);
    assert_false(am_pristine_idle_pending(p));
    am_pristine_free(p);
    am_pristine_free(NULL);
    am_registry_free(reg);
}

/* ---- reset ---------------------------------------------------------------------- */

static void test_pristine_reset_without_standby_rebuilds_slowly(void **state)
{
    struct fx *f = *state;
    bool fast = true;

    mutate_default(f);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_false(fast);
    assert_default_as_captured(f);
}

static void test_pristine_reset_with_standby_is_fast(void **state)
{
    struct fx *f = *state;
    bool fast = false;

    am_pristine_prepare_all(f->p);
    assert_false(am_pristine_idle_pending(f->p));
    mutate_default(f);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_true(fast);
    assert_default_as_captured(f);
    /* The standby was used up and the replaced stores are parked: idle work waits. */
    assert_true(am_pristine_idle_pending(f->p));
    /* A second reset before idle finds no standby: correct, just slow. */
    mutate_default(f);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_false(fast);
    assert_default_as_captured(f);
}

static void test_pristine_idle_rebuilds_the_used_standby(void **state)
{
    struct fx *f = *state;
    bool fast = false;

    am_pristine_prepare_all(f->p);
    mutate_default(f);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_true(fast);
    assert_true(am_pristine_idle_pending(f->p));
    am_pristine_idle(f->p);
    assert_false(am_pristine_idle_pending(f->p));
    mutate_default(f);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_true(fast);
    assert_default_as_captured(f);
}

static void test_pristine_idle_builds_one_standby_per_call(void **state)
{
    struct fx *f = *state;
    bool fast = false;

    /* Two accounts captured, no standby yet. */
    assert_true(am_pristine_idle_pending(f->p));
    am_pristine_idle(f->p);
    assert_true(am_pristine_idle_pending(f->p));
    am_pristine_idle(f->p);
    assert_false(am_pristine_idle_pending(f->p));
    assert_int_equal(reset(f, "other", &fast), 0);
    assert_true(fast);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_true(fast);
}

static void test_pristine_reset_restores_the_other_accounts_clock(void **state)
{
    struct fx *f = *state;
    struct am_account *b = account(f, "other");
    bool fast = true;

    am_clock_freeze(&b->clock, 42);
    add_customer(b, "cus_000000000009", "Tarde", CPF, false);
    assert_int_equal(reset(f, "other", &fast), 0);
    assert_false(fast);
    assert_int_equal(b->clock.mode, AM_CLOCK_REAL);
    assert_int_equal(b->clock.offset, 3600);
    assert_int_equal(am_customer_store_count(b->customers), 0);
    /* Resetting one account leaves the other alone. */
    mutate_default(f);
    assert_int_equal(reset(f, "other", &fast), 0);
    assert_int_equal(am_customer_store_count(account(f, "default")->customers), 3);
}

static void test_pristine_reset_leaves_keys_and_settings_alone(void **state)
{
    struct fx *f = *state;
    struct am_account *a = account(f, "default");
    struct am_api_key *k = NULL;

    assert_int_equal(am_registry_add_key(f->reg, a, KEY_A, NULL, NULL, "late", T0, 0, true, &k),
                     0);
    snprintf(a->name, sizeof(a->name), "Renamed");
    a->require_user_agent = false;
    assert_int_equal(am_account_allow_ip(a, "10.0.0.x"), 0);
    mutate_default(f);
    assert_int_equal(reset(f, "default", NULL), 0); /* ret_fast may be NULL */
    assert_default_as_captured(f);
    assert_ptr_equal(am_registry_find_key(a, k->id), k);
    assert_true(k->in_use);
    assert_string_equal(a->name, "Renamed");
    assert_false(a->require_user_agent);
    assert_int_equal(a->n_allowed_ips, 1);
}

static void test_pristine_account_created_after_capture_resets_to_empty(void **state)
{
    struct fx *f = *state;
    struct am_account *late = am_registry_add_account(f->reg, "late");
    bool fast = false;

    assert_non_null(late);
    am_clock_advance(&late->clock, 777);
    add_customer(late, "cus_000000000100", "X", CPF, false);
    assert_int_equal(reset(f, "late", &fast), 0);
    assert_true(fast); /* nothing to build: new empty stores */
    assert_int_equal(am_customer_store_count(late->customers), 0);
    assert_non_null(late->billing);
    assert_non_null(late->recurring);
    assert_int_equal(late->clock.mode, AM_CLOCK_FROZEN);
    assert_int_equal(late->clock.frozen_at, T0 + 500);
    assert_int_equal(late->clock.offset, 0);
    /* The capture did not grow: still two accounts to keep standbys for. */
    am_pristine_prepare_all(f->p);
    assert_false(am_pristine_idle_pending(f->p));
}

static void test_pristine_reset_store_is_independent_of_the_capture(void **state)
{
    struct fx *f = *state;
    struct am_account *a = account(f, "default");
    struct am_customer *c;
    bool fast;

    am_pristine_prepare_all(f->p);
    assert_int_equal(reset(f, "default", &fast), 0);
    /* Editing what the reset put in place must not edit the next reset's target. */
    c = am_customer_store_find(a->customers, "cus_000000000001");
    assert_non_null(c);
    free(c->name);
    c->name = strdup("Changed");
    am_pristine_idle(f->p);
    assert_int_equal(reset(f, "default", &fast), 0);
    assert_true(fast);
    assert_default_as_captured(f);
}

static void test_pristine_free_with_parked_and_standby_stores(void **state)
{
    struct fx *f = *state;
    bool fast;

    /* Leaves parked stores and a built standby for teardown to free (LSan checks). */
    am_pristine_prepare_all(f->p);
    for (int i = 0; i < 10; i++) {
        mutate_default(f);
        assert_int_equal(reset(f, "default", &fast), 0);
        assert_default_as_captured(f);
    }
    assert_true(am_pristine_idle_pending(f->p));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pristine_capture_counts_objects_and_keeps_ids),
        cmocka_unit_test(test_pristine_capture_of_empty_registry),
        T(test_pristine_reset_without_standby_rebuilds_slowly),
        T(test_pristine_reset_with_standby_is_fast),
        T(test_pristine_idle_rebuilds_the_used_standby),
        T(test_pristine_idle_builds_one_standby_per_call),
        T(test_pristine_reset_restores_the_other_accounts_clock),
        T(test_pristine_reset_leaves_keys_and_settings_alone),
        T(test_pristine_account_created_after_capture_resets_to_empty),
        T(test_pristine_reset_store_is_independent_of_the_capture),
        T(test_pristine_free_with_parked_and_standby_stores),
    };
#undef T

    return cmocka_run_group_tests_name("pristine", tests, NULL, NULL);
}
