/* test_httphead.c - the HTTP/1.1 framer of net/http1.c: what RFC 9112 says to refuse is
 * refused with the right status, what is well-formed is passed on unchanged whatever the
 * read sizes, a chunked body's payload is told from its framing, and an accepted head is
 * split into the request the app sees. */
#include "test_helpers.h"

#include "httphead.h"

struct out {
    char buf[8192];
    size_t len;
    int heads;
};

/* Feeds text in pieces of at most piece bytes (0: whole); returns the final error. */
static enum am_httphead_error run(const char *text, size_t piece, struct out *o,
                                  enum am_httphead_phase *ret_phase)
{
    struct am_httphead h;
    size_t len = strlen(text), off = 0;
    enum am_httphead_error e;

    memset(o, 0, sizeof(*o));
    am_httphead_init(&h, 1024, 100);
    while (off < len && h.error == AM_HH_OK) {
        size_t n = piece && len - off > piece ? piece : len - off, used = 0;
        enum am_httphead_step st = am_httphead_feed(&h, text + off, n, &used);

        if (st == AM_HH_ERROR)
            break;
        if (st == AM_HH_HEAD) {
            memcpy(o->buf + o->len, h.head, h.head_len);
            o->len += h.head_len;
            o->heads++;
            am_httphead_taken(&h);
        } else if (st == AM_HH_BODY) {
            memcpy(o->buf + o->len, text + off, used);
            o->len += used;
        }
        off += used;
    }
    o->buf[o->len] = '\0';
    e = h.error;
    if (ret_phase)
        *ret_phase = h.phase;
    am_httphead_finish(&h);
    return e;
}

static void expect_error(const char *text, enum am_httphead_error want, int status)
{
    struct out o;

    for (size_t piece = 0; piece <= 3; piece++) {
        enum am_httphead_error got = run(text, piece, &o, NULL);
        if (got != want)
            fail_msg("piece %zu: error %d, want %d for %s", piece, got, want, text);
    }
    assert_int_equal(am_httphead_error_info(want)->status, status);
}

static void expect_passed(const char *text, int heads)
{
    struct out o;
    enum am_httphead_phase phase;

    for (size_t piece = 0; piece <= 3; piece++) {
        assert_int_equal(run(text, piece, &o, &phase), AM_HH_OK);
        assert_string_equal(o.buf, text);
        assert_int_equal(o.heads, heads);
        assert_int_equal(phase, AM_HH_IDLE);
    }
}

static void test_httphead_passes_well_formed_requests_unchanged(void **state)
{
    (void)state;
    expect_passed("GET /__mock/health HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    expect_passed("POST /v3/customers HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", 1);
    /* Identical duplicate lengths are one length. */
    expect_passed("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}", 1);
    expect_passed("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
                  "2\r\n{}\r\n1 \r\n \r\n0\r\nX-Trailer: 1\r\n\r\n",
                  1);
    /* Pipelined, LF-only lines, HTTP/1.0, UTF-8 in a value. */
    expect_passed("GET / HTTP/1.1\r\n\r\nGET /b HTTP/1.0\nX: caf\xc3\xa9\n\n", 2);
    /* HEAD has no body for evhttp: the bytes after it are the next request. */
    expect_passed("HEAD / HTTP/1.1\r\nContent-Length: 5\r\n\r\nGET / HTTP/1.1\r\n\r\n", 2);
}

static void test_httphead_blank_lines_between_requests_are_dropped(void **state)
{
    struct out o;

    (void)state;
    assert_int_equal(run("\r\n\r\nGET / HTTP/1.1\r\n\r\n", 1, &o, NULL), AM_HH_OK);
    assert_string_equal(o.buf, "GET / HTTP/1.1\r\n\r\n");
}

static void test_httphead_refuses_what_rfc9112_refuses(void **state)
{
    (void)state;
    expect_error("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}",
                 AM_HH_BAD_LENGTH, 400);
    expect_error("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n{}", AM_HH_BAD_LENGTH, 400);
    expect_error("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", AM_HH_BAD_LENGTH, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n{}", AM_HH_UNKNOWN_CODING,
                 501);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                 AM_HH_UNKNOWN_CODING, 501);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
                 AM_HH_BAD_FRAMING, 400);
    expect_error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", AM_HH_BAD_FRAMING, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding:\tchunked\r\n\r\n", AM_HH_BAD_FRAMING,
                 400);
    expect_error("GET / HTTP/1.1\r\nHost : x\r\n\r\n", AM_HH_BAD_HEADER, 400);
    expect_error("GET / HTTP/1.1\r\nHo st: x\r\n\r\n", AM_HH_BAD_HEADER, 400);
    expect_error("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", AM_HH_BAD_HEADER, 400);
    expect_error("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", AM_HH_BAD_HEADER, 400);
    expect_error("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", AM_HH_OBS_FOLD, 400);
    expect_error("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", AM_HH_DUPLICATE_HOST, 400);
    expect_error("GET  / HTTP/1.1\r\n\r\n", AM_HH_BAD_REQUEST_LINE, 400);
    expect_error("GET /\xc3\xa9 HTTP/1.1\r\n\r\n", AM_HH_BAD_REQUEST_LINE, 400);
    expect_error("GET / HTTP/1.1 \r\n\r\n", AM_HH_BAD_REQUEST_LINE, 400);
    expect_error("TRACE / HTTP/1.1\r\n\r\n", AM_HH_METHOD, 501);
    expect_error("get / HTTP/1.1\r\n\r\n", AM_HH_METHOD, 501);
    expect_error("GET / HTTP/2.0\r\n\r\n", AM_HH_VERSION, 505);
    expect_error("GET / HTTP/1.1\r\nExpect: magic\r\n\r\n", AM_HH_EXPECT, 417);
}

