/* pristine.h - what POST /__mock/reset returns to, ready in advance (pure).
 *
 * Right after the fixtures load, every account's data is captured as snapshot text
 * (state.h), with its clock and the id generator's position. A reset must take < 5 ms
 * even with 10k seeded objects, which rebuilding cannot do; so each account also keeps
 * a STANDBY copy of its stores, built from the text ahead of time. A reset swaps the
 * standby in (pointer swaps) and parks the replaced stores; am_pristine_idle(), which
 * the server runs after replies have left, frees what was parked and builds the next
 * standby. A reset that finds no standby ready builds one on the spot (slow, correct).
 *
 * Ownership: the set owns its texts, standby stores and parked stores; it borrows
 * nothing after capture. Accounts without a captured entry (created at run time) reset
 * to empty stores. */
#ifndef AM_PRISTINE_H
#define AM_PRISTINE_H

#include <stdbool.h>
#include <stddef.h>

#include "clock.h"
#include "ids.h"
#include "registry.h"

struct am_pristine;

/* Captures every account of reg, and ids. Returns a new set (am_pristine_free) or NULL
 * on OOM. Standbys are not built yet: am_pristine_idle() builds them. */
struct am_pristine *am_pristine_capture(struct am_registry *reg, const struct am_ids *ids);
void am_pristine_free(struct am_pristine *p);

/* Puts account back to its captured data and clock (an account unknown to the set gets
 * empty stores and fallback_clock). *ret_fast (may be NULL) tells whether a standby was
 * ready. Returns 0, -ENOMEM, or -EINVAL with err set (a capture that no longer imports:
 * cannot happen short of a bug). */
int am_pristine_reset_account(struct am_pristine *p, struct am_account *account,
                              const struct am_clock *fallback_clock, bool *ret_fast, char *err,
                              size_t err_len);

/* The id generator position at capture. */
struct am_ids am_pristine_ids(const struct am_pristine *p);

/* True when parked stores wait to be freed or a standby to be built. */
bool am_pristine_idle_pending(const struct am_pristine *p);
/* Frees parked stores and builds at most one missing standby. */
void am_pristine_idle(struct am_pristine *p);
/* Builds every missing standby now (tests, and before a timed reset). */
void am_pristine_prepare_all(struct am_pristine *p);

/* Objects captured in total (customers + payments + subscriptions), for messages. */
size_t am_pristine_objects(const struct am_pristine *p);

#endif
