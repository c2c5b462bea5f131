"""harness.py - start the real asaas-mock binary and talk HTTPS to it (stdlib only).

A Server owns one child process listening on a free loopback port (--port 0 plus
--port-file), its temporary directory (fixtures, CA file, port file, captured stdout and
stderr) and is stopped by PID only: SIGTERM, bounded wait, then SIGKILL. Every wait in
here has a deadline; nothing sleeps without one.
"""

import base64
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import traceback
import sys
import uuid

DEFAULT_UA = "asaas-mock-e2e/1.0"
START_DEADLINE = 10.0
STOP_DEADLINE = 5.0
IO_TIMEOUT = 5.0
# Upper wall-clock bounds are multiplied by this (meson sets 4 under sanitizers, else 1);
# lower bounds never are. Server-side figures, not client round trips, are the gates.
TIME_SCALE = max(1.0, float(os.environ.get("AM_TIME_SCALE", "1") or 1))


def slack(seconds):
    """An upper wall-clock bound, scaled for slow (sanitized, shared) builds."""
    return seconds * TIME_SCALE


class Absent:
    """Marker: do not send this header at all."""

    def __repr__(self):
        return "ABSENT"


ABSENT = Absent()


class TestFailure(AssertionError):
    pass


# ---------------------------------------------------------------------------- assertions

def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise TestFailure(f"{what}: expected {expected!r}, got {actual!r}")


def wait_until(pred, timeout, interval=0.02, what="condition"):
    """Polls pred() until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------------------- keys

_REDACTED_SEEN = set()
# Every key this run made or was handed (note_secret): no server output may hold one whole.
_SECRETS = []


def note_secret(*texts):
    """Adds secrets the tests did not make with make_key() (keys the server created and
    showed once, admin tokens) to what Server.assert_no_secret() looks for."""
    for t in texts:
        if t and t not in _SECRETS:
            _SECRETS.append(t)


def secrets_used():
    return list(_SECRETS)


def make_key(kind="hmlg"):
    """A fresh key in the real format: "$aact_<env>_000" + base64(hex::number::$aach_uuid).
    kind: "hmlg", "prod" or "legacy" (no environment marker, no "000").

    Real keys end in "==" so their last 4 characters vary little; the environment keys
    made here drop the padding (still base64 text) and every key of a run has a
    distinct redacted form, so logs and listings can be matched unambiguously."""
    while True:
        payload = (f"{secrets.token_hex(16)}::{secrets.randbelow(10**19):019d}"
                   f"::$aach_{uuid.uuid4()}")
        b64 = base64.b64encode(payload.encode()).decode()
        key = "$aact_" + b64 if kind == "legacy" else f"$aact_{kind}_000" + b64.rstrip("=")
        if redact(key) not in _REDACTED_SEEN:
            _REDACTED_SEEN.add(redact(key))
            note_secret(key)
            return key


def redact(key):
    """The contract's redacted display form: recognised prefix + "..." + last 4."""
    for prefix in ("$aact_hmlg_", "$aact_prod_", "$aact_"):
        if key.startswith(prefix):
            return prefix + "..." + key[-4:]
    if len(key) < 12:
        return "..."
    return "..." + key[-4:]


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------- documents

_CPF_SEQ = [0]


def _cpf_digits(base9):
    d = [int(c) for c in base9]
    s = sum(v * (10 - i) for i, v in enumerate(d))
    r = s * 10 % 11
    d.append(0 if r == 10 else r)
    s = sum(v * (11 - i) for i, v in enumerate(d))
    r = s * 10 % 11
    d.append(0 if r == 10 else r)
    return "".join(map(str, d))


def new_cpf():
    """A valid, run-unique CPF (check digits computed)."""
    _CPF_SEQ[0] += 1
    base = f"{(secrets.randbelow(10**6) * 1000 + _CPF_SEQ[0]) % 10**9:09d}"
    if len(set(base)) == 1:
        base = "123456780"
    return _cpf_digits(base)


def new_cnpj():
    base = [int(c) for c in f"{secrets.randbelow(10**8):08d}0001"]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    for weights in (w1, [6] + w1):
        s = sum(v * w for v, w in zip(base, weights))
        r = s % 11
        base.append(0 if r < 2 else 11 - r)
    return "".join(map(str, base))


