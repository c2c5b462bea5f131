/* secreport.h - the integration security report: findings against Asaas's security
 * practice, per account (pure).
 *
 * A store (struct am_secreport) keeps the findings observed in traffic for one account
 * (or, for requests that name no account, the server's unattributed store): per finding
 * code one record with the first evidence (always redacted: am_key_scrub), a count and
 * the first and last time it was seen (account clock, Unix seconds). It also keeps small,
 * bounded, transient trackers (failing keys, a 429's Retry-After, payment polls, POSTs
 * answered by an `ambiguous` fault) that are not part of snapshots.
 * Findings that follow from the account's state (key hygiene, webhook URLs, key-shaped
 * stored data) are not stored: am_security_report() derives them when the report is
 * made, on the account's clock, so they reset and snapshot with the state itself.
 *
 * Ownership: am_secreport_new() returns a store the caller frees with
 * am_secreport_free() (an account owns its store through struct am_account.secreport;
 * NULL means no findings yet). Report and Markdown outputs are new objects the caller
 * frees. No function prints or keeps a whole key. */
#ifndef AM_SECREPORT_H
#define AM_SECREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cJSON;

enum am_sec_severity { AM_SEC_ADVICE, AM_SEC_WARNING, AM_SEC_ERROR, _AM_SEC_SEVERITY_MAX };

/* Stable codes (their names are the report's "code"; never renumber or rename). */
enum am_sec_code {
    AM_SEC_PLAINTEXT_TRANSPORT,
    AM_SEC_TLS12_NEGOTIATED,
    AM_SEC_WEBHOOK_HTTP_URL,
    AM_SEC_KEY_IN_QUERY,
    AM_SEC_KEY_IN_PATH,
    AM_SEC_KEY_IN_BODY,
    AM_SEC_KEY_IN_STORED_DATA,
    AM_SEC_PRODUCTION_KEY,
    AM_SEC_FAILING_KEY_RETRIED,
    AM_SEC_USER_AGENT_MISSING,
    AM_SEC_USER_AGENT_LIBRARY_DEFAULT,
    AM_SEC_NO_IP_ALLOWLIST,
    AM_SEC_KEY_ROTATION_OVERDUE,
    AM_SEC_STALE_KEY_PRESENT,
    AM_SEC_MULTIPLE_ACTIVE_KEYS,
    AM_SEC_DUPLICATE_AFTER_AMBIGUOUS,
    AM_SEC_REQUEST_BEFORE_RETRY_AFTER,
    AM_SEC_POLLING_WITH_WEBHOOK,
    AM_SEC_RECEIVER_IGNORES_TOKEN,
    AM_SEC_RECEIVER_NOT_200,
    _AM_SEC_CODE_MAX
};

/* What the report needs beyond the stores (config.c's options). */
struct am_sec_options {
    unsigned rotation_days;      /* --key-rotation-days: a key older than this is overdue */
    unsigned poll_interval_s;    /* --status-poll-interval: reads of one payment closer than
                                    this, while a webhook config wants its events, are polling */
};

#define AM_SEC_EVIDENCE_MAX 200

struct am_sec_finding {
    bool present;
    uint64_t count;
    int64_t first_seen, last_seen;     /* account clock, Unix seconds */
    char evidence[AM_SEC_EVIDENCE_MAX]; /* the first occurrence, redacted */
};

struct am_secreport;

struct am_secreport *am_secreport_new(void);
void am_secreport_free(struct am_secreport *s);
/* Forgets every finding and tracker. */
void am_secreport_clear(struct am_secreport *s);
/* True when s (may be NULL) holds no finding. */
bool am_secreport_empty(const struct am_secreport *s);
/* The record of code, or NULL when absent (or s is NULL). Borrowed from s. */
const struct am_sec_finding *am_secreport_get(const struct am_secreport *s, enum am_sec_code c);
/* Sets a record wholesale (snapshot import). */
void am_secreport_put(struct am_secreport *s, enum am_sec_code c, const struct am_sec_finding *f);

