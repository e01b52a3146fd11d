"""HTTP for connectors: bounded retries, Retry-After, timeouts, OAuth 2.0.

HttpClient.call() returns (status, parsed JSON) or raises RequestFailed
once its attempts or the run's time budget are used up; it never raises
on an HTTP status. With a TokenSource it sends a Bearer token and, on 401,
fetches a fresh one and tries again. Not thread-safe: one client per thread.
"""

import base64
import email.utils
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request

from .protocol import add_secret, log

USER_AGENT = "faultline-reference-connector/1.0"
RUN_BUDGET_SECONDS = 100.0  # finish, with a status line, before the manifest's 120 s timeout


class RequestFailed(Exception):
    """A request could not be completed, even after retries. The text is safe to print."""


class AuthError(Exception):
    """The token endpoint refused our client credentials. Not retried."""


class RetryPolicy:
    """How often and how long to retry a transient failure, within one run's time budget."""

    RETRY_STATUSES = {429, 500, 502, 503, 504}
    base_delay, max_delay, socket_timeout = 0.5, 20.0, 15.0

    def __init__(self, attempts=6, budget=RUN_BUDGET_SECONDS):
        self.attempts = attempts  # per request, the first included
        self.deadline = time.monotonic() + budget

    def delay(self, attempt, retry_after_header):
        """Seconds to wait before the next attempt: jittered exponential backoff, but
        never less than the server's Retry-After (plus a little for clock rounding)."""
        backoff = min(self.max_delay, self.base_delay * (2 ** attempt))
        backoff *= 0.5 + random.random() / 2  # jitter, so clients don't retry in lockstep
        asked = parse_retry_after(retry_after_header)
        return backoff if asked is None else max(backoff, asked + 0.05)

    def can_wait(self, seconds=0.0):
        return time.monotonic() + seconds < self.deadline


def parse_retry_after(value):
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def describe(status, body):
    """'HTTP 403 (insufficient_scope)': a status with the error the body names."""
    detail = (body.get("detail") or body.get("error")) if isinstance(body, dict) else None
    return f"HTTP {status}" + (f" ({detail})" if detail else "")


class HttpClient:
    """JSON over HTTP with the retry policy applied to every request.

    Retries 429/5xx, connection errors, timeouts and unparseable bodies.
    With a token source attached, sends a Bearer token and, on 401, fetches
    a fresh token and tries again (at most twice per request).
    """

    def __init__(self, policy, tokens=None):
        self.policy = policy
        self.tokens = tokens

    def call(self, method, url, body=None, headers=None, what=None):
        """Return (status, parsed JSON or None). Raises RequestFailed when retries run out."""
        what = what or f"{method} {urllib.parse.urlsplit(url).path}"
        token_refreshes = 0
        last_error = "no attempt made"
        for attempt in range(self.policy.attempts):
            request_headers = {"Accept": "application/scim+json, application/json",
                               "User-Agent": USER_AGENT, **(headers or {})}
            if self.tokens is not None:
                request_headers["Authorization"] = "Bearer " + self.tokens.token()
            status, reply_headers, raw, last_error = self._send(method, url, body, request_headers)
            if status == 401 and self.tokens is not None and token_refreshes < 2:
                token_refreshes += 1
                log(f"{what}: 401, fetching a new token")
                self.tokens.invalidate()
                continue
            if status is not None and status not in self.policy.RETRY_STATUSES:
                try:
                    return status, (json.loads(raw) if raw.strip() else None)
                except ValueError:
                    if status < 300:
                        last_error = f"HTTP {status} with a body that is not JSON"
                    else:  # an error page that isn't JSON still tells us the status
                        return status, {"detail": raw[:200].decode("utf-8", "replace")}
            elif status is not None:
                last_error = f"HTTP {status}"
            retry_after = reply_headers.get("Retry-After") if reply_headers else None
            wait = self.policy.delay(attempt, retry_after)
            if attempt + 1 == self.policy.attempts:
                break
            if not self.policy.can_wait(wait):
                raise RequestFailed(f"{what}: {last_error}; no time left to wait {wait:.1f}s")
            log(f"{what}: {last_error}, retry {attempt + 1} in {wait:.2f}s")
            time.sleep(wait)
        raise RequestFailed(f"{what}: {last_error} after {self.policy.attempts} attempts")

    def _send(self, method, url, body, headers):
        """One attempt: (status, headers, raw body, error text); status None on network errors."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.policy.socket_timeout) as reply:
                return reply.status, reply.headers, reply.read(), ""
        except urllib.error.HTTPError as error:
            try:
                raw = error.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            return error.code, error.headers, raw, f"HTTP {error.code}"
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            return None, None, b"", f"connection error ({type(error).__name__}: {reason})"


class TokenSource:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4) with proactive refresh.

    The client secret, its Basic form and every token fetched are registered
    as secrets, so protocol.log() and protocol.emit() scrub them."""

    def __init__(self, token_url, client_id, client_secret, policy):
        self.token_url = token_url
        self.http = HttpClient(policy)  # no Bearer token on the token endpoint itself
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode("utf-8")).decode("ascii")
        self.basic_auth = "Basic " + basic
        add_secret(client_secret)
        add_secret(basic)
        self.access_token = None
        self.refresh_at = 0.0

    def invalidate(self):
        """The target refused the token (401): fetch another next time."""
        self.access_token = None

    def token(self):
        if self.access_token is None or time.monotonic() >= self.refresh_at:
            self._fetch()
        return self.access_token

    def _fetch(self):
        status, reply = self.http.call(
            "POST", self.token_url, body=b"grant_type=client_credentials", what="token request",
            headers={"Authorization": self.basic_auth,
                     "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json"})
        reply = reply if isinstance(reply, dict) else {}
        token = reply.get("access_token")
        if status != 200 or not isinstance(token, str) or not token:
            error = reply.get("error", "no access_token in reply")
            raise AuthError(f"token endpoint answered HTTP {status} ({error})")
        add_secret(token)
        expires_in = reply.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 300.0
        # Refresh before expiry: 10% of the lifetime early, at most a minute early.
        self.refresh_at = time.monotonic() + lifetime - min(60.0, lifetime * 0.1)
        self.access_token = token
        log(f"obtained an access token valid for {lifetime:.0f}s")
