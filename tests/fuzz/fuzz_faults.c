/* fuzz_faults.c - the X-Mock-Fault parser and the rule JSON loader over arbitrary bytes.
 * Invariants: an accepted header formats to text that parses back to the same fault; an
 * accepted rule file lists to JSON that loads back to the same listing; deciding over the
 * loaded rules (with the input as body) never crashes; failures add nothing; no leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_header(const char *text)
{
    struct am_fault f, g;
    char err[256], out[256], out2[256];

    if (am_fault_parse_header(text, &f, err, sizeof(err)) != 0)
        return;
    am_fault_format(&f, out, sizeof(out));
    if (am_fault_parse_header(out, &g, err, sizeof(err)) != 0)
        abort();
    am_fault_format(&g, out2, sizeof(out2));
    /* The text covers every parameter (sigma is kept to 6 decimals), so equal text means
     * an equal fault; memcmp would also compare padding. */
    if (strcmp(out, out2) != 0 || f.kind != g.kind || f.sigma != g.sigma)
        abort();
}

static void check_rules(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/v3/customers", "/api/v3/payments/x/refund", "/", ""};
    struct am_fault_rules *rules = am_fault_rules_new(1), *again = am_fault_rules_new(1);
    char err[512];
    char *listed = NULL, *relisted = NULL;
    cJSON *l = NULL;

    if (!rules || !again)
        goto out;
    if (am_fault_rules_load_text(rules, (const char *)data, size, "fuzz", err, sizeof(err)) != 0) {
        if (am_fault_rules_count(rules) != 0)
            abort();
        goto out;
    }
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct am_fault_request in;
        struct am_fault f;
        char id[AM_FAULT_ID_MAX];

        memset(&in, 0, sizeof(in));
        in.method = (enum am_method)(i % _AM_METHOD_MAX);
        in.path = paths[i];
        in.route = (enum am_route)(i % _AM_ROUTE_MAX);
        in.account_id = i % 2 ? "default" : NULL;
        in.body = (const char *)data;
        in.body_len = size;
        (void)am_faults_decide(rules, &in, &f, id);
        (void)am_faults_decide_connection(rules, &f, id);
    }
    l = am_fault_rules_list_json(rules);
    if (!l || !(listed = cJSON_PrintUnformatted(l)))
        goto out;
    /* Stats are ignored on input, so compare listings of two fresh loads. */
    if (am_fault_rules_load_text(again, listed, strlen(listed), "relist", err, sizeof(err)) != 0)
        abort();
    am_fault_rules_clear(rules);
    if (am_fault_rules_load_text(rules, listed, strlen(listed), "relist", err, sizeof(err)) != 0)
        abort();
    cJSON_Delete(l);
    l = am_fault_rules_list_json(again);
    free(listed);
    listed = NULL;
    if (!l || !(relisted = cJSON_PrintUnformatted(l)))
        goto out;
    cJSON_Delete(l);
    l = am_fault_rules_list_json(rules);
    if (!l || !(listed = cJSON_PrintUnformatted(l)))
        goto out;
    if (strcmp(listed, relisted) != 0)
        abort();
out:
    cJSON_Delete(l);
    free(listed);
    free(relisted);
    am_fault_rules_free(rules);
    am_fault_rules_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check_header(text); /* the header parser sees up to the first NUL, like a C caller */
    free(text);
    check_rules(data, size);
    return 0;
}