# ---------------------------------------------------------------------------- logs

_KV = re.compile(r'([A-Za-z_][A-Za-z0-9_.]*)=("(?:[^"\\]|\\.)*"|\S*)')


def parse_log_line(line):
    """key=value log line -> dict (quoted values unquoted)."""
    out = {}
    for k, v in _KV.findall(line):
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
            v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out[k] = v
    return out


# ---------------------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, reason, headers, body, sock_id=None, will_close=None):
        self.status = status
        self.reason = reason
        self.headers = headers  # http.client.HTTPMessage
        self.body = body  # bytes
        self.sock_id = sock_id
        self.will_close = will_close

    def header(self, name):
        return self.headers.get(name)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise TestFailure(f"body is not JSON ({e}): {self.body[:300]!r}")

    def ordered(self):
        """JSON with every object as a list of (key, value) pairs, in wire order."""
        try:
            return json.loads(self.body.decode("utf-8"), object_pairs_hook=lambda p: p)
        except (ValueError, UnicodeDecodeError) as e:
            raise TestFailure(f"body is not JSON ({e}): {self.body[:300]!r}")

    def keys(self):
        return [k for k, _ in self.ordered()]

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


def send(conn, method, path, headers, body=None):
    """Sends exactly the given headers (plus Host and Content-Length) on an
    http.client connection and reads the whole answer."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers:
        conn.putheader(name, value)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    data = r.read()
    sock_id = id(conn.sock) if conn.sock is not None else None
    return Response(r.status, r.reason, r.headers, data, sock_id, r.will_close)


# ---------------------------------------------------------------------------- redaction scan

_RUN = re.compile(r"[A-Za-z0-9+/=_$%-]{12,}")
PIECE = 12


def find_secret(text, secrets=None):
    """The redacted form of the first secret that text holds whole, or in part: its body
    after the 14-character "$aact_hmlg_000" prefix (a writer escaping '$' or dropping the
    prefix), or any aligned 12-character piece of the part a redacted form never shows (a
    key cut short by a fixed-size field still leaks most of its secret). None when there
    is none."""
    views = text + "\n" + text.replace("\\/", "/")  # JSON may escape '/' as '\/'
    runs = None
    for secret in secrets_used() if secrets is None else secrets:
        if secret in views or (len(secret) >= 30 and secret[14:] in views):
            return redact(secret) + " whole"
        if len(secret) >= 40:
            if runs is None:  # the key-shaped runs of text, each once: fast to search
                runs = "\n".join(set(_RUN.findall(views)))
            hidden = secret[14:-4]
            for i in range(0, len(hidden) - PIECE + 1, PIECE):
                if hidden[i:i + PIECE] in runs:
                    return redact(secret) + ", in part"
    return None


def assert_no_secret_in(label, text, secrets=None):
    hit = find_secret(text, secrets)
    if hit is not None:
        raise TestFailure(f"{label} holds a key: {hit}")


def err(code, description):
    """An Asaas error body."""
    return {"errors": [{"code": code, "description": description}]}


def metric_value(server, name, labels=None):
    """Value of one Prometheus sample of /__mock/metrics (0 when absent)."""
    text = server.control("GET", "/__mock/metrics").text
    want = name if not labels else name + "{" + ",".join(
        f'{k}="{v}"' for k, v in labels.items()) + "}"
    for ln in text.splitlines():
        if ln.startswith("#"):
            continue
        parts = ln.rsplit(" ", 1)
        if len(parts) == 2 and parts[0] == want:
            return float(parts[1])
    return 0.0


def journal_entry(server, request_id):
    """The /__mock/journal entry of one request id."""
    for e in server.control("GET", "/__mock/journal?limit=1000000").json()["data"]:
        if e.get("id") == request_id:
            return e
    raise TestFailure(f"request {request_id!r} not in the journal")


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def run_binary(binary, args, env=None, cwd=None, timeout=10):
    """Runs the binary to its exit (a CLI check, a refused start) with the ASAAS_MOCK_*
    variables of this environment removed; its stdout and stderr must not hold a key."""
    try:
        p = subprocess.run([binary] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                           env=_clean_env(env), cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"{args}: still running after {timeout}s")
    for label, data in (("stdout", p.stdout), ("stderr", p.stderr)):
        assert_no_secret_in(f"{os.path.basename(binary)} {label}",
                            data.decode("utf-8", "replace"))
    return p


def api(server, method, path, key=None, fault=None, headers=(), **kw):
    """One /v3 request with key (default: the server's default_key); fault: an
    X-Mock-Fault header."""
    if key is None:
        key = server.default_key
        check(key is not None, f"{server.name}: api() without a key and no default_key")
    hdrs = list(headers)
    if fault is not None:
        hdrs.append(("X-Mock-Fault", fault))
    return server.request(method, path, key=key, headers=hdrs, **kw)


# ---------------------------------------------------------------------------- server

def _clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASAAS_MOCK_")}
    env.update(extra or {})
    return env


_INPUTS = set()  # fixture files the harness wrote (keys in them are the test's own)


class Server:
    # Options whose value is a path the server writes: scanned by assert_no_secret().
    WRITES = ("--port-file", "--ca-out", "--state-file", "--state-out", "--out")
    control_api = True  # /__mock/* answers here (not on a recorder, which forwards it)

    def __init__(self, binary, name, args=(), env=None, accounts=None, root=None,
                 use_fixtures=True, default_key=None):
        self.binary = binary
        self.default_key = default_key  # the key api() sends when given none
        self.name = name
        self.args = list(args)
        self.env = env or {}
        self.accounts = accounts
        self.use_fixtures = use_fixtures
        self.dir = tempfile.mkdtemp(prefix=f"e2e-{name}-", dir=root)
        self.ca = os.path.join(self.dir, "ca.pem")
        self.port_file = os.path.join(self.dir, "port")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.fixtures = os.path.join(self.dir, "fixtures")
        self.proc = None
        self.port = None
        self.exit_code = None

    # -- lifecycle

    def command(self):
        cmd = [self.binary, "--port", "0", "--port-file", self.port_file, "--ca-out", self.ca]
        if self.use_fixtures:
            cmd += ["--fixtures", self.fixtures]
        return cmd + self.args

    def start(self):
        if self.use_fixtures:
            os.makedirs(self.fixtures, exist_ok=True)
            path = os.path.join(self.fixtures, "accounts.json")
            with open(path, "w") as f:
                json.dump({"accounts": self.accounts or []}, f, indent=1)
            _INPUTS.add(os.path.abspath(path))
        self._spawn()
        deadline = self._wait_port()
        while True:
            try:
                r = self.request("GET", "/__mock/health", key=ABSENT, ua=ABSENT, timeout=2)
                if r.status == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            self._fail_if_exited("before /__mock/health answered 200")
            if time.monotonic() >= deadline:
                self.kill()
                raise TestFailure(f"{self.name}: /__mock/health not 200 within "
                                  f"{START_DEADLINE}s{self.diagnostics()}")
            time.sleep(0.02)

    def _spawn(self):
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=self._err, env=_clean_env(self.env), cwd=self.dir)

    def _wait_port(self):
        """Waits for the port file; returns the start deadline."""
        deadline = time.monotonic() + START_DEADLINE
        while True:
            port = self._read_port()
            if port:
                self.port = port
                return deadline
            self._fail_if_exited("before writing the port file")
            if time.monotonic() >= deadline:
                self.kill()
                raise TestFailure(f"{self.name}: no port file within {START_DEADLINE}s"
                                  f"{self.diagnostics()}")
            time.sleep(0.01)

    def _read_port(self):
        try:
            with open(self.port_file) as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.endswith("\n"):
            return None
        try:
            port = int(text.strip())
        except ValueError:
            return None
        return port if 0 < port < 65536 else None

    def _fail_if_exited(self, when):
        rc = self.proc.poll()
        if rc is not None:
            self.exit_code = rc
            raise TestFailure(f"{self.name}: exited with {rc} {when}{self.diagnostics()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)  # by PID

    def wait_exit(self, timeout):
        try:
            self.exit_code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_code

    def kill9(self):
        """SIGKILL by PID on purpose (a crash the test simulates): waits for it and marks
        the exit as expected, so the runner's exit-status check passes."""
        self.proc.kill()
        self.proc.wait(timeout=STOP_DEADLINE)
        self.exit_code = 0

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_DEADLINE)
        self._close_files()

    def _close_files(self):
        for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if f and not f.closed:
                f.close()

    def stop(self):
        """SIGTERM, wait, SIGKILL. Raises unless the server exited 0 within the deadline."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.wait_exit(STOP_DEADLINE)
            if rc is None:
                self.kill()
                raise TestFailure(f"{self.name}: did not exit within {STOP_DEADLINE}s of "
                                  f"SIGTERM (killed){self.diagnostics()}")
        self.exit_code = self.proc.returncode
        self._close_files()
        self.check_exit_code()

    def check_exit_code(self):
        rc = self.exit_code
        if rc is not None and rc < 0:
            raise TestFailure(f"{self.name}: died on signal {-rc}{self.diagnostics()}")
        if rc:
            raise TestFailure(f"{self.name}: exited with status {rc}{self.diagnostics()}")

    # -- output

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_mark(self):
        return os.path.getsize(self.stdout_path)

    def log_lines(self, since=0):
        with open(self.stdout_path, "rb") as f:
            f.seek(since)
            data = f.read().decode("utf-8", "replace")
        # a last line without newline may still be being written
        lines = data.split("\n")
        return [ln for ln in lines[:-1] if ln.strip()]

    def wait_log(self, pred, since=0, timeout=3.0, what="log line"):
        """Waits for a stdout line (parsed) for which pred(fields, line) holds; returns it."""
        def find():
            for ln in self.log_lines(since):
                fields = parse_log_line(ln)
                if pred(fields, ln):
                    return (fields, ln)
            return None
        try:
            return wait_until(find, timeout, what=what)
        except TestFailure as e:
            raise TestFailure(f"{self.name}: {e}; log since mark:\n  " +
                              "\n  ".join(self.log_lines(since)[-15:]))

    def diagnostics(self):
        out = []
        for label, path in (("stdout", self.stdout_path), ("stderr", self.stderr_path)):
            try:
                with open(path, "rb") as f:
                    tail = f.read().decode("utf-8", "replace").strip().splitlines()[-8:]
            except OSError:
                tail = []
            if tail:
                out.append(f"\n    [{self.name} {label}] " + "\n    ".join(tail))
        return "".join(out)

    # -- redaction

    def admin_token(self):
        args = self.args
        for i, a in enumerate(args[:-1]):
            if a == "--admin-token":
                return args[i + 1]
        return self.env.get("ASAAS_MOCK_ADMIN_TOKEN")

    def written_paths(self):
        """Every file the server may have written: its captured stdout and stderr, the
        paths given to the options in WRITES (a folder: every file under it) and anything
        else in its temporary folder but the fixtures the test wrote for it."""
        cmd = self.command()
        named = [cmd[i + 1] for i, a in enumerate(cmd[:-1]) if a in self.WRITES]
        named = [p if os.path.isabs(p) else os.path.join(self.dir, p) for p in named]
        fixtures = os.path.abspath(self.fixtures) + os.sep
        out = []
        for top in [self.dir] + named:
            if os.path.isfile(top):
                out.append(top)
            for dirpath, _, names in os.walk(top):
                if (os.path.abspath(dirpath) + os.sep).startswith(fixtures):
                    continue
                out.extend(os.path.join(dirpath, n) for n in names)
        return sorted(p for p in set(out) if os.path.abspath(p) not in _INPUTS)

    def control_texts(self):
        """(label, text) of every GET of the control API that can show a key: journal,
        metrics, incidents, accounts and their keys and events, fault rules, rate limits,
        exchanges, coverage, the state snapshot and the security report."""
        token = self.admin_token()

        def get(path):
            r = self.request("GET", path, admin=token)
            eq(r.status, 200, f"{self.name}: GET {path} (body {r.body[:200]!r})")
            return r
        paths = ["/__mock/journal?limit=1000000", "/__mock/metrics", "/__mock/incidents",
                 "/__mock/faults", "/__mock/ratelimit", "/__mock/exchanges",
                 "/__mock/coverage", "/__mock/state", "/__mock/security/report",
                 "/__mock/security/report?format=md"]
        accounts = get("/__mock/accounts")
        yield "/__mock/accounts", accounts.text
        for a in accounts.json().get("data", []):
            base = f"/__mock/accounts/{a['id']}"
            paths += [base, base + "/keys", base + "/events?limit=1000"]
        for path in paths:
            yield path, get(path).text

    def assert_no_secret(self, secrets=None):
        """No whole key (default: every key this run made or noted) in any output of this
        server: the control API's listings (while it runs), its stdout and stderr and
        every file it wrote (written_paths)."""
        secrets = secrets_used() if secrets is None else list(secrets)
        token = self.admin_token()
        if token:
            secrets.append(token)
        if self.control_api and self.alive():
            for label, text in self.control_texts():
                assert_no_secret_in(f"{self.name}: {label}", text, secrets)
        for path in self.written_paths():
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except OSError:
                continue  # removed meanwhile (a temporary file renamed into place)
            assert_no_secret_in(f"{self.name}: {os.path.relpath(path, self.dir)}", text,
                                secrets)

    # -- clients

    def context(self):
        return ssl.create_default_context(cafile=self.ca)

    def connect(self, host="127.0.0.1", timeout=IO_TIMEOUT, context=None):
        conn = http.client.HTTPSConnection(host, self.port, timeout=timeout,
                                           context=context or self.context())
        if host != "127.0.0.1":
            # resolve the name to loopback ourselves: only the TLS name changes
            conn._create_connection = (
                lambda addr, t, src: socket.create_connection(("127.0.0.1", addr[1]), t, src))
        return conn

    def request(self, method, path, key=ABSENT, ua=DEFAULT_UA, body=None, headers=(),
                conn=None, timeout=IO_TIMEOUT, admin=None):
        """One request. key/ua: header value, or ABSENT to omit the header. headers: extra
        (name, value) pairs. A fresh connection per call unless conn is given."""
        hdrs = []
        if key is not ABSENT:
            hdrs.append(("access_token", key))
        if ua is not ABSENT:
            hdrs.append(("User-Agent", ua))
        if body is not None and not any(h[0].lower() == "content-type" for h in headers):
            hdrs.append(("Content-Type", "application/json"))
        if admin is not None:
            hdrs.append(("X-Mock-Admin-Token", admin))
        hdrs.extend(headers)
        own = conn is None
        if own:
            conn = self.connect(timeout=timeout)
        try:
            r = send(conn, method, path, hdrs, body)
        finally:
            if own:
                conn.close()
        if method == "POST" and b'"apiKey"' in r.body:
            try:  # a key the server created and shows once (control API, subaccounts)
                data = json.loads(r.body)
                note_secret(data.get("apiKey"), (data.get("accessToken") or {}).get("apiKey"))
            except (ValueError, AttributeError):
                pass
        return r

    def control(self, method, path, body=None, expect=200, admin=None):
        r = self.request(method, path, body=body, admin=admin)
        if expect is not None:
            eq(r.status, expect, f"{method} {path} status (body {r.body[:300]!r})")
        return r


# ---------------------------------------------------------------------------- the runner

def registry():
    """A test list and its decorator: TESTS, test = registry(); @test("name") def _(ctx)."""
    tests = []

    def test(name):
        def deco(fn):
            tests.append((name, fn))
            return fn
        return deco
    return tests, test


class Ctx:
    """What every suite's tests get: the binary, a temporary root, at most one lazily
    started shared server and the per-test servers (own()) that the runner stops after
    each test. After each test every server the test touched is scanned for whole keys
    (Server.assert_no_secret): the per-test ones before and after they stop, the shared
    one while it runs and once more after its last stop."""

    SHARED_CHECK = "shared_server_exits_cleanly"

    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        self.owned = []  # per-test servers still to stop
        self._shared = None

    def make_shared(self):
        """The suite's shared server (not started), for suites that have one."""
        raise NotImplementedError

    @property
    def shared(self):
        if self._shared is None:
            self._shared = self.make_shared()
            self._shared.start()
        check(self._shared.alive(), f"shared server died (exit {self._shared.proc.poll()})"
              f"{self._shared.diagnostics()}")
        return self._shared

    def own(self, server, start=True):
        """A per-test server: stopped (and its exit status checked) after the test unless
        the test stopped it itself."""
        self.owned.append(server)
        return server.start() if start else server

    def after_test(self):
        """The suite's clean-up after each test (e.g. clearing fault rules)."""

    def finish_owned(self):
        errors = []
        for s in self.owned:
            try:
                if s.proc is not None and s.exit_code is None:
                    if s.alive():
                        s.assert_no_secret()
                    s.stop()
                else:
                    s.check_exit_code()
                if s.proc is not None:
                    s.assert_no_secret()
            except TestFailure as e:
                errors.append(str(e))
            finally:
                s.kill()
        self.owned = []
        if errors:
            raise TestFailure("; ".join(errors))


