/* fixtures.h - loading accounts and keys from JSON fixtures (pure, fuzzed).
 *
 * Format of accounts.json (documented in the README):
 *   {"accounts":[{"id":"default","name":"...","requireUserAgent":true,
 *                 "allowedIps":["127.0.0.1","192.168.1.x"],
 *                 "keys":[{"name":"dev","key":"$aact_hmlg_...","enabled":true,
 *                          "expirationDate":null},
 *                         {"name":"ci","sha256":"<64 hex>","display":"$aact_hmlg_...abcd"}]}]}
 * Unknown fields are rejected so typos never pass silently. Loading is all-or-nothing
 * into the given registry (callers load into a fresh registry and swap). */
#ifndef AM_FIXTURES_H
#define AM_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* The embedded default fixtures (identical to fixtures/accounts.json; a unit test keeps
 * them in sync). */
extern const char am_fixtures_default_accounts[];

/* Parses text (len bytes) named source (for messages) into reg. On error writes
 * "source:line:col: reason" into err and returns -EINVAL (or -ENOMEM). */
int am_fixtures_load_accounts(struct am_registry *reg, const char *text, size_t len,
                              const char *source, int64_t now, char *err, size_t err_len);

/* Reads dir/accounts.json and loads it. Returns as above; -ENOENT when unreadable. */
int am_fixtures_load_dir(struct am_registry *reg, const char *dir, int64_t now, char *err,
                         size_t err_len);

#endif
