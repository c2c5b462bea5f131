/* metrics.c - Prometheus text rendering of the counters (see metrics.h). */
#include "metrics.h"

#include "faults.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void am_metrics_count_request(struct am_metrics *m, int status, enum am_route route)
{
    if (status >= 100 && status < 600)
        m->requests_by_status[status]++;
    if ((unsigned)route < _AM_ROUTE_MAX)
        m->requests_by_route[route]++;
}

struct buf {
    char *data;
    size_t len, cap;
    int failed;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
}

char *am_metrics_render(const struct am_metrics *m, size_t accounts, size_t journal_entries)
{
    struct buf b = {.data = malloc(4096), .cap = 4096};

    if (!b.data)
        return NULL;
    b.data[0] = '\0';
    bprintf(&b, "# HELP asaas_mock_requests_total Requests answered, by HTTP status.\n"
                "# TYPE asaas_mock_requests_total counter\n");
    for (int s = 100; s < 600; s++) {
        if (m->requests_by_status[s])
            bprintf(&b, "asaas_mock_requests_total{status=\"%d\"} %llu\n", s,
                    (unsigned long long)m->requests_by_status[s]);
    }
    bprintf(&b, "# HELP asaas_mock_route_requests_total Requests routed, by operation.\n"
                "# TYPE asaas_mock_route_requests_total counter\n");
    for (int r = 0; r < _AM_ROUTE_MAX; r++) {
        if (m->requests_by_route[r])
            bprintf(&b, "asaas_mock_route_requests_total{operation=\"%s\"} %llu\n",
                    am_route_name((enum am_route)r), (unsigned long long)m->requests_by_route[r]);
    }
    bprintf(&b, "# HELP asaas_mock_auth_failures_total Authentication failures, by reason.\n"
                "# TYPE asaas_mock_auth_failures_total counter\n");
    for (int o = 1; o < _AM_AUTH_OUTCOME_MAX; o++)
        bprintf(&b, "asaas_mock_auth_failures_total{reason=\"%s\"} %llu\n",
                am_auth_outcome_name((enum am_auth_outcome)o),
                (unsigned long long)m->auth_failures[o]);
    bprintf(&b,
            "# HELP asaas_mock_production_key_incidents_total Production keys seen by a sandbox "
            "server (or the reverse).\n"
            "# TYPE asaas_mock_production_key_incidents_total counter\n"
            "asaas_mock_production_key_incidents_total %llu\n"
            "# HELP asaas_mock_alerts_total Addresses that crossed the auth-failure threshold.\n"
            "# TYPE asaas_mock_alerts_total counter\n"
            "asaas_mock_alerts_total %llu\n"
            "# TYPE asaas_mock_connections_total counter\n"
            "asaas_mock_connections_total %llu\n"

            "# TYPE asaas_mock_accounts_auto_created_total counter\n"
            "asaas_mock_accounts_auto_created_total %llu\n"
            "# TYPE asaas_mock_accounts gauge\n"
            "asaas_mock_accounts %zu\n"
            "# TYPE asaas_mock_journal_entries gauge\n"
            "asaas_mock_journal_entries %zu\n"
            "# TYPE asaas_mock_start_time_seconds gauge\n"
            "asaas_mock_start_time_seconds %lld\n",
            (unsigned long long)m->production_key_incidents, (unsigned long long)m->alerts,
            (unsigned long long)m->connections_total,
            (unsigned long long)m->accounts_auto_created, accounts, journal_entries,
            (long long)m->start_time);
    bprintf(&b, "# HELP asaas_mock_faults_total Injected faults, by kind.\n"
                "# TYPE asaas_mock_faults_total counter\n");
    for (int k = 1; k < _AM_FAULT_KIND_MAX && k < 16; k++)
        bprintf(&b, "asaas_mock_faults_total{kind=\"%s\"} %llu\n",
                am_fault_kind_name((enum am_fault_kind)k), (unsigned long long)m->faults_fired[k]);
    bprintf(&b, "# HELP asaas_mock_rate_limited_total Requests refused with 429, by limit.\n"
                "# TYPE asaas_mock_rate_limited_total counter\n"
                "asaas_mock_rate_limited_total{limit=\"quota\"} %llu\n"
                "asaas_mock_rate_limited_total{limit=\"concurrency\"} %llu\n"
                "asaas_mock_rate_limited_total{limit=\"endpoint\"} %llu\n",
                (unsigned long long)m->rate_limited[1], (unsigned long long)m->rate_limited[2],
                (unsigned long long)m->rate_limited[3]);
    bprintf(&b, "# HELP asaas_mock_http_refused_total Requests refused at the HTTP/1.1 layer "
                "(malformed framing, limits, head/body deadlines), by reason.\n"
                "# TYPE asaas_mock_http_refused_total counter\n");
    for (int e = 1; e < _AM_HH_MAX; e++)
        bprintf(&b, "asaas_mock_http_refused_total{reason=\"%s\"} %llu\n",
                am_httphead_error_info((enum am_httphead_error)e)->reason,
                (unsigned long long)m->http_refused[e]);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
