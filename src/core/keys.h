/* keys.h - Asaas API key shapes, redaction and generation (pure).
 *
 * Keys are never stored whole: callers keep only am_sha256() of the key and the
 * redacted display form produced here. No ownership; callers provide buffers. */
#ifndef AM_KEYS_H
#define AM_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum am_environment { AM_ENV_SANDBOX, AM_ENV_PRODUCTION };

enum am_key_shape {
    AM_KEY_SHAPE_INVALID,    /* not shaped like an Asaas key */
    AM_KEY_SHAPE_SANDBOX,    /* "$aact_hmlg_" + base64 */
    AM_KEY_SHAPE_PRODUCTION, /* "$aact_prod_" + base64 */
    AM_KEY_SHAPE_LEGACY,     /* "$aact_" + base64, no environment marker */
};

#define AM_KEY_MAX_LEN 512
#define AM_KEY_REDACTED_LEN 40 /* enough for any am_key_redact() output with NUL */

/* Classifies a header value. Shape: the literal "$aact_", optionally "hmlg_" or "prod_",
 * then at least 16 characters of the base64 alphabet (A-Z a-z 0-9 + / = and also - _
 * for URL-safe base64), at most AM_KEY_MAX_LEN in all. Anything else (spaces, quotes,
 * "Bearer ", other characters) is AM_KEY_SHAPE_INVALID. */
enum am_key_shape am_key_classify(const char *key);

/* True when a key of this shape belongs to env (legacy keys belong to both). */
bool am_key_shape_matches_env(enum am_key_shape shape, enum am_environment env);

/* Redacted display form: the recognised prefix ("$aact_hmlg_", "$aact_prod_" or
 * "$aact_"), then "..." then the last 4 characters, e.g. "$aact_hmlg_...9f3a". Values
 * too short to hide anything (< 12 chars) become "...", and values that are not keys
 * show only "..." + last 4 when at least 12 chars long. Never more than 4 characters of
 * the secret part. out must hold AM_KEY_REDACTED_LEN bytes. */
void am_key_redact(const char *key, char *out, size_t out_len);
/* am_key_redact() for a caller that already has am_key_classify(key) (auth: once per
 * request, not twice). */
void am_key_redact_shaped(const char *key, enum am_key_shape shape, char *out, size_t out_len);

/* Generates a new key of env in the real format: "$aact_hmlg_000" / "$aact_prod_000" +
 * base64("<32 hex>::<19-digit number>::$aach_<uuid v4>"). out must hold
 * AM_KEY_MAX_LEN bytes. Returns 0 or -EIO when randomness fails. */
int am_key_generate(enum am_environment env, char *out, size_t out_len);

/* Rewrites, in place, every "aact_..." run in s (a key pasted into a path, a query, an
 * error message) to its prefix + "..." + last 4 characters, like am_key_redact(). The
 * result is never longer than s. */
void am_key_scrub(char *s);

/* True when s (may be NULL) holds text am_key_scrub() would shorten: a key, or
 * something shaped like one. */
bool am_key_shaped_text(const char *s);

/* Reversible concealment of key-shaped text, for files that must give back exactly what
 * they were given (the --state-file): every run am_key_scrub() would shorten becomes "~"
 * + lower-case hex of its bytes + "~", and every literal "~" becomes "~~", so the result
 * never holds the literal key text and am_key_reveal() restores the input byte for byte.
 * "~" and hex digits are plain string characters, so concealed JSON stays valid JSON.
 * This is an encoding, not encryption: it keeps keys away from eyes, greps and secret
 * scanners, not from someone who decodes the file. ret: a new NUL-terminated string
 * (free()); *ret_len its length. Returns 0, -ENOMEM, or (reveal) -EINVAL when s is not
 * something am_key_conceal() wrote. */
int am_key_conceal(const char *s, size_t len, char **ret, size_t *ret_len);
/* The same into out, which holds AM_KEY_CONCEALED_MAX(len) bytes (a literal "~" doubles,
 * a run of n >= 13 bytes becomes 2n + 2); returns the length written (a NUL follows). */
#define AM_KEY_CONCEALED_MAX(len) (2 * (len) + 2 * ((len) / 13) + 1)
size_t am_key_conceal_to(const char *s, size_t len, char *out);
int am_key_reveal(const char *s, size_t len, char **ret, size_t *ret_len);

/* am_key_scrub() on every member name and string value of a JSON tree (and its
 * siblings after it), in place: for outputs that show client-written text (snapshots, the
 * event listing), where a key pasted into a field must not come back whole. */
struct cJSON;
void am_key_scrub_json(struct cJSON *item);

/* Parses "sandbox"/"production". Returns 0 or -EINVAL. */
int am_environment_parse(const char *s, enum am_environment *ret_env);
const char *am_environment_name(enum am_environment env);

#endif
