# asaas-mock service image: an offline HTTPS mock of the Asaas API v3 for CI.
#
#   docker build -t asaas-mock .
#   docker run --rm -p 127.0.0.1:8443:8443 -e ASAAS_MOCK_ADMIN_TOKEN=change-me asaas-mock
#
# Configuration is entirely through ASAAS_MOCK_* variables (see README, "Container").
# No admin token is baked in: the server binds 0.0.0.0 here and refuses to start
# without ASAAS_MOCK_ADMIN_TOKEN.
#
# Builds unchanged with Docker (BuildKit or classic) and with podman/buildah
# (use `--format docker` there so HEALTHCHECK is kept; OCI images drop it).

# ---- build stage ---------------------------------------------------------------
FROM debian:bookworm-slim AS build

ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        meson ninja-build pkg-config gcc libc6-dev \
        libevent-dev libssl-dev libcjson-dev libqrencode-dev libpng-dev libhpdf-dev zlib1g-dev libdeflate-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . /src

# Release build of the server only: no cmocka (-Dtests=disabled), and only the
# asaas-mock target, so fuzz replays and test binaries are not compiled.
RUN meson setup /build --buildtype=release -Db_ndebug=true -Dtests=disabled \
 && ninja -C /build asaas-mock

# Assemble the final filesystem under /out:
# - the stripped binary, and exactly the shared libraries (and loader) that ldd lists, at
#   the same paths, so the dynamic loader finds them through its built-in search path in
#   an image without /etc/ld.so.cache. cJSON ships no static archive in Debian, so a
#   dynamically linked binary is the honest choice (nothing vendored).
# - /run/asaas-mock, writable by the non-root user: the CA PEM for clients to trust.
# - /etc/passwd and /etc/group naming uid 65532, so `docker top`/`ps` show a name.
# The chroot at the end fails the build here, not at run time, when a library is missing.
RUN set -eu; \
    install -D -m 0755 /build/asaas-mock /out/usr/local/bin/asaas-mock; \
    strip --strip-unneeded /out/usr/local/bin/asaas-mock; \
    ldd /build/asaas-mock; \
    for lib in $(ldd /build/asaas-mock | grep -o '/[^ ]*'); do \
        mkdir -p "/out$(dirname "$lib")"; \
        cp -L "$lib" "/out$lib"; \
    done; \
    mkdir -p /out/run/asaas-mock /out/etc; \
    chown 65532:65532 /out/run/asaas-mock; \
    chmod 0755 /out/run/asaas-mock; \
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/run/asaas-mock:/sbin/nologin\n' > /out/etc/passwd; \
    printf 'root:x:0:\nnonroot:x:65532:\n' > /out/etc/group; \
    chroot /out /usr/local/bin/asaas-mock --version

# ---- final stage ---------------------------------------------------------------
FROM scratch

COPY --from=build /out/ /
# COPY does not reliably keep ownership across stages on every builder: set it again.
COPY --from=build --chown=65532:65532 /out/run/asaas-mock/ /run/asaas-mock/
# Only the accounts: the example seeds and exchanges are documentation, not service data.
COPY fixtures/accounts.json /fixtures/accounts.json

ENV ASAAS_MOCK_BIND=0.0.0.0 \
    ASAAS_MOCK_PORT=8443 \
    ASAAS_MOCK_FIXTURES=/fixtures \
    ASAAS_MOCK_CA_OUT=/run/asaas-mock/ca.pem

USER 65532:65532
WORKDIR /run/asaas-mock
EXPOSE 8443
STOPSIGNAL SIGTERM

# The probe reads the same ASAAS_MOCK_* variables, so it follows a changed port.
HEALTHCHECK --interval=2s --timeout=2s --start-period=1s --retries=3 \
    CMD ["/usr/local/bin/asaas-mock", "--healthcheck"]

ENTRYPOINT ["/usr/local/bin/asaas-mock"]
