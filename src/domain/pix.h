/* pix.h - Pix keys, static QR codes and Pix transactions of an account (pure).
 *
 * Objects live in the account's records store (records.h) as their Asaas JSON, with
 * private '_' members: collections "pixKeys", "pixQrCodes" and "pixTransactions".
 *
 * Every account starts with one ACTIVE EVP key (its "initial key"), so Pix charges work
 * out of the box as they do on a sandbox account with a key. The initial key is derived
 * from the account id (id, key and a fixed dateCreated; see AM_PIX_INITIAL_KEY_CREATED)
 * and written to the store the first time Pix state is touched: the same content
 * whenever that happens, so --state-file replay and snapshots agree.
 *
 * Key states: created ACTIVE; DELETE -> AWAITING_DELETION; the next day's job ->
 * DELETED. Transactions: paid now -> DONE (ledger PIX_TRANSACTION_DEBIT); with a future
 * scheduleDate -> SCHEDULED, executed by the job of that day (DONE, or REFUSED when the
 * balance is short), or CANCELLED by the API. The receiver of a QR code owned by an
 * account of the mock is credited as Asaas does: a static QR code or key creates a
 * customer and a PIX charge that is RECEIVED at once; a charge's dynamic QR code
 * receives that charge; either way a CREDIT transaction appears on the receiver.
 *
 * Ownership: objects returned are borrowed from the store (valid until removed); the
 * *_to_json functions return new trees the caller owns. */
#ifndef AM_PIX_H
#define AM_PIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brcode.h"

struct cJSON;
struct am_records;
struct am_account;
struct am_registry;
struct am_ids;
struct am_payment;

#define AM_PIX_KEYS "pixKeys"
#define AM_PIX_QRCODES "pixQrCodes"
#define AM_PIX_TRANSACTIONS "pixTransactions"

/* ---- keys --------------------------------------------------------------------------- */

/* Writes the initial key to a store that has no Pix state yet (no-op otherwise).
 * 0 or -ENOMEM. */
int am_pix_init(struct am_records *r, const char *account_id);

/* True when the account has an ACTIVE key (a store never touched has its initial key). */
bool am_pix_has_active_key(struct am_records *r);

/* The key object whose "key" is key (any status) after am_pix_init, or NULL. */
struct cJSON *am_pix_key_by_value(struct am_records *r, const char *key);
/* The oldest ACTIVE key object, or NULL. */
struct cJSON *am_pix_key_first_active(struct am_records *r);

/* Creates an EVP key (ACTIVE). Returns 0 with *ret, -ENOSPC (AM_PIX_KEYS_MAX keys not
 * DELETED), -EAGAIN (less than AM_PIX_KEY_INTERVAL_SECONDS since the last key created
 * through the API) or -ENOMEM. */
int am_pix_key_create(struct am_records *r, const char *account_id, struct am_ids *ids,
                      int64_t now, struct cJSON **ret);
/* ACTIVE -> AWAITING_DELETION (deleted by the next day's job). 0 or -EPERM. */
int am_pix_key_delete(struct cJSON *key, int64_t now);

/* The key as Asaas shows it, qrCode {encodedImage, payload} included. */
struct cJSON *am_pix_key_to_json(const struct cJSON *key);

/* ---- static QR codes ---------------------------------------------------------------- */

enum am_pix_qr_format { AM_PIX_QR_ALL, AM_PIX_QR_IMAGE, AM_PIX_QR_PAYLOAD };

struct am_pix_qr_spec {
    const char *key;                /* an ACTIVE key of the account */
    const char *description;        /* NULL = null */
    int64_t value_cents;            /* 0 = the payer chooses */
    enum am_pix_qr_format format;
    int64_t expires_at;             /* instant, 0 = never */
    bool allows_multiple_payments;
    const char *external_reference; /* NULL = null */
};

/* Creates a static QR code. 0 with *ret, -EINVAL or -ENOMEM. */
int am_pix_qr_create(struct am_records *r, struct am_ids *ids, const struct am_pix_qr_spec *s,
                     int64_t now, struct cJSON **ret);
