/* coverage.h - the catalogue of every Asaas v3 operation, and which ones the mock emulates.
 *
 * The table lists the 213 operations of the official OpenAPI spec (operationId, method and
 * path exactly as the spec has them) plus a few legacy routes the real API still answers
 * (old single-config webhooks, POST /customers/{id}, /customerFiscalInfo). The server uses
 * it to answer an operation it does not emulate with 501 in Asaas's error shape (instead
 * of a 404 or invented data), and GET /__mock/coverage renders it.
 *
 * Five spec operations share method+path with another one (the spec splits "with credit
 * card" and "to Asaas account" bodies into separate operations); they are listed with
 * variant_of set and never returned by the matcher, which returns the canonical one.
 *
 * Everything here is pure, static and thread-safe; no function allocates except
 * am_coverage_render(). */
#ifndef AM_COVERAGE_H
#define AM_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "http_types.h"

struct cJSON;

/* Operations in the official spec (theoxys/asaas-mock-server's vendored openapi.json). */
#define AM_COVERAGE_SPEC_OPERATIONS 213

struct am_coverage_op {
    enum am_method method;
    const char *path;       /* relative to /v3, spec spelling: "/payments/{id}/refund" */
    const char *operation;  /* spec operationId ("refund-payment"); legacy-* for legacy rows */
    const char *resource;   /* spec tag ("Payment", "Pix Transaction"...) */
    const char *variant_of; /* operationId of the op sharing method+path, or NULL */
    bool legacy;            /* not in the spec; documented legacy route */
};

/* The whole table (static storage, never NULL); *n_out receives its length. */
const struct am_coverage_op *am_coverage_ops(size_t *n_out);

/* Finds the operation answering method m on path_after_v3, the request path with the
 * "/v3" prefix removed ("pix/qrCodes/static"; one leading '/' is tolerated). A "{x}"
 * pattern segment matches any one non-empty segment; when several operations match, the
 * one with a literal segment at the first position where they differ wins, so
 * GET payments/limits is the limits op, not /payments/{id}. Empty segments ("a//b", a
 * trailing '/') never match. Variants are never returned.
 * Returns 0 and sets *ret (borrowed static), -ENOENT when nothing matches, -EINVAL on
 * NULL arguments. */
int am_coverage_match(enum am_method m, const char *path_after_v3,
                      const struct am_coverage_op **ret);

/* Writes a concrete request path for op into out: "/v3" + the pattern with each "{param}"
 * replaced by "x" ("/v3/payments/x/refund"). Always NUL-terminates when len > 0.
 * Returns 0, -ENOSPC when truncated, -EINVAL on NULL arguments or len == 0. */
int am_coverage_sample_path(const struct am_coverage_op *op, char *out, size_t len);

/* Renders {"implemented":n,"missing":n,"total":n,"specOperations":213,"legacyOperations":n,
 * "operations":[{"method","path","operation","resource","implemented"[,"variantOf"]
 * [,"legacy":true]}...]} in table order; "path" carries the /v3 prefix. is_implemented
 * (may be NULL = nothing implemented) is called once per row with ud.
 * Returns a new object; free with cJSON_Delete(). NULL on allocation failure. */
struct cJSON *am_coverage_render(bool (*is_implemented)(const struct am_coverage_op *op, void *ud),
                                 void *ud);

#endif
