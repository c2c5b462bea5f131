#!/usr/bin/env bash
# shellcheck disable=SC2016  # single-quoted $aact_ keys and bash -c bodies are literal on purpose
# run_container_test.sh - builds the repo's Dockerfile with podman and checks the image as
# a CI service container: health check, CA hand-out (HTTP and file), authenticated HTTPS
# with hostname verification through extra SANs, non-root, size, clean SIGTERM exit.
#
# Needs root (CI runs it as root), podman + runc (installed with apt-get when missing)
# and Debian's package archive (debootstrap makes the local debian:bookworm-slim base
# image once; later runs reuse it), from the mirror this machine's own apt sources name
# (no host name is written here; DEBIAN_MIRROR overrides). When containers cannot run
# here it prints "SKIPPED: containers cannot run here: <reason>" and exits 77
# (meson/automake "skip") - except under CI=true, where a skip is a failure (exit 1): CI
# must not pass without having run it. The image is built without cached layers and
# removed at the end, so no builder image (~650 MB) is left behind.
# Ends with "N passed, N failed"; exit 0 only when nothing failed.
#
# Tunables (environment): ASAAS_MOCK_CT_BUDGET (seconds, default 300),
# ASAAS_MOCK_CT_MAX_READY_MS (default 1000), DEBIAN_MIRROR, ASAAS_MOCK_CT_KEEP_IMAGE=1.
set -u -o pipefail

SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE_IMAGE=docker.io/library/debian:bookworm-slim
IMAGE=localhost/asaas-mock:container-test-$$
BUDGET=${ASAAS_MOCK_CT_BUDGET:-300}
MAX_READY_MS=${ASAAS_MOCK_CT_MAX_READY_MS:-1000}
LABEL="asaas-mock-ct=$$"
MAX_IMAGE_BYTES=$((15 * 1000 * 1000))

ADMIN_TOKEN="ct-admin-$$-$RANDOM$RANDOM"
# A sandbox key of the real shape ($aact_hmlg_000 + base64 of "<hex>::<n>::$aach_<uuid>").
# Single quotes: the leading $ must reach the container literally.
TEST_KEY='$aact_hmlg_000M2YxYzlhN2UyYjhkNGM2ZmEwZTViN2Q5YzFmM2E1ZTc6OjAwMDAwMDAwMDAwMDAwMDA3Nzc6OiRhYWNoXzZmMWUyZDNjLTRiNWEtNDk3OC04YTFiLTJjM2Q0ZTVmNjA3MQ=='
# The development key published in fixtures/accounts.json (not a secret).
FIXTURE_KEY='$aact_hmlg_000MzkwODA2MWY2OGM3MWRlMDU2NWM3MzJlNzZmNGZhZGY6OjAwMDAwMDAwMDAwMDA0MjAwMDA6OiRhYWNoX2RldmVsb3BtZW50LWtleS1ub3Qtc2VjcmV0'
UA='asaas-mock-container-test/1.0'

PASSED=0
FAILED=0
WORK=
CTR=
CTR2=
IMAGE_BUILT=0

