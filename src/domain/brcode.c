/* brcode.c - Pix BR Code payloads (see brcode.h). */
#include "brcode.h"
#include "ascii.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRCODE_MAX 512 /* EMV QR payloads are far shorter */
#define TXID_MAX 25
#define NAME_MAX_LEN 25
#define CITY_MAX_LEN 15
#define AMOUNT_MAX_LEN 13

uint16_t am_crc16_ccitt(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint16_t crc = 0xFFFF;

    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

struct sbuf {
    char data[BRCODE_MAX];
    size_t len;
    bool overflow;
};

/* Appends one TLV field: 2-digit id, 2-digit length, value. */
static void put_tlv(struct sbuf *b, const char *id, const char *value)
{
    size_t vlen = strlen(value);
    int n;

    if (vlen > 99 || b->len + 4 + vlen >= sizeof(b->data)) {
        b->overflow = true;
        return;
    }
    n = snprintf(b->data + b->len, sizeof(b->data) - b->len, "%s%02zu%s", id, vlen, value);
    b->len += (size_t)n;
}

static bool text_ok(const char *s, size_t max)
{
    size_t n = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++, n++) {
        /* The EMV character set: printable ASCII only (no accents). */
        if (*s < 0x20 || *s > 0x7e || n >= max)
            return false;
    }
    return true;
}

static bool txid_ok(const char *s)
{
    size_t n = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++, n++) {
        bool alnum = (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
                     (*s >= 'A' && *s <= 'Z');
        if (!alnum || n >= TXID_MAX)
            return false;
    }
    return true;
}

char *am_brcode_payload(const char *txid, int64_t amount_cents, const char *merchant_name,
                        const char *merchant_city)
{
    char url[128];

    if (!txid_ok(txid))
        return NULL;
    snprintf(url, sizeof(url), "pix.asaas.mock/qr/cobv/%s", txid);
    return am_brcode_location_payload(url, txid, amount_cents, merchant_name, merchant_city);
}

char *am_brcode_location_payload(const char *url, const char *txid, int64_t amount_cents,
                                 const char *merchant_name, const char *merchant_city)
{
    struct sbuf b = {.len = 0, .overflow = false};
    struct sbuf inner = {.len = 0, .overflow = false};
    char tmp[128];
    char *out = NULL;

    if (!text_ok(url, 77) || !txid_ok(txid) || !text_ok(merchant_name, NAME_MAX_LEN) ||
        !text_ok(merchant_city, CITY_MAX_LEN) || amount_cents < 0)
        return NULL;

    put_tlv(&b, "00", "01");
    put_tlv(&b, "01", "12");
    put_tlv(&inner, "00", "br.gov.bcb.pix");
    put_tlv(&inner, "25", url);
    put_tlv(&b, "26", inner.data);
    put_tlv(&b, "52", "0000");
    put_tlv(&b, "53", "986");
    if (amount_cents > 0) {
        int n = snprintf(tmp, sizeof(tmp), "%" PRId64 ".%02d", amount_cents / 100,
                         (int)(amount_cents % 100));
        if (n > AMOUNT_MAX_LEN)
            return NULL;
        put_tlv(&b, "54", tmp);
    }
    put_tlv(&b, "58", "BR");
    put_tlv(&b, "59", merchant_name);
    put_tlv(&b, "60", merchant_city);
    inner.len = 0;
    inner.data[0] = '\0';
    put_tlv(&inner, "05", txid);
    put_tlv(&b, "62", inner.data);
    if (b.overflow || inner.overflow || b.len + 8 >= sizeof(b.data))
        return NULL;
    /* The CRC covers everything up to and including its own id and length "6304". */
    memcpy(b.data + b.len, "6304", 5);
    b.len += 4;
    snprintf(b.data + b.len, sizeof(b.data) - b.len, "%04X",
             (unsigned)am_crc16_ccitt(b.data, b.len));
    b.len += 4;
    out = strdup(b.data);
    return out;
}

static int two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Walks TLV fields over s[0..len); each must fit exactly. Templates (26-51 merchant
 * accounts, 62 additional data, 80-99 unreserved) are walked recursively. Stores where
 * the last field starts in *ret_last when not NULL. */
static int walk_tlv(const char *s, size_t len, bool top, size_t *ret_last)
{
    size_t i = 0;

    while (i < len) {
        int id, n;

        if (len - i < 4)
            return -EINVAL;
        id = two_digits(s + i);
        n = two_digits(s + i + 2);
        if (id < 0 || n < 0 || (size_t)n > len - i - 4)
            return -EINVAL;
        if (top && ((id >= 26 && id <= 51) || id == 62 || id >= 80)) {
            if (walk_tlv(s + i + 4, (size_t)n, false, NULL) < 0)
                return -EINVAL;
        }
        if (ret_last)
            *ret_last = i;
        i += 4 + (size_t)n;
    }
    return 0;
}

int am_brcode_validate(const char *payload)
{
    size_t len, last = 0;
    uint16_t want = 0;

    if (!payload)
        return -EINVAL;
    len = strlen(payload);
    /* Starts with the format indicator and ends with the CRC field "6304XXXX". */
    if (len < 14 || len > BRCODE_MAX || strncmp(payload, "000201", 6) != 0 ||
        strncmp(payload + len - 8, "6304", 4) != 0)
        return -EINVAL;
    /* The CRC must be the last top-level field, not bytes inside another one. */
    if (walk_tlv(payload, len, true, &last) < 0 || last != len - 8)
        return -EINVAL;
    for (size_t i = len - 4; i < len; i++) {
        int v = am_ascii_hex(payload[i]);
        if (v < 0)
            return -EINVAL;
        want = (uint16_t)(want << 4 | v);
    }
    return am_crc16_ccitt(payload, len - 4) == want ? 0 : -EINVAL;
}

