"""browser.py - headless Chromium driven through chromedriver's W3C WebDriver HTTP API,
with the Python standard library only (no Selenium, no pip): Debian's chromium and
chromium-driver packages (scripts/deps.sh test).

    with Browser(tmpdir) as b:
        b.get("https://127.0.0.1:8443/i/abc")
        b.click("#pay-pix")
        b.text("#notice")

Every element is found by CSS selector. The browser trusts any certificate
(acceptInsecureCerts: the mock's is made per run) and starts with the switches that keep
Chromium from calling home, so that what the page requests is all that goes out."""

import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element key
CHROMIUM = os.environ.get("AM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("AM_CHROMEDRIVER", "/usr/bin/chromedriver")


class BrowserError(Exception):
    pass


def available():
    """None when chromium and chromedriver are installed, else what is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    return ", ".join(missing) + " missing (scripts/deps.sh test)" if missing else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, workdir, width=420, height=900, timeout=20.0):
        self.timeout = timeout
        self.port = _free_port()
        self.log = open(os.path.join(workdir, "chromedriver.log"), "wb")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        self.sid = None
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._call("GET", "/status").get("ready"):
                    break
            except (OSError, BrowserError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise BrowserError("chromedriver did not become ready")
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions",
                "--no-proxy-server", "--disable-features=Translate,MediaRouter,OptimizationHints",
                f"--user-data-dir={os.path.join(workdir, 'chromium-profile')}"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "acceptInsecureCerts": True,
            "unhandledPromptBehavior": "ignore",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}}
        try:
            self.sid = self._call("POST", "/session", caps)["sessionId"]
        except Exception:
            self.close()
            raise

    # -- protocol

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout + 30) as r:
                answer = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:600]
            raise BrowserError(f"{method} {path}: HTTP {e.code}: {detail}") from None
        return answer.get("value", answer)

    def cmd(self, method, path, body=None):
        return self._call(method, f"/session/{self.sid}{path}", body)

    # -- page

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def url(self):
        return self.cmd("GET", "/url")

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.cmd("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def exists(self, css):
        return bool(self.cmd("POST", "/elements", {"using": "css selector", "value": css}))

    def click(self, css):
        # The dashboard re-renders on its own refresh: an element found just before may be
        # replaced by the time of the click. Find it again (a few times), never skip it.
        for attempt in range(3):
            try:
                self.cmd("POST", f"/element/{self.find(css)}/click", {})
                return
            except BrowserError as e:
                if "stale element reference" not in str(e) or attempt == 2:
                    raise

    def type(self, css, text, clear=True):
        el = self.find(css)
        if clear:
            self.cmd("POST", f"/element/{el}/clear", {})
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def text(self, css):
        return self.cmd("GET", f"/element/{self.find(css)}/text")

    def wait(self, pred, what, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        last = None
        while time.monotonic() < deadline:
            try:
                last = pred()
                if last:
                    return last
            except BrowserError as e:
                last = e
            time.sleep(0.1)
        raise BrowserError(f"timed out waiting for {what} (last: {last!r})")

    def wait_text(self, css, want, timeout=None):
        return self.wait(lambda: self.exists(css) and want in self.text(css),
                         f"{css} to contain {want!r}", timeout)

    def resources(self):
        """Every URL the document loaded: itself and each resource (Resource Timing)."""
        return self.js("return performance.getEntriesByType('navigation')"
                       ".concat(performance.getEntriesByType('resource')).map(e => e.name);")

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)
        return path

    def full_screenshot(self, path, width):
        """The whole page: the window grown to the document's height first."""
        height = self.js("return Math.ceil(document.documentElement.scrollHeight);")
        self.cmd("POST", "/window/rect", {"width": width, "height": int(height) + 120})
        return self.screenshot(path)

    # -- lifecycle

    def close(self):
        try:
            if self.sid:
                self._call("DELETE", f"/session/{self.sid}")
        except (OSError, BrowserError):
            pass
        self.sid = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