/* The static QR code whose txid (conciliationIdentifier) is txid, or NULL. */
struct cJSON *am_pix_qr_by_txid(struct am_records *r, const char *txid);
/* Why the QR code cannot be paid now (an Asaas text), or NULL when it can. */
const char *am_pix_qr_unpayable(const struct cJSON *qr, int64_t now);
/* Marks it deleted (it stays in the store, unpayable). */
void am_pix_qr_delete(struct cJSON *qr);
/* Create answer: id, encodedImage, payload, ... as the format asks. */
struct cJSON *am_pix_qr_to_json(const struct cJSON *qr);

/* ---- paying a QR code --------------------------------------------------------------- */

enum am_pix_target_kind {
    AM_PIX_TARGET_EXTERNAL, /* a key no account of the mock owns */
    AM_PIX_TARGET_KEY,      /* a static QR code or key of an account of the mock */
    AM_PIX_TARGET_CHARGE,   /* the dynamic QR code of a charge of the mock */
    AM_PIX_TARGET_AUTHORIZATION, /* the QR code of an automatic Pix authorization */
};

struct am_pix_target {
    enum am_pix_target_kind kind;
    struct am_brcode_info info;
    struct am_account *receiver;  /* KEY, CHARGE */
    struct cJSON *qr;             /* KEY: the static QR code, NULL for a bare key */
    struct am_payment *payment;   /* CHARGE */
    struct cJSON *auth;           /* AUTHORIZATION */
};

/* Decodes payload and finds who receives it. Returns 0, -EINVAL (not a valid BR Code)
 * or -ENOENT (the dynamic QR code of a charge or authorization that does not exist). */
int am_pix_resolve(struct am_registry *reg, const char *payload, struct am_pix_target *ret);

/* Why the target cannot receive value now (an Asaas text), or NULL. */
const char *am_pix_target_refusal(const struct am_pix_target *t, int64_t value_cents,
                                  int64_t now);

struct am_pix_pay_spec {
    const char *payload;
    int64_t value_cents;
    const char *description; /* NULL = null */
    int64_t schedule_day;    /* AM_NO_DAY = now */
};

/* Creates the payer's DEBIT transaction: SCHEDULED for a later day, else settled now.
 * The caller checked the target and, for now, the balance. 0 with *ret (borrowed from
 * payer's store), -ENOSPC (balance short) or -ENOMEM. */
int am_pix_pay(struct am_account *payer, struct am_ids *ids, const struct am_pix_pay_spec *s,
               const struct am_pix_target *t, int64_t now, struct cJSON **ret);

/* SCHEDULED -> CANCELLED (tx of the store r). 0 or -EPERM. */
int am_pix_transaction_cancel(struct am_records *r, struct cJSON *tx, int64_t now);

/* Filtering long transaction lists: every transaction carries a records tag (records.h)
 * packing its status and type, kept up to date on each change (0 = derive it again,
 * as after a snapshot import). NULL-terminated names, in the spec's order. */
extern const char *const am_pix_tx_statuses[];
extern const char *const am_pix_tx_types[];
/* Index of name in the list, or -1. */
int am_pix_name_index(const char *const *names, const char *name);
/* The tag of tx: 1 + status index * 8 + type index (never 0). */
uint32_t am_pix_tx_tag(const struct cJSON *tx);
static inline int am_pix_tag_status(uint32_t tag)
{
    return (int)((tag - 1) / 8);
}
static inline int am_pix_tag_type(uint32_t tag)
{
    return (int)((tag - 1) % 8);
}

/* The transaction as Asaas shows it. */
struct cJSON *am_pix_transaction_to_json(const struct cJSON *tx);

/* The daily job (jobs.h am_jobs_area_fn): keys AWAITING_DELETION -> DELETED, scheduled
 * transactions of day executed (DONE or REFUSED). Idempotent. */
int am_pix_job(struct am_account *a, struct am_ids *ids, int64_t day, int64_t now);

#endif