static void test_httphead_malformed_chunks_are_400_not_413(void **state)
{
    (void)state;
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", AM_HH_BAD_CHUNK,
                 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", AM_HH_BAD_CHUNK,
                 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b\r\n{}\r\n",
                 AM_HH_BAD_CHUNK, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n",
                 AM_HH_BAD_CHUNK, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}X\r\n",
                 AM_HH_BAD_CHUNK, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r{}\r\n",
                 AM_HH_BAD_CHUNK, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n",
                 AM_HH_BAD_CHUNK, 400);
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n bad\r\n\r\n",
                 AM_HH_BAD_CHUNK, 400);
    /* Only a body over the limit is 413. */
    expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n",
                 AM_HH_BODY_TOO_LARGE, 413);
    {
        /* 0x60 = 96 bytes, then 5 more: 101 in all, over the 100 allowed. */
        char text[256];
        int n = snprintf(text, sizeof(text),
                         "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n60\r\n");
        memset(text + n, 'a', 96);
        snprintf(text + n + 96, sizeof(text) - (size_t)n - 96, "\r\n5\r\n");
        expect_error(text, AM_HH_BODY_TOO_LARGE, 413);
    }
    expect_error("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", AM_HH_BODY_TOO_LARGE, 413);
}

static void test_httphead_head_limit_and_phases(void **state)
{
    struct am_httphead h;
    char big[1100];
    size_t used;
    enum am_method m;
    char target[16];

    (void)state;
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET /v3/customers?x=1 HTTP/1.1\r\nX: ", 36);
    am_httphead_init(&h, 1024, 100);
    assert_int_equal(am_httphead_feed(&h, "GET /v3/cus", 11, &used), AM_HH_ABSORBED);
    assert_int_equal(h.phase, AM_HH_IN_HEAD);
    assert_int_equal(am_httphead_feed(&h, big + 11, sizeof(big) - 11, &used), AM_HH_ERROR);
    assert_int_equal(h.error, AM_HH_HEAD_TOO_LARGE);
    assert_int_equal(am_httphead_error_info(h.error)->status, 431);
    /* The refusal still names what was asked (for the journal), cut to fit. */
    am_httphead_describe(&h, &m, target, sizeof(target));
    assert_int_equal(m, AM_METHOD_GET);
    assert_string_equal(target, "/v3/customers?x");
    am_httphead_finish(&h);

    am_httphead_init(&h, 1024, 100);
    assert_int_equal(am_httphead_feed(&h, "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n{", 39,
                                      &used),
                     AM_HH_HEAD);
    assert_int_equal(used, 38);
    am_httphead_taken(&h);
    assert_int_equal(h.phase, AM_HH_IN_BODY);
    assert_int_equal(am_httphead_feed(&h, "{}", 2, &used), AM_HH_BODY);
    assert_int_equal(h.phase, AM_HH_IN_BODY);
    assert_int_equal(am_httphead_feed(&h, "}GET", 4, &used), AM_HH_BODY);
    assert_int_equal(used, 1);
    assert_int_equal(h.phase, AM_HH_IDLE);
    am_httphead_finish(&h);
    assert_int_equal(am_httphead_error_info(AM_HH_HEAD_TIMEOUT)->status, 408);
    assert_string_equal(am_httphead_error_info(AM_HH_BODY_TIMEOUT)->reason, "body_deadline");
}