def shuffle_seed(arg):
    """The --shuffle argument, else AM_E2E_SHUFFLE: None (file order), an integer, or
    "random" (a fresh seed, printed so that the order can be replayed)."""
    text = arg if arg is not None else os.environ.get("AM_E2E_SHUFFLE", "")
    text = text.strip()
    if not text or text == "off":
        return None
    if text == "random":
        return secrets.randbelow(10**6)
    try:
        return int(text)
    except ValueError:
        raise SystemExit(f"shuffle seed is not an integer or 'random': {text!r}")


def run_tests(tests, ctx, root, pattern=None, seed=None):
    """Runs the tests whose name contains pattern (in file order, or shuffled by seed), one
    line each, then the shared server's clean exit, then the summary line "N passed, N
    failed". After each test: ctx.after_test(), ctx.finish_owned(), the shared server's
    redaction scan and a check that it is still alive. Server logs under root are kept when
    anything failed. Returns the exit status."""
    passed = failed = 0

    def note(error, msg):
        return (error + "; " if error else "") + msg

    selected = [(n, f) for n, f in tests if pattern is None or pattern in n]
    if seed is not None:
        random.Random(seed).shuffle(selected)
        print(f"# shuffled with seed {seed} (replay: --shuffle {seed} or "
              f"AM_E2E_SHUFFLE={seed})", flush=True)
    for name, fn in selected:
        t0 = time.monotonic()
        error = None
        try:
            fn(ctx)
        except TestFailure as e:
            error = str(e)
        except Exception:  # a crash in the test is a failure with its traceback
            error = traceback.format_exc().strip()
        for step in (ctx.after_test, ctx.finish_owned):
            try:
                step()
            except (TestFailure, OSError, http.client.HTTPException) as e:
                error = note(error, str(e))
        srv = ctx._shared
        if srv is not None and srv.alive():
            try:
                srv.assert_no_secret()
            except (TestFailure, OSError, http.client.HTTPException) as e:
                error = note(error, str(e))
        elif error is None and srv is not None:
            error = f"shared server died (exit {srv.proc.poll()}){srv.diagnostics()}"
        dt = time.monotonic() - t0
        if error is None:
            passed += 1
            print(f"PASS {name} ({dt:.2f}s)", flush=True)
        else:
            failed += 1
            # the name and the first line of the reason on one line; details below it
            print(f"FAIL {name} ({dt:.2f}s): {error}", flush=True)
    srv = ctx._shared
    if srv is not None:
        try:
            srv.stop()
            srv.assert_no_secret()
            passed += 1
            print(f"PASS {ctx.SHARED_CHECK}", flush=True)
        except TestFailure as e:
            failed += 1
            print(f"FAIL {ctx.SHARED_CHECK}: {e}", flush=True)
        finally:
            srv.kill()
    if failed == 0:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"# server logs kept in {root}", flush=True)
        if seed is not None:
            print(f"# replay this order: --shuffle {seed}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


def main(tests, make_ctx, prefix, doc=None):
    """A suite's command line: BINARY [-k SUBSTRING] [--shuffle SEED|random] [--list]."""
    import argparse
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("binary")
    ap.add_argument("-k", dest="pattern", default=None, help="run tests whose name contains this")
    ap.add_argument("--shuffle", default=None, metavar="SEED",
                    help="run in an order shuffled by SEED (an integer or 'random'); default: "
                         "$AM_E2E_SHUFFLE, else file order")
    ap.add_argument("--list", action="store_true", help="print the test names and exit")
    a = ap.parse_args()
    if a.list:
        for name, _ in tests:
            print(name)
        return 0
    binary = os.path.abspath(a.binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"not an executable: {binary}", flush=True)
        print("0 passed, 1 failed", flush=True)
        return 1
    seed = shuffle_seed(a.shuffle)
    root = tempfile.mkdtemp(prefix=prefix)
    return run_tests(tests, make_ctx(binary, root), root, a.pattern, seed)


def run_main(tests, make_ctx, prefix, doc=None):
    sys.exit(main(tests, make_ctx, prefix, doc))