pass() { PASSED=$((PASSED + 1)); echo "ok   - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }
check() { # check <description> <command...>
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
note() { echo "#    $*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
left() { # seconds of the time budget still available (at least 5)
    local l=$((BUDGET - SECONDS))
    [ "$l" -lt 5 ] && l=5
    echo "$l"
}

summary() { echo "$PASSED passed, $FAILED failed"; }

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAILED: containers cannot run here, and CI=true does not allow a skip: $*"
        FAILED=$((FAILED + 1))
        summary
        exit 1
    fi
    echo "SKIPPED: containers cannot run here: $*"
    summary
    exit 77
}

# The first Debian archive URI of this machine's apt sources serving a main suite (not
# -updates/-security/-backports): deb822 *.sources stanzas ("URIs:" + "Suites:") or
# one-line "deb URI SUITE ..." entries. Prints nothing when there is none.
apt_mirror() {
    python3 - /etc/apt/sources.list.d/*.sources /etc/apt/sources.list <<'PY'
import glob, re, sys

def main_suite(suites):
    return any(s and "-" not in s and "/" not in s for s in suites)

for path in sys.argv[1:]:
    try:
        text = open(path).read()
    except OSError:
        continue
    if path.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[:1].isspace():
                    continue
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.split()
            if ("deb" in fields.get("types", []) and fields.get("enabled", ["yes"]) != ["no"]
                    and fields.get("uris") and main_suite(fields.get("suites", []))):
                print(fields["uris"][0])
                sys.exit(0)
    else:
        for line in text.splitlines():
            words = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()
            if len(words) >= 3 and words[0] == "deb" and main_suite([words[2]]):
                print(words[1])
                sys.exit(0)
PY
}

pm() { CONTAINERS_CONF="$WORK/containers.conf" podman --runtime runc "$@"; }
pmt() { # pmt <seconds> <podman args...>: pm under a time limit
    local t=$1; shift
    timeout "$t" env CONTAINERS_CONF="$WORK/containers.conf" podman --runtime runc "$@"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$WORK" ] && command -v podman >/dev/null 2>&1; then
        [ -n "$CTR" ] && pm rm -f -t 0 "$CTR" >/dev/null 2>&1
        [ -n "$CTR2" ] && pm rm -f -t 0 "$CTR2" >/dev/null 2>&1
        if [ "$IMAGE_BUILT" = 1 ] && [ "${ASAAS_MOCK_CT_KEEP_IMAGE:-0}" != 1 ]; then
            pm rmi -f "$IMAGE" >/dev/null 2>&1
        fi
        # untagged images of this run's build (its label), never anyone else's
        if [ "${ASAAS_MOCK_CT_KEEP_IMAGE:-0}" != 1 ]; then
            for id in $(pm images -a -q --filter "label=$LABEL" 2>/dev/null); do
                pm rmi -f "$id" >/dev/null 2>&1
            done
        fi
    fi
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; summary; exit 130' INT TERM

# ---- preconditions: anything missing here is "cannot run containers", not a failure ----
[ "$(id -u)" = 0 ] || skip "needs root (rootful podman; CI runs this as root)"
WORK=$(mktemp -d /tmp/asaas-mock-ct.XXXXXX) || skip "mktemp failed"
printf '[containers]\ndefault_ulimits = []\n' > "$WORK/containers.conf"

need_pkgs=()
command -v podman >/dev/null 2>&1 || need_pkgs+=(podman)
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || need_pkgs+=(runc)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if ! pm image exists "$BASE_IMAGE" 2>/dev/null; then
    command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || skip "missing ${need_pkgs[*]} and no apt-get"
    echo "# installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout "$(left)" apt-get install -y --no-install-recommends "${need_pkgs[@]}" >"$WORK/apt.log" 2>&1; then
        timeout "$(left)" apt-get update >>"$WORK/apt.log" 2>&1
        timeout "$(left)" apt-get install -y --no-install-recommends "${need_pkgs[@]}" >>"$WORK/apt.log" 2>&1 \
            || { tail -5 "$WORK/apt.log"; skip "cannot install ${need_pkgs[*]} with apt-get"; }
    fi
fi
pm info >/dev/null 2>&1 || skip "podman info fails: $(pm info 2>&1 | tail -1)"

# ---- the local base image (no registry here): debootstrap once, reuse afterwards ----
exec 9>/tmp/asaas-mock-ct-base.lock
flock -w "$(left)" 9 || skip "timed out waiting for another run creating the base image"
if pm image exists "$BASE_IMAGE"; then
    echo "# reusing local base image $BASE_IMAGE"
else
    MIRROR=${DEBIAN_MIRROR:-$(apt_mirror)}
    [ -n "$MIRROR" ] || skip "no Debian mirror in /etc/apt/sources.list{,.d/*.sources} (set DEBIAN_MIRROR)"
    echo "# creating local base image $BASE_IMAGE with debootstrap ($MIRROR)"
    t0=$SECONDS
    if ! timeout "$(left)" debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" \
            >"$WORK/debootstrap.log" 2>&1; then
        tail -5 "$WORK/debootstrap.log"
        skip "debootstrap of bookworm from $MIRROR failed"
    fi
    rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
    if ! tar -C "$WORK/rootfs" -c . | pm import - "$BASE_IMAGE" >"$WORK/import.log" 2>&1; then
        tail -3 "$WORK/import.log"
        skip "podman import of the debootstrapped rootfs failed"
    fi
    rm -rf "$WORK/rootfs"
    echo "# base image created in $((SECONDS - t0)) s"
fi
flock -u 9
if ! pmt 60 run --rm --network=host "$BASE_IMAGE" true >"$WORK/probe.log" 2>&1; then
    tail -3 "$WORK/probe.log"
    skip "podman cannot run a container (runc/cgroups)"
fi

# ---- build: the very same Dockerfile Docker users build ----
# --format docker: the OCI image format has no HEALTHCHECK and podman would drop it.
echo "# building $IMAGE from $SRC_ROOT/Dockerfile"
t0=$SECONDS
# --layers=false: no intermediate image per step is kept (the builder stage alone is about
# 650 MB); whatever this build still leaves untagged carries $LABEL and is removed at exit.
if pmt "$(left)" build --layers=false --label "$LABEL" \
        --pull=never --network=host --format docker -t "$IMAGE" -f "$SRC_ROOT/Dockerfile" \
        "$SRC_ROOT" >"$WORK/build.log" 2>&1; then
    IMAGE_BUILT=1
    pass "image builds from Dockerfile ($((SECONDS - t0)) s)"
else
    tail -40 "$WORK/build.log"
    fail "image builds from Dockerfile (see the build log above)"
    summary
    exit 1
fi

# ---- static image properties ----
size=$(pm image inspect --format '{{.Size}}' "$IMAGE")
note "image size: $size bytes ($((size / 1000)) kB)"
check "image size $size <= $MAX_IMAGE_BYTES bytes" [ "$size" -le "$MAX_IMAGE_BYTES" ]

user=$(pm image inspect --format '{{.Config.User}}' "$IMAGE")
uid=${user%%:*}
nonroot=0
[ -n "$uid" ] && [ "$uid" != 0 ] && [ "$uid" != root ] && nonroot=1
check "image user is non-root ('$user')" [ "$nonroot" = 1 ]

hc=$(pm image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE" 2>/dev/null)
case $hc in
*--healthcheck*) pass "image declares HEALTHCHECK asaas-mock --healthcheck" ;;
*) fail "image declares HEALTHCHECK asaas-mock --healthcheck (got: $hc)" ;;
esac

envs=$(pm image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE")
case $envs in
*ASAAS_MOCK_ADMIN_TOKEN*) fail "no admin token baked into the image" ;;
*) pass "no admin token baked into the image" ;;
esac

# Binding 0.0.0.0 without an admin token must be refused (exit 2), never silently open.
out=$(pmt 30 run --rm "$IMAGE" 2>&1)
rc=$?
check "refuses to start without ASAAS_MOCK_ADMIN_TOKEN (exit $rc, want 2)" [ "$rc" = 2 ]
case $out in *ADMIN_TOKEN*) pass "refusal names ASAAS_MOCK_ADMIN_TOKEN" ;;
*) fail "refusal names ASAAS_MOCK_ADMIN_TOKEN (got: $(printf '%s' "$out" | tail -2))" ;; esac

# ---- run it as a service ----
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE_URL="https://asaas-mock:$PORT"
RESOLVE=(--resolve "asaas-mock:$PORT:127.0.0.1" --resolve "mock.local:$PORT:127.0.0.1")
t_run=$(now_ms)
CTR=$(pm run -d --name "asaas-mock-ct-$$" -p "127.0.0.1:$PORT:8443" \
    -e ASAAS_MOCK_ADMIN_TOKEN="$ADMIN_TOKEN" \
    -e ASAAS_MOCK_TLS_SANS=asaas-mock,mock.local \
    -e ASAAS_MOCK_API_KEYS="$TEST_KEY" \
    "$IMAGE" 2>"$WORK/run.err")
if [ -z "$CTR" ]; then
    cat "$WORK/run.err"
    fail "container starts"
    summary
    exit 1
fi
pass "container starts (port $PORT)"

# Poll the published port (cheap) for the server's own readiness, then the container
# health check as the engine runs it (podman without systemd only runs it on demand).
ready_ms=
healthy_ms=
deadline=$(( $(now_ms) + 20000 ))
i=0
while [ "$(now_ms)" -lt "$deadline" ]; do
    i=$((i + 1))
    if [ -z "$ready_ms" ]; then
        if curl -ksf -o /dev/null --max-time 1 "${RESOLVE[@]}" "$BASE_URL/__mock/health"; then
            ready_ms=$(now_ms)
        fi
    elif pm healthcheck run "$CTR" >/dev/null 2>&1; then
        healthy_ms=$(now_ms)
        break
    fi
    if [ $((i % 25)) = 0 ] && [ "$(pm inspect --format '{{.State.Running}}' "$CTR" 2>/dev/null)" != true ]; then
        break
    fi
    sleep 0.02
done
started_ms=$(pm inspect --format '{{.State.StartedAt.UnixNano}}' "$CTR" 2>/dev/null)
case $started_ms in
''|*[!0-9]*) started_ms=$t_run ;;
*) started_ms=$((started_ms / 1000000)) ;;
esac
if [ -n "$healthy_ms" ]; then
    pass "container becomes healthy (podman healthcheck run)"
    status=$(pm inspect --format '{{.State.Health.Status}}' "$CTR" 2>/dev/null \
        || pm inspect --format '{{.State.Healthcheck.Status}}' "$CTR" 2>/dev/null)
    check "State.Health.Status is healthy ('$status')" [ "$status" = healthy ]
    # The server's own view: its "msg=ready" log timestamp against the process start.
    ready_ts=$(pm logs "$CTR" 2>/dev/null | sed -n 's/^ts=\([^ ]*\) .*msg=ready.*/\1/p' | head -1)
    if [ -n "$ready_ts" ] && log_ms=$(date -d "$ready_ts" +%s%3N 2>/dev/null); then
        note "process start -> server logs msg=ready: $((log_ms - started_ms)) ms"
    fi
    note "process start -> HTTPS /__mock/health 200 on the published port: $((ready_ms - started_ms)) ms"
    note "process start -> podman healthcheck run healthy: $((healthy_ms - started_ms)) ms"
    note "podman run invoked -> healthy (incl. podman create/exec overhead): $((healthy_ms - t_run)) ms"
    check "process start -> serving health in <= $MAX_READY_MS ms ($((ready_ms - started_ms)) ms)" \
        [ $((ready_ms - started_ms)) -le "$MAX_READY_MS" ]
else
    fail "container becomes healthy within 20 s"
    pm logs "$CTR" 2>&1 | tail -20
fi

# ---- CA hand-out: over HTTPS (trust on first use) and as a file in the container ----
code=$(curl -ks "${RESOLVE[@]}" -o "$WORK/ca-http.pem" -w '%{http_code}' "$BASE_URL/__mock/ca.pem")
check "GET /__mock/ca.pem -> 200 without admin token ($code)" [ "$code" = 200 ]
check "GET /__mock/ca.pem is a PEM certificate" grep -q 'BEGIN CERTIFICATE' "$WORK/ca-http.pem"
if pm cp "$CTR:/run/asaas-mock/ca.pem" "$WORK/ca-file.pem" 2>"$WORK/cp.err"; then
    pass "podman cp container:/run/asaas-mock/ca.pem"
    check "CA file equals GET /__mock/ca.pem" cmp -s "$WORK/ca-file.pem" "$WORK/ca-http.pem"
else
    fail "podman cp container:/run/asaas-mock/ca.pem ($(cat "$WORK/cp.err"))"
fi

# ---- verified HTTPS through the extra SANs, with the published key ----
code=$(curl -s --cacert "$WORK/ca-http.pem" "${RESOLVE[@]}" -o "$WORK/customers.json" -w '%{http_code}' \
    -H "access_token: $TEST_KEY" -H "User-Agent: $UA" "$BASE_URL/v3/customers")
check "GET /v3/customers with ASAAS_MOCK_API_KEYS key, CA-verified as asaas-mock -> 200 ($code)" [ "$code" = 200 ]
check "GET /v3/customers body is a list" grep -q '"object":"list"' "$WORK/customers.json"
code=$(curl -s --cacert "$WORK/ca-http.pem" "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' \
    -H "access_token: $FIXTURE_KEY" -H "User-Agent: $UA" "https://mock.local:$PORT/v3/customers")
check "fixture key from /fixtures, CA-verified as mock.local -> 200 ($code)" [ "$code" = 200 ]
code=$(curl -s --cacert "$WORK/ca-http.pem" "${RESOLVE[@]}" -o "$WORK/empty.body" -w '%{http_code}' \
    -H "access_token;" -H "User-Agent: $UA" "$BASE_URL/v3/customers")
check "empty access_token (a \$ expanded away) -> 401 ($code) with empty body ($(wc -c <"$WORK/empty.body") bytes)" \
    [ "$code" = 401 -a ! -s "$WORK/empty.body" ]

# ---- admin token guards the control API ----
code=$(curl -s --cacert "$WORK/ca-http.pem" "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' \
    "$BASE_URL/__mock/journal")
check "GET /__mock/journal without admin token -> 401 ($code)" [ "$code" = 401 ]
code=$(curl -s --cacert "$WORK/ca-http.pem" "${RESOLVE[@]}" -o /dev/null -w '%{http_code}' \
    -H "X-Mock-Admin-Token: $ADMIN_TOKEN" "$BASE_URL/__mock/journal")
check "GET /__mock/journal with admin token -> 200 ($code)" [ "$code" = 200 ]

# ---- SIGTERM: podman stop, clean exit 0; logs never carry a whole key ----
t0=$(now_ms)
pm stop -t 10 "$CTR" >/dev/null 2>&1
stop_ms=$(( $(now_ms) - t0 ))
exit_code=$(pm inspect --format '{{.State.ExitCode}}' "$CTR" 2>/dev/null)
check "podman stop (SIGTERM) -> exit status 0 (got '$exit_code', ${stop_ms} ms)" [ "$exit_code" = 0 ]
pm logs "$CTR" >"$WORK/ctr.log" 2>&1
check "logs show msg=ready" grep -q 'msg=ready' "$WORK/ctr.log"
check "logs never contain a whole API key" \
    bash -c '! grep -qF -e "$1" -e "$2" "$3"' _ "$TEST_KEY" "$FIXTURE_KEY" "$WORK/ctr.log"
check "logs never contain the admin token" bash -c '! grep -qF -e "$1" "$2"' _ "$ADMIN_TOKEN" "$WORK/ctr.log"

# ---- ASAAS_MOCK_PORT moves the listener and the health probe follows it ----
PORT2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CTR2=$(pm run -d --name "asaas-mock-ct2-$$" -p "127.0.0.1:$PORT2:9443" \
    -e ASAAS_MOCK_ADMIN_TOKEN="$ADMIN_TOKEN" -e ASAAS_MOCK_PORT=9443 "$IMAGE" 2>/dev/null)
ok=0
for _ in $(seq 1 100); do
    if pm healthcheck run "$CTR2" >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.1
done
check "with ASAAS_MOCK_PORT=9443 the image health check still passes" [ "$ok" = 1 ]
code=$(curl -ks -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$PORT2/__mock/health")
check "with ASAAS_MOCK_PORT=9443 the server listens there ($code)" [ "$code" = 200 ]
pm stop -t 10 "$CTR2" >/dev/null 2>&1

note "total time: $SECONDS s"
summary
[ "$FAILED" = 0 ]