/* Copies in (may be NULL) to out with every key scrubbed first and then cut to fit, so
 * a cut can never leave part of a key unscrubbed. */
void am_secreport_clip(const char *in, char *out, size_t out_len);

/* Counts one occurrence of c at now (account clock). evidence (may be NULL) is kept,
 * scrubbed of keys, from the first occurrence only. */
void am_secreport_record(struct am_secreport *s, enum am_sec_code c, int64_t now,
                         const char *evidence);

/* ---- the catalogue ---- */
const char *am_sec_code_name(enum am_sec_code c);    /* "KEY_IN_QUERY" */
int am_sec_code_parse(const char *name);             /* the code, -1 when unknown */
enum am_sec_severity am_sec_code_severity(enum am_sec_code c);
const char *am_sec_code_category(enum am_sec_code c); /* "transport", "key handling" ... */
const char *am_sec_code_title(enum am_sec_code c);
const char *am_sec_code_practice(enum am_sec_code c); /* the practice, with its source */
const char *am_sec_severity_name(enum am_sec_severity s); /* "advice", "warning", "error" */
/* Parses "advice" | "warning" | "error". Returns 0 or -EINVAL. */
int am_sec_severity_parse(const char *s, enum am_sec_severity *ret);

/* ---- detectors over plain inputs (the glue in security.c feeds them) ---- */

/* The HTTP library whose default User-Agent ua is ("python-requests", "axios", ...), or
 * NULL when ua names something else. ua may be NULL. Static string. */
const char *am_secreport_library_ua(const char *ua);

/* Scans a JSON body for a string member whose whole value is key-shaped (a key sent as a
 * field instead of the access_token header). Writes "field <name>" (the member's path) to
 * out and returns true on the first; false when none (or the body is not JSON). */
bool am_secreport_body_key(const char *body, size_t len, char *out, size_t out_len);

/* A failed authentication of the key shown as display at real time now_ms. Returns true
 * when this is at least the AM_SEC_LOOP_FAILURES-th failure of the same key within
 * AM_SEC_LOOP_WINDOW_MS (a tight retry loop). */
#define AM_SEC_LOOP_FAILURES 5
#define AM_SEC_LOOP_WINDOW_MS 10000
bool am_secreport_note_auth_failure(struct am_secreport *s, const char *display, int64_t now_ms);

/* A 429 told the client to wait retry_after_s seconds from now_ms. */
void am_secreport_note_429(struct am_secreport *s, int64_t now_ms, int64_t retry_after_s);
/* True when now_ms is before the end of the last 429's Retry-After. */
bool am_secreport_before_retry_after(const struct am_secreport *s, int64_t now_ms);

/* A read of payment_id's status at now_ms. Returns true when the previous read of the
 * same payment was less than interval_ms before (polling). */
bool am_secreport_note_poll(struct am_secreport *s, const char *payment_id, int64_t now_ms,
                            int64_t interval_ms);

/* A POST to route answered by an `ambiguous` fault (the operation ran, the client saw a
 * reset): its body's identifying fields are remembered for AM_SEC_AMBIGUOUS_WINDOW_MS. */
#define AM_SEC_AMBIGUOUS_WINDOW_MS (10 * 60 * 1000)
void am_secreport_note_ambiguous(struct am_secreport *s, int route, const char *body,
                                 size_t len, int64_t now_ms);
/* A later successful POST to route: true, with what matched in out, when it repeats a
 * remembered one (same externalReference; or same customer, value and dueDate; or, for a
 * customer, the same cpfCnpj). The remembered one is then forgotten. */
bool am_secreport_duplicate(struct am_secreport *s, int route, const char *body, size_t len,
                            int64_t now_ms, char *out, size_t out_len);

/* ---- the report (security.c builds the tree: am_security_report) ---- */

/* The Markdown rendering of a report tree (new string, NULL on OOM). */
char *am_secreport_markdown(const struct cJSON *report);

/* Highest severity in a report tree, -1 when it has no finding. */
int am_secreport_max_severity(const struct cJSON *report);

#endif