char *am_brcode_static_payload(const char *key, const char *description, int64_t amount_cents,
                               const char *txid, const char *merchant_name,
                               const char *merchant_city)
{
    struct sbuf b = {.len = 0, .overflow = false};
    struct sbuf inner = {.len = 0, .overflow = false};
    char tmp[32];

    /* "***" is the BR Code's "no identifier" txid of a bare key. */
    if (!text_ok(key, 77) || !(txid_ok(txid) || (txid && strcmp(txid, "***") == 0)) ||
        !text_ok(merchant_name, NAME_MAX_LEN) ||
        !text_ok(merchant_city, CITY_MAX_LEN) || amount_cents < 0)
        return NULL;
    put_tlv(&b, "00", "01");
    put_tlv(&b, "01", "11");
    put_tlv(&inner, "00", "br.gov.bcb.pix");
    put_tlv(&inner, "01", key);
    /* A description the EMV set cannot carry stays in the API object only. */
    if (description && text_ok(description, 72) && inner.len + 4 + strlen(description) <= 99)
        put_tlv(&inner, "02", description);
    put_tlv(&b, "26", inner.data);
    put_tlv(&b, "52", "0000");
    put_tlv(&b, "53", "986");
    if (amount_cents > 0) {
        int n = snprintf(tmp, sizeof(tmp), "%" PRId64 ".%02d", amount_cents / 100,
                         (int)(amount_cents % 100));
        if (n > AMOUNT_MAX_LEN)
            return NULL;
        put_tlv(&b, "54", tmp);
    }
    put_tlv(&b, "58", "BR");
    put_tlv(&b, "59", merchant_name);
    put_tlv(&b, "60", merchant_city);
    inner.len = 0;
    inner.data[0] = '\0';
    put_tlv(&inner, "05", txid);
    put_tlv(&b, "62", inner.data);
    if (b.overflow || inner.overflow || b.len + 8 >= sizeof(b.data))
        return NULL;
    memcpy(b.data + b.len, "6304", 5);
    b.len += 4;
    snprintf(b.data + b.len, sizeof(b.data) - b.len, "%04X",
             (unsigned)am_crc16_ccitt(b.data, b.len));
    return strdup(b.data);
}

/* Copies a TLV value into out (cap bytes with the NUL), truncating. */
static void copy_value(char *out, size_t cap, const char *v, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

/* Reads "12.34" (at most 2 decimals) as cents. Returns 0 or -EINVAL. */
static int parse_amount(const char *v, size_t n, int64_t *ret)
{
    int64_t whole = 0, frac = 0;
    size_t i = 0, decimals = 0;
    bool dot = false;

    if (n == 0 || n > AMOUNT_MAX_LEN)
        return -EINVAL;
    for (; i < n; i++) {
        if (v[i] == '.' && !dot) {
            dot = true;
        } else if (v[i] >= '0' && v[i] <= '9') {
            if (dot) {
                if (++decimals > 2)
                    return -EINVAL;
                frac = frac * 10 + (v[i] - '0');
            } else {
                whole = whole * 10 + (v[i] - '0');
            }
        } else {
            return -EINVAL;
        }
    }
    if (decimals == 1)
        frac *= 10;
    *ret = whole * 100 + frac;
    return 0;
}

int am_brcode_parse(const char *payload, struct am_brcode_info *ret)
{
    size_t len, i = 0;

    if (!ret || am_brcode_validate(payload) < 0)
        return -EINVAL;
    memset(ret, 0, sizeof(*ret));
    ret->is_static = true;
    ret->amount_cents = -1;
    len = strlen(payload);
    /* am_brcode_validate checked every length, so the walk below stays inside. */
    while (i + 4 <= len) {
        int id = two_digits(payload + i), n = two_digits(payload + i + 2);
        const char *v = payload + i + 4;

        if (id == 1)
            ret->is_static = !(n == 2 && strncmp(v, "12", 2) == 0);
        else if (id == 54 && parse_amount(v, (size_t)n, &ret->amount_cents) < 0)
            return -EINVAL;
        else if (id == 59)
            copy_value(ret->name, sizeof(ret->name), v, (size_t)n);
        else if (id == 60)
            copy_value(ret->city, sizeof(ret->city), v, (size_t)n);
        else if ((id >= 26 && id <= 51) || id == 62) {
            size_t j = 0;

            while (j + 4 <= (size_t)n) {
                int sid = two_digits(v + j), sn = two_digits(v + j + 2);
                const char *sv = v + j + 4;

                if (id == 62 && sid == 5)
                    copy_value(ret->txid, sizeof(ret->txid), sv, (size_t)sn);
                else if (id != 62 && sid == 1)
                    copy_value(ret->key, sizeof(ret->key), sv, (size_t)sn);
                else if (id != 62 && sid == 2)
                    copy_value(ret->description, sizeof(ret->description), sv, (size_t)sn);
                else if (id != 62 && sid == 25)
                    copy_value(ret->url, sizeof(ret->url), sv, (size_t)sn);
                j += 4 + (size_t)sn;
            }
        }
        i += 4 + (size_t)n;
    }
    return 0;
}
