/* customers_state.c - exact export/import of a customer store (see customers_state.h). */
#include "customers_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customers.h"
#include "jsonw.h"
#include "state_codec.h"

/* Members in export order; fields[i] says how keys[i] is stored. */
static const char *const keys[] = {
    "id", "dateCreated", "name", "email", "company", "phone", "mobilePhone", "address",
    "addressNumber", "complement", "province", "postalCode", "cpfCnpj", "personType",
    "deleted", "additionalEmails", "externalReference", "notificationDisabled",
    "observations", "municipalInscription", "stateInscription", "groupName",
    "foreignCustomer", NULL,
};

enum kind { K_ID, K_INSTANT, K_STR, K_CPF_CNPJ, K_PERSON, K_BOOL };

struct field {
    enum kind kind;
    size_t offset; /* of the char * or bool (K_STR, K_BOOL) */
};

#define STR(member) {K_STR, offsetof(struct am_customer, member)}
#define BOOL(member) {K_BOOL, offsetof(struct am_customer, member)}

static const struct field fields[] = {
    {K_ID, 0},
    {K_INSTANT, 0},
    STR(name),
    STR(email),
    STR(company),
    STR(phone),
    STR(mobile_phone),
    STR(address),
    STR(address_number),
    STR(complement),
    STR(province),
    STR(postal_code),
    {K_CPF_CNPJ, 0},
    {K_PERSON, 0},
    BOOL(deleted),
    STR(additional_emails),
    STR(external_reference),
    BOOL(notification_disabled),
    STR(observations),
    STR(municipal_inscription),
    STR(state_inscription),
    STR(group_name),
    BOOL(foreign_customer),
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(N_FIELDS == sizeof(keys) / sizeof(keys[0]) - 1, "keys and fields in step");
_Static_assert(N_FIELDS <= 32, "members_ok's bit set");

static char **str_slot(struct am_customer *c, const struct field *f)
{
    return (char **)((char *)c + f->offset);
}

static bool *bool_slot(struct am_customer *c, const struct field *f)
{
    return (bool *)((char *)c + f->offset);
}

static const char *str_of(const struct am_customer *c, const struct field *f)
{
    return *(char *const *)((const char *)c + f->offset);
}

static bool bool_of(const struct am_customer *c, const struct field *f)
{
    return *(const bool *)((const char *)c + f->offset);
}

/* personType: is_company false/true, as the API renders it. */
static const char *person_type_name(int i)
{
    return i == 0 ? "FISICA" : i == 1 ? "JURIDICA" : NULL;
}

static int add_field(cJSON *o, const struct am_customer *c, size_t i)
{
    const struct field *f = &fields[i];

    switch (f->kind) {
    case K_ID:
        return am_sc_add_str(o, keys[i], c->id);
    case K_INSTANT:
        return am_sc_add_instant(o, keys[i], c->created_at);
    case K_STR:
        return am_sc_add_str(o, keys[i], str_of(c, f));
    case K_CPF_CNPJ:
        return am_sc_add_str(o, keys[i], c->cpf_cnpj);
    case K_PERSON:
        return am_sc_add_str(o, keys[i], person_type_name(c->is_company ? 1 : 0));
    case K_BOOL:
        return am_sc_add_bool(o, keys[i], bool_of(c, f));
    }
    return -EINVAL;
}

static cJSON *customer_export(const struct am_customer *c)
{
    cJSON *o = cJSON_CreateObject();
    int r = 0;

    if (!o)
        return NULL;
    for (size_t i = 0; i < N_FIELDS && r == 0; i++)
        r = add_field(o, c, i);
    if (r < 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* add_field's member, written by jsonw. */
static void write_field(struct am_jsonw *w, const struct am_customer *c, size_t i)
{
    const struct field *f = &fields[i];

    switch (f->kind) {
    case K_ID:
        am_jsonw_str(w, keys[i], c->id);
        return;
    case K_INSTANT:
        am_sc_jw_instant(w, keys[i], c->created_at);
        return;
    case K_STR:
        am_jsonw_str(w, keys[i], str_of(c, f));
        return;
    case K_CPF_CNPJ:
        am_jsonw_str(w, keys[i], c->cpf_cnpj);
        return;
    case K_PERSON:
        am_jsonw_str(w, keys[i], person_type_name(c->is_company ? 1 : 0));
        return;
    case K_BOOL:
        am_jsonw_bool(w, keys[i], bool_of(c, f));
        return;
    }
}

#define PIECE (256u << 10) /* text handed on once this much is written */

int am_customers_state_write(const struct am_customer_store *store,
                             int (*put)(void *arg, const char *text, size_t len), void *arg)
{
    struct am_jsonw w = {0};
    const struct am_customer *c;
    int r = 0;

    /* A piece and one customer more (a few hundred bytes): seldom grown. */
    am_jsonw_reserve(&w, PIECE + 4096);
    am_jsonw_arr(&w, NULL);
    for (size_t i = 0; r == 0 && (c = am_customer_store_at(store, i)) != NULL; i++) {
        am_jsonw_obj(&w, NULL);
        for (size_t k = 0; k < N_FIELDS; k++)
            write_field(&w, c, k);
        am_jsonw_end_obj(&w);
        if (w.len >= PIECE && !w.oom) {
            r = put(arg, w.p, w.len);
            am_jsonw_cut(&w);
        }
    }
    am_jsonw_end_arr(&w);
    if (r == 0)
        r = w.oom ? -ENOMEM : put(arg, w.p, w.len);
    am_jsonw_free(&w);
    return r;
}

cJSON *am_customers_state_export(const struct am_customer_store *store)
{
    cJSON *arr = cJSON_CreateArray();
    const struct am_customer *c;

    if (!arr)
        return NULL;
    for (size_t i = 0; (c = am_customer_store_at(store, i)) != NULL; i++) {
        cJSON *o = customer_export(c);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static int fail(char *err, size_t err_len, const char *where, const char *key, const char *why)
{
    if (err && err_len)
        snprintf(err, err_len, "%s.%s: %s", where, key, why);
    return -EINVAL;
}

/* Finds the member of o for each key (at[i], NULL = absent) when o is an object whose
 * members are all known and unique. Snapshots list them in export order, so the
 * expected name is tried first: about one strcmp per member, where
 * am_sc_check_object plus a lookup per key cost ~30 and dominated a 10k import. */
static bool members_ok(const cJSON *o, const cJSON *at[N_FIELDS])
{
    uint32_t seen = 0;
    size_t k = 0;

    if (!cJSON_IsObject(o))
        return false;
    memset(at, 0, N_FIELDS * sizeof(*at));
    for (const cJSON *m = o->child; m; m = m->next, k++) {
        size_t j = k;

        if (!m->string)
            return false;
        if (k >= N_FIELDS || strcmp(m->string, keys[k]) != 0) {
            for (j = 0; j < N_FIELDS && strcmp(m->string, keys[j]) != 0; j++)
                ;
            if (j == N_FIELDS)
                return false;
        }
        if (seen & (UINT32_C(1) << j))
            return false;
        seen |= UINT32_C(1) << j;
        at[j] = m;
    }
    return true;
}

static bool all_digits(const char *s)
{
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
    }
    return true;
}

/* Reads member i (at, NULL = absent) into c through the codec. view is an object whose
 * only visible member, for a lookup of keys[i], is at: the codec's reader finds it
 * first without walking the other members. */
static int get_field(const cJSON *at, size_t i, struct am_customer *c, const char *where,
                     char *err, size_t err_len)
{
    const struct field *f = &fields[i];
    cJSON view;
    int person = -1;
    size_t doc_len;
    int r;

    memset(&view, 0, sizeof(view));
    view.type = cJSON_Object;
    view.child = (cJSON *)at;
    switch (f->kind) {
    case K_ID:
        if (!at)
            return fail(err, err_len, where, keys[i], "missing");
        r = am_sc_get_buf(&view, keys[i], c->id, sizeof(c->id), where, err, err_len);
        if (r == 0 && !c->id[0])
            r = fail(err, err_len, where, keys[i], "must be a non-empty string");
        return r;
    case K_INSTANT:
        return am_sc_get_instant(&view, keys[i], &c->created_at, where, err, err_len);
    case K_STR:
        return am_sc_get_str(&view, keys[i], str_slot(c, f), where, err, err_len);
    case K_CPF_CNPJ:
        r = am_sc_get_buf(&view, keys[i], c->cpf_cnpj, sizeof(c->cpf_cnpj), where, err, err_len);
        if (r < 0)
            return r;
        doc_len = strlen(c->cpf_cnpj);
        if ((doc_len != 11 && doc_len != 14) || !all_digits(c->cpf_cnpj))
            return fail(err, err_len, where, keys[i], "must be 11 or 14 digits");
        /* personType absent: what the API derives from the document. */
        c->is_company = doc_len == 14;
        return 0;
    case K_PERSON:
        r = am_sc_get_enum(&view, keys[i], person_type_name, 2, &person, where, err, err_len);
        if (r == 0 && person >= 0)
            c->is_company = person == 1;
        return r;
    case K_BOOL:
        return am_sc_get_bool(&view, keys[i], bool_slot(c, f), where, err, err_len);
    }
    return -EINVAL;
}

/* Reads one exported customer into c (fresh from am_customer_new). */
static int customer_import(const cJSON *o, struct am_customer *c, const char *where, char *err,
                           size_t err_len)
{
    const cJSON *at[N_FIELDS];
    int r = 0;

    if (!members_ok(o, at)) {
        /* The codec words the error (it refuses whatever members_ok refused). */
        r = am_sc_check_object(o, keys, where, err, err_len);
        if (r < 0)
            return r;
        for (size_t i = 0; i < N_FIELDS; i++)
            at[i] = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
    }
    for (size_t i = 0; i < N_FIELDS && r == 0; i++)
        r = get_field(at[i], i, c, where, err, err_len);
    return r;
}

int am_customers_state_import(const cJSON *arr, const char *where, struct am_customer_store **ret,
                              char *err, size_t err_len)
{
    struct am_customer_store *store = NULL;
    struct am_customer *c = NULL;
    const cJSON *item;
    char id[AM_CUSTOMER_ID_MAX];
    char w[256];
    size_t i = 0;
    int r;

    *ret = NULL;
    if (!cJSON_IsArray(arr)) {
        if (err && err_len)
            snprintf(err, err_len, "%s: must be an array", where);
        return -EINVAL;
    }
    store = am_customer_store_new();
    if (!store)
        return -ENOMEM;
    cJSON_ArrayForEach(item, arr) {
        am_sc_where_index(w, sizeof(w), where, i++);
        c = am_customer_new();
        if (!c) {
            r = -ENOMEM;
            goto out;
        }
        r = customer_import(item, c, w, err, err_len);
        if (r < 0)
            goto out;
        memcpy(id, c->id, sizeof(id));
        r = am_customer_store_insert(store, c);
        c = NULL; /* the store took it (freed on error) */
        if (r == -EEXIST) {
            char why[AM_CUSTOMER_ID_MAX + 32];

            snprintf(why, sizeof(why), "duplicate id \"%s\"", id);
            r = fail(err, err_len, w, "id", why);
        }
        if (r < 0)
            goto out;
    }
    *ret = store;
    store = NULL;
    r = 0;
out:
    am_customer_free(c);
    am_customer_store_free(store);
    return r;
}