/* The payload steps of a chunked body, whatever the read sizes, are exactly its data. */
static void test_httphead_chunked_payload_is_told_from_framing(void **state)
{
    static const char text[] = "POST /v3/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n0a \r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n"
                               "GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    (void)state;
    for (size_t piece = 1; piece <= sizeof(text); piece++) {
        struct am_httphead h;
        char payload[64];
        size_t plen = 0, off = 0, len = sizeof(text) - 1;
        int done = 0;

        am_httphead_init(&h, 1024, 100);
        while (off < len) {
            size_t n = len - off > piece ? piece : len - off, used = 0;
            enum am_httphead_step st = am_httphead_feed(&h, text + off, n, &used);

            assert_int_not_equal(st, AM_HH_ERROR);
            if (st == AM_HH_HEAD)
                am_httphead_taken(&h);
            if (st == AM_HH_BODY && h.payload) {
                assert_true(plen + used < sizeof(payload));
                memcpy(payload + plen, text + off, used);
                plen += used;
            }
            if (st == AM_HH_BODY && h.phase == AM_HH_IDLE)
                done++;
            off += used;
        }
        payload[plen] = '\0';
        assert_string_equal(payload, "abc0123456789hi");
        assert_int_equal(done, 2);
        am_httphead_finish(&h);
    }
}

/* Feeds one whole head and splits it. */
static void parse_one(struct am_httphead *h, const char *text, struct am_request *req,
                      const char **target)
{
    size_t used = 0;

    am_httphead_init(h, 4096, 100);
    memset(req, 0, sizeof(*req));
    assert_int_equal(am_httphead_feed(h, text, strlen(text), &used), AM_HH_HEAD);
    assert_int_equal(used, strlen(text));
    assert_int_equal(am_httphead_parse(h, req, target), 0);
    am_httphead_taken(h);
}

static void test_httphead_parse_splits_the_head_in_place(void **state)
{
    struct am_httphead h;
    struct am_request req;
    const char *target;
    char many[4096];
    size_t n;

    (void)state;
    parse_one(&h, "GET /v3/cus%74omers/a%2Fb?name=a%20b&x=1#frag HTTP/1.1\r\n"
                  "Host: x\r\naccess_token:   $aact_hmlg_abc \t\r\nX-Empty:\r\n\r\n",
              &req, &target);
    assert_int_equal(req.method, AM_METHOD_GET);
    assert_string_equal(target, "/v3/cus%74omers/a%2Fb?name=a%20b&x=1#frag");
    assert_string_equal(req.path, "/v3/customers/a/b"); /* decoded like evhttp_uridecode */
    assert_string_equal(req.query, "name=a%20b&x=1");    /* raw, without the fragment */
    assert_int_equal(req.n_headers, 3);
    assert_false(req.headers_overflow);
    assert_string_equal(am_request_header(&req, "ACCESS_TOKEN"), "$aact_hmlg_abc");
    assert_string_equal(am_request_header(&req, "x-empty"), "");
    assert_string_equal(am_request_header(&req, "host"), "x");
    am_httphead_finish(&h);

    /* A decoded NUL never shortens the path; invalid escapes stay; no query is NULL. */
    parse_one(&h, "DELETE /v3/x%00y HTTP/1.0\r\n\r\n", &req, &target);
    assert_int_equal(req.method, AM_METHOD_DELETE);
    assert_string_equal(req.path, "/");
    assert_null(req.query);
    assert_true(h.http10);
    am_httphead_finish(&h);
    parse_one(&h, "GET /a%zz%4?q HTTP/1.1\r\n\r\n", &req, &target);
    assert_string_equal(req.path, "/a%zz%4");
    assert_string_equal(req.query, "q");
    am_httphead_finish(&h);

    /* absolute-form names its path after the authority; none is "/". */
    parse_one(&h, "GET https://api.example:443/v3/p?a=1 HTTP/1.1\r\n\r\n", &req, &target);
    assert_string_equal(req.path, "/v3/p");
    assert_string_equal(req.query, "a=1");
    am_httphead_finish(&h);
    parse_one(&h, "OPTIONS http://api.example HTTP/1.1\r\n\r\n", &req, &target);
    assert_string_equal(req.path, "/");
    assert_null(req.query);
    am_httphead_finish(&h);

    /* More fields than the request holds: flagged, never half-read silently. */
    n = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
    for (int i = 0; i < AM_REQUEST_MAX_HEADERS + 2; i++)
        n += (size_t)snprintf(many + n, sizeof(many) - n, "X-%d: %d\r\n", i, i);
    snprintf(many + n, sizeof(many) - n, "\r\n");
    parse_one(&h, many, &req, &target);
    assert_true(req.headers_overflow);
    assert_int_equal(req.n_headers, AM_REQUEST_MAX_HEADERS);
    am_httphead_finish(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_httphead_passes_well_formed_requests_unchanged),
        cmocka_unit_test(test_httphead_blank_lines_between_requests_are_dropped),
        cmocka_unit_test(test_httphead_refuses_what_rfc9112_refuses),
        cmocka_unit_test(test_httphead_malformed_chunks_are_400_not_413),
        cmocka_unit_test(test_httphead_head_limit_and_phases),
        cmocka_unit_test(test_httphead_chunked_payload_is_told_from_framing),
        cmocka_unit_test(test_httphead_parse_splits_the_head_in_place),
    };
    return cmocka_run_group_tests_name("httphead", tests, NULL, NULL);
}
