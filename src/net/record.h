/* record.h - `asaas-mock record`: a recording HTTPS proxy (adapter: libevent + OpenSSL).
 *
 * Listens like the server (TLS on --bind/--port, certificate from --tls-cert/--tls-key or
 * generated, --ca-out, --port-file), forwards every request to the upstream over
 * verified TLS and returns the upstream's answer unchanged, then hands each pair to
 * recording.c, which writes OUT/exchanges/NNNN-*.json for `asaas-mock --fixtures OUT`.
 *
 * Upstream TLS: TLS 1.2+, certificate chain verified against the system store or
 * --upstream-ca FILE only, host name (or IP literal) checked against the certificate,
 * SNI for names. An upstream that cannot be reached or verified, or that does not
 * answer in time, gets the client a 502 {"errors":[{"code":"upstream_unavailable",
 * "description":...}]} and nothing is written.
 *
 * Forwarded as is: method, path and query (after the upstream's base path), body, every
 * end-to-end header. Not forwarded: hop-by-hop headers (Connection and what it names,
 * Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade), Host (the upstream's),
 * Content-Length (recomputed), Expect (the body is already read) and Accept-Encoding
 * (the upstream then answers with an identity body, which is what can be recorded). Returned as is: status, reason,
 * headers minus hop-by-hop ones, body.
 *
 * One log line per exchange (method, path with keys scrubbed, status, time, redacted
 * key, file written or why not). SIGTERM/SIGINT stop accepting, let in-flight exchanges
 * finish (at most --shutdown-grace-ms), exit 0. Exit 2 on bad options, 1 when the
 * listener or the output folder cannot be set up. */
#ifndef AM_RECORD_H
#define AM_RECORD_H

/* argv[0] is "record". Returns the process exit code. */
int am_record_main(int argc, char **argv);

#endif
