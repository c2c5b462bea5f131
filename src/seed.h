/* seed.h - seed objects from fixtures, created through the API itself (pure).
 *
 * A seed file (DIR/seed/NAME.json, applied in name order) is a list of API requests run as
 * an account when the fixtures load, so a fixture can never create an object the API
 * could not (same validation, same ids, same events):
 *
 *   {"account": "default",
 *    "requests": [
 *      {"as": "ana", "method": "POST", "path": "/v3/customers",
 *       "body": {"name": "Ana", "cpfCnpj": "24971563792"}},
 *      {"method": "POST", "path": "/v3/payments",
 *       "body": {"customer": "${ana.id}", "billingType": "PIX", "value": 100,
 *                "dueDate": "${today+10}"}}]}
 *
 * Templates in the path and in body strings: "${NAME.FIELD}" is the top-level FIELD of the
 * answer of the step named NAME ("as"); "${today}", "${today+N}", "${today-N}" are dates on
 * the account's clock. A string that is exactly one template of a non-string value (a
 * number) becomes that value. Every step must answer 2xx, else loading fails with the
 * file, the step and the API's own error. Nothing here owns memory past a call. */
#ifndef AM_SEED_H
#define AM_SEED_H

#include <stddef.h>
#include <stdint.h>

struct am_app;
struct am_registry;

/* Applies one seed document (text of len bytes, named source for messages) to the
 * accounts of reg, running its requests through am_app_call(). With only_account set, a
 * document for another account is checked for syntax but not run. On error writes
 * "source: requests[3]: POST /v3/payments answered 400 invalid_dueDate: ..." (or the
 * JSON position) into err and returns -EINVAL; -ENOMEM on allocation failure. */
int am_seed_apply_text(struct am_app *app, struct am_registry *reg, const char *text, size_t len,
                       const char *source, const char *only_account, int64_t real_now, char *err,
                       size_t err_len);

/* Applies every dir/seed/NAME.json in name order. A missing seed folder is not an error.
 * Returns as am_seed_apply_text (-ENOENT/-EIO for unreadable files). */
int am_seed_apply_dir(struct am_app *app, struct am_registry *reg, const char *dir,
                      const char *only_account, int64_t real_now, char *err, size_t err_len);

#endif
