#!/usr/bin/env python3
"""Reference SCIM 2.0 connector for faultline (connector protocol v1).

    connector.py sync     print the tenant as JSON Lines on stdout
    connector.py revoke   read actions on stdin, answer one result per action

Configuration comes only from the environment (faultline passes nothing else):
SCIM_BASE_URL, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, and STATE_DIR (kept between
runs: the counts of the last complete sync, and the checkpoint a killed sync
resumes from). Optional: PAGE_SIZE (records asked per list page, default 100)
and MAX_ATTEMPTS (tries per request, the first included, default 6); any
positive values give the same verdicts, which faultline's sweep checks.
Standard library only, so it runs on any Python 3.11 without a virtualenv.

The rules this file is built around:
  * stdout carries protocol lines only; every log line goes to stderr;
  * the token and the client secret never appear in any output;
  * "complete" is claimed only when every list was read to its end, and
    "confirmed" only after reading the target back and seeing access gone.
"""

import base64
import email.utils
import http.client
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PROTOCOL = 1
PAGE_SIZE = 100  # records asked per list page; the manifest's PAGE_SIZE overrides it
RUN_BUDGET_SECONDS = 100.0  # finish, with a status line, before the manifest's 120 s timeout
EXT_ACCOUNT = "urn:faultline:params:scim:schemas:extension:2.0:Account"
EXT_GROUP_ENTITLEMENTS = "urn:faultline:params:scim:schemas:extension:2.0:GroupEntitlements"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_AGENT = "faultline-reference-connector/1.0"
SYNC_TYPES = ("account", "group", "entitlement", "grant", "credential")
# The record types each listing feeds: what a failed listing leaves incomplete
# (the status line's "incomplete" field). Users carry accounts, their keys and
# direct grants; every grant needs both ends, so any listing can cost grants.
RESOURCE_TYPES = {"Users": ("account", "credential", "grant"), "Groups": ("group", "grant"),
                  "Entitlements": ("entitlement", "grant")}
CHECKPOINT_MAX_AGE_SECONDS = 300  # an older checkpoint is from another sync: start over

_secrets = set()  # strings that must never leave this process


def add_secret(value):
    if value and len(value) >= 4:  # scrubbing very short strings would mangle real data
        _secrets.add(value)


def scrub(text):
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "[REDACTED]")
    return text


def log(message):
    print(scrub(f"[reference-connector] {message}"), file=sys.stderr, flush=True)


def emit(obj):
    """Write one protocol line (compact JSON, UTF-8) to stdout."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write(scrub(line) + "\n")
    sys.stdout.flush()


class RequestFailed(Exception):
    """A request could not be completed, even after retries. The text is safe to print."""


class RetryPolicy:
    """How often and how long to retry a transient failure, within one run's time budget."""

    RETRY_STATUSES = {429, 500, 502, 503, 504}
    # attempts per request, the first included; the manifest's MAX_ATTEMPTS overrides it
    attempts, base_delay, max_delay, socket_timeout = 6, 0.5, 20.0, 15.0

    def __init__(self, budget=RUN_BUDGET_SECONDS):
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
            if status is not None and status not in RetryPolicy.RETRY_STATUSES:
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


class AuthError(Exception):
    """The token endpoint refused our client credentials. Not retried."""


class TokenSource:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4) with proactive refresh."""

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


UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_ids(obj):
    """RFC 4122: UUIDs are case-insensitive on input and lowercase on output.
    A target that starts sending them in capitals has not changed any record,
    so every UUID (alone, or ending a $ref or location) is read in lowercase."""
    if isinstance(obj, dict):
        return {k: canonical_ids(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [canonical_ids(v) for v in obj]
    if isinstance(obj, str) and len(obj) >= 36 and UUID.fullmatch(obj[-36:]) and (
            len(obj) == 36 or obj[-37] == "/"):
        return obj[:-36] + obj[-36:].lower()
    return obj


def id_shape(ids):
    """'uuid' when every id is a UUID, else 'opaque': a change between two
    syncs means the target migrated its ids and no record matches its past."""
    return "uuid" if ids and all(UUID.fullmatch(i) for i in ids) else "opaque"


def values(items):
    """The 'value' of each entry in a SCIM multi-valued attribute."""
    return [item.get("value") for item in (items or []) if isinstance(item, dict) and item.get("value")]


class Checkpoint:
    """How far a sync got, in STATE_DIR, so a run killed halfway (a deploy, an
    OOM kill, a drained node) resumes where it stopped instead of starting over.

    Per resource type: the records read so far and the startIndex of the next
    page, or that the listing finished. Records and position are written
    together, in one file replaced atomically after each page, so a death at
    any instant leaves either the old checkpoint or the new one: a page is
    never both skipped and counted, nor lost. The checkpoint is removed once
    the sync has printed its output.
    """

    NAME = "sync_checkpoint.json"

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, self.NAME) if state_dir else None
        self.data = {}
        if not self.path or not os.path.exists(self.path):
            return
        try:
            age = time.time() - os.path.getmtime(self.path)
            with open(self.path) as f:
                data = json.load(f)
        except (OSError, ValueError) as error:
            log(f"ignoring unreadable checkpoint {self.path}: {error}")
            return
        if age > CHECKPOINT_MAX_AGE_SECONDS or not isinstance(data, dict):
            log(f"ignoring a checkpoint {age:.0f} s old: it belongs to an earlier sync")
            return
        self.data = data
        log("resuming a killed sync: " + ", ".join(
            f"{name} {'done' if v.get('done') else 'from startIndex=' + str(v.get('start'))}"
            for name, v in data.items() if isinstance(v, dict)))

    def get(self, resource):
        """(records by id, next startIndex, done) as saved; ({}, 1, False) when none."""
        saved = self.data.get(resource)
        if not isinstance(saved, dict) or not isinstance(saved.get("seen"), dict):
            return {}, 1, False
        return dict(saved["seen"]), int(saved.get("start") or 1), saved.get("done") is True

    def save(self, resource, seen, start, done=False):
        if not self.path:
            return
        self.data[resource] = {"seen": seen, "start": start, "done": done}
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def clear(self):
        self.data = {}
        if self.path and os.path.exists(self.path):
            os.remove(self.path)


class ReferenceConnector:
    """sync() and revoke() against one SCIM 2.0 service provider.

    Override points for variants and test fixtures: list_resources(),
    fetch_page(), read_resource().
    """

    def __init__(self, base_url, tokens, policy, state_dir=None):
        self.base_url = base_url.rstrip("/")
        self.http = HttpClient(policy, tokens)
        self.state_dir = state_dir  # kept between operations: remembers the last complete counts
        self.problems = []  # why the output is partial; empty means complete
        self.problem_types = {}  # problem text -> the record types it leaves incomplete
        self.last_write_version = None  # meta.version the last PATCH answered with
        self.checkpoint = None  # set by sync()

    # ---- reading -----------------------------------------------------------

    def fetch_page(self, resource, start_index):
        """One ListResponse page. Raises RequestFailed."""
        query = urllib.parse.urlencode({"startIndex": start_index, "count": PAGE_SIZE})
        status, page = self.http.call("GET", f"{self.base_url}/{resource}?{query}",
                                      what=f"GET /{resource} startIndex={start_index}")
        if status != 200 or not isinstance(page, dict) or not isinstance(page.get("totalResults"), int):
            raise RequestFailed(f"GET /{resource} startIndex={start_index}: {describe(status, page)}"
                                + (" without totalResults" if status == 200 else ""))
        return page

    def list_resources(self, resource):
        """Every resource of a type, de-duplicated by id.

        Index paging is stateless, so a change during the listing can shift
        records between pages: one repeats and another is skipped. If fewer
        unique records than totalResults came back, list once more and merge;
        if still short, record the listing as partial.
        """
        seen, start, done = self.checkpoint.get(resource) if self.checkpoint else ({}, 1, False)
        if done:
            return list(seen.values())
        for listing in (1, 2):
            try:
                total, short = self._list_once(resource, seen, start)
            except (RequestFailed, AuthError) as error:
                short = str(error)
                break
            start = 1  # a second pass reads from the top
            if short is None and len(seen) >= total:
                self.page_done(resource, seen, total + 1, done=True)
                return list(seen.values())
            short = f"listing short: {short or f'{len(seen)} unique records of totalResults={total}'}"
            log(f"{resource}: pass {listing}: {short}")
            if not self.http.policy.can_wait():
                break
        self.note_problem(f"{resource}: {short}", RESOURCE_TYPES.get(resource, SYNC_TYPES))
        return list(seen.values())

    def note_problem(self, text, types):
        """Record why the output is partial, and which record types that leaves incomplete."""
        self.problems.append(text)
        self.problem_types[text] = set(types)

    def incomplete_types(self):
        """The record types the problems leave incomplete, for the status line. A
        problem noted without types (by a subclass) counts against every type."""
        types = set()
        for problem in self.problems:
            types |= self.problem_types.get(problem, set(SYNC_TYPES))
        return sorted(types)

    def page_done(self, resource, seen, next_start, done=False):
        """Called once a page's records are in `seen`: checkpoint both together."""
        if self.checkpoint:
            self.checkpoint.save(resource, seen, next_start, done)

    def _list_once(self, resource, seen, start=1):
        """Read pages until startIndex passes totalResults; returns (total, reason if short)."""
        while True:
            page = self.fetch_page(resource, start)
            total = page["totalResults"]
            items = [canonical_ids(r) for r in page.get("Resources") or [] if isinstance(r, dict) and r.get("id")]
            for item in items:
                seen[item["id"]] = item  # a repeat replaces the older copy
            start += len(items)  # a page may legally be shorter than count
            if items and start <= total:
                self.page_done(resource, seen, start)
            if start > total:
                return total, None
            if not items:
                return total, f"empty page at startIndex={start} with totalResults={total}"
            if not self.http.policy.can_wait():  # better a partial answer than being killed
                return total, f"run time budget used up at startIndex={start}"

    def flag(self, obj, name, record_type="account"):
        """A boolean attribute, read tolerantly: some targets send "false" as a
        string. A value that is neither counts as true (never report a leaver
        disabled on a guess) and makes the sync partial."""
        value = as_bool(obj.get(name, True))
        if value is None:
            self.note_problem(f"unrecognised {name} value {obj.get(name)!r} on {obj.get('id') or obj.get('value')}",
                              (record_type,))
            return True
        return value

    def check_against_last_sync(self, now, shapes=None):
        """A directory does not lose half its users between two syncs; a client
        that lost read permission sees exactly that, often with a 200. Nor do
        all its ids change form: a target that migrated its id scheme makes
        every record look new. Compare with the last complete sync and say
        partial rather than report the loss or the churn."""
        path = os.path.join(self.state_dir, "last_counts.json") if self.state_dir else None
        last = {}
        if path and os.path.exists(path):
            try:
                with open(path) as f:
                    last = json.load(f)
            except (OSError, ValueError) as error:
                log(f"ignoring unreadable {path}: {error}")
        for resource, count in now.items():
            before = last.get(resource)
            if isinstance(before, int) and before >= 10 and count < before / 2:
                self.note_problem(f"{resource}: {count} record(s), down from {before} at the last complete "
                                  "sync; the client may have lost read permission", RESOURCE_TYPES[resource])
        last_shapes = last.get("id_shapes") if isinstance(last.get("id_shapes"), dict) else {}
        for resource, shape in (shapes or {}).items():
            before = last_shapes.get(resource)
            if before and shape != before:
                self.note_problem(f"{resource}: id format changed since the last complete sync ({before} ids, "
                                  f"now {shape}); records cannot be matched to the ones reported before",
                                  RESOURCE_TYPES[resource])
        if shapes:
            now = dict(now, id_shapes=shapes)
        if path and not self.problems:
            with open(path + ".tmp", "w") as f:
                json.dump(now, f)
            os.replace(path + ".tmp", path)

    def read_resource(self, path):
        """GET one resource; None when it no longer exists (404). Raises RequestFailed."""
        status, body = self.http.call("GET", f"{self.base_url}/{path}")
        if status == 404:
            return None
        if status != 200 or not isinstance(body, dict):
            raise RequestFailed(f"GET /{path}: {describe(status, body)}")
        return canonical_ids(body)

    # ---- sync --------------------------------------------------------------

    def sync(self):
        self.checkpoint = Checkpoint(self.state_dir)
        try:
            return self._sync()
        finally:
            # Output printed (or the sync gave up): the next sync starts afresh.
            self.checkpoint.clear()

    def _sync(self):
        users = self.list_resources("Users")
        groups = self.list_resources("Groups")
        entitlements = self.list_resources("Entitlements")
        self.check_against_last_sync({"Users": len(users), "Groups": len(groups),
                                      "Entitlements": len(entitlements)},
                                     {name: id_shape([r["id"] for r in records]) for name, records in
                                      (("Users", users), ("Groups", groups), ("Entitlements", entitlements))
                                      if records})
        counts = dict.fromkeys(SYNC_TYPES, 0)

        def out(obj):
            counts[obj["type"]] += 1
            emit(obj)

        # A user without a userName cannot be mapped: the schema may have
        # drifted. Never guess and never print half a record; say partial.
        unmapped = {u["id"] for u in users if not isinstance(u.get("userName"), str) or not u["userName"]}
        if unmapped:
            known = {"schemas", "id", "externalId", "userName", "name", "displayName", "active", "emails",
                     "entitlements", "groups", "meta", EXT_ACCOUNT}
            extra = sorted({k for u in users if u["id"] in unmapped for k in u} - known)
            self.note_problem(f"Users: {len(unmapped)} record(s) without userName, left out"
                              + (f" (unexpected attributes: {', '.join(extra)})" if extra else ""),
                              RESOURCE_TYPES["Users"])
            users = [u for u in users if u["id"] not in unmapped]

        group_ids = {g["id"] for g in groups}
        for e in entitlements:
            out({"type": "entitlement", "id": e["id"], "displayName": text(e.get("displayName")),
                 "privileged": e.get("privileged") is True})
        for g in groups:
            out({"type": "group", "id": g["id"], "displayName": text(g.get("displayName"))})
        for u in users:
            ext = u.get(EXT_ACCOUNT) if isinstance(u.get(EXT_ACCOUNT), dict) else {}
            out({"type": "account", "id": u["id"], "userName": text(u.get("userName")),
                 "displayName": text(u.get("displayName")), "active": self.flag(u, "active"),
                 "accountType": "service" if ext.get("accountType") == "service" else "human",
                 "privileged": ext.get("privileged") is True})
            for key in ext.get("credentials") or []:
                if isinstance(key, dict) and key.get("value"):
                    expires = key.get("expires") if isinstance(key.get("expires"), str) else None
                    out({"type": "credential", "id": key["value"], "owner": u["id"],
                         "kind": "api_key" if key.get("type", "apiKey") == "apiKey" else text(key["type"]),
                         "expires": expires, "active": self.flag(key, "active", "credential")})

        grants = set()  # (kind, principal_type, principal, target), de-duplicated
        for u in users:  # a user's own "entitlements" are its direct grants
            grants.update(("entitlement", "account", u["id"], e) for e in values(u.get("entitlements")))
        for g in groups:  # memberships come from the group's members: the authoritative side
            for m in g.get("members") or []:
                if isinstance(m, dict) and m.get("value") and m["value"] not in unmapped:
                    nested = m.get("type") == "Group" or (m.get("type") is None and m["value"] in group_ids)
                    grants.add(("membership", "group" if nested else "account", m["value"], g["id"]))
            ext = g.get(EXT_GROUP_ENTITLEMENTS) if isinstance(g.get(EXT_GROUP_ENTITLEMENTS), dict) else {}
            grants.update(("entitlement", "group", g["id"], e) for e in values(ext.get("entitlements")))
        known = {"account": {u["id"] for u in users}, "group": group_ids,
                 "entitlement": {e["id"] for e in entitlements}}
        for kind, principal_type, principal, target in sorted(grants):
            target_type = "group" if kind == "membership" else "entitlement"
            if not self.keep_grant(principal in known[principal_type], target in known[target_type]):
                continue
            out({"type": "grant", "kind": kind, "principal_type": principal_type,
                 "principal": principal, "target": target})

        if len(self.problems) == 3 and not any(counts.values()):
            return "failed", "; ".join(self.problems), counts
        return ("partial" if self.problems else "complete"), "; ".join(self.problems), counts

    def keep_grant(self, principal_read, target_read):
        """Only grants whose both ends were read: a reference to an object this
        sync could not see cannot be checked, so it is left out (and the status
        already says partial for the resource that was missing)."""
        return principal_read and target_read

    # ---- revoke ------------------------------------------------------------

    def revoke(self, lines):
        answered = {}  # action id -> outcome; a repeated id is answered only once
        results = []  # (action, outcome, detail), answered after the final check
        auth_failures = 0
        for number, line in enumerate(lines, 1):
            try:
                action = json.loads(line) if line.strip() else None
            except ValueError:
                action = None
            action_id = action.get("id") if isinstance(action, dict) else None
            if not isinstance(action_id, str) or action_id in answered:
                log(f"stdin line {number}: not an action with a new id; ignored")
                continue
            try:
                if not self.http.policy.can_wait():
                    raise RequestFailed("not attempted: run time budget used up")
                outcome, detail = self.perform(action)
            except AuthError as error:
                outcome, detail = "failed", f"no access token: {error}"
                auth_failures += 1
            except RequestFailed as error:
                outcome, detail = "failed", str(error)
            answered[action_id] = outcome
            results.append((action, outcome, detail))
        # A target may undo a write some requests after answering it (a revert,
        # a replica catching up): check every confirmation once more at the end
        # of the batch, and re-apply what came back, before answering.
        for index, (action, outcome, detail) in enumerate(results):
            if outcome != "confirmed":
                continue
            try:
                if not self.http.policy.can_wait() or not self.access_returned(action):
                    continue
                log(f"{action['id']}: access came back after confirmation; applying again")
                again, again_detail = self.perform(action)
            except (AuthError, RequestFailed) as error:
                again, again_detail = "unconfirmed", f"access came back after confirmation: {error}"
            results[index] = (action, again, f"access came back after confirmation; {again_detail}")
            answered[action["id"]] = again
        for action, outcome, detail in results:
            emit({"type": "result", "id": action["id"], "outcome": outcome, "detail": detail})
        counts = {"result": len(answered)}
        not_done = sum(outcome != "confirmed" for outcome in answered.values())
        if auth_failures and "confirmed" not in answered.values():
            return "failed", f"no access token: {auth_failures} actions could not be attempted", counts
        if not_done:
            return "partial", f"{not_done} of {len(answered)} actions not confirmed", counts
        return "complete", "", counts

    def perform(self, action):
        """Apply one action; 'confirmed' only when no access of that kind remains,
        including access inherited through (nested) groups."""
        outcome, detail = self.apply(action)
        if outcome != "confirmed":
            return outcome, detail
        try:
            inherited = self.inherited_access(action)
        except RequestFailed as error:
            return "unconfirmed", f"{detail}; could not check inherited access: {error}"
        if inherited:
            return "failed", (f"{detail}, but {inherited}; removing that would change a group's access "
                              "for other members, which this action did not ask for")
        return outcome, detail

    def access_returned(self, action):
        """Whether the access a confirmed action removed shows again on the target."""
        kind, account = action.get("action"), action.get("account")
        if kind == "remove_membership":
            group = self.read_resource(f"Groups/{quote(action['group'])}")
            return group is not None and account in values(group.get("members"))
        user = self.read_resource(f"Users/{quote(account)}")
        if user is None:
            return False
        if kind == "remove_entitlement":
            return action.get("entitlement") in values(user.get("entitlements"))
        return still_enabled(user)

    def inherited_access(self, action):
        """How the account still gets what the action removes, through its groups; None if it does not.
        A SCIM User lists its groups, direct and indirect (RFC 7643 §4.1.2); a Group lists its grants."""
        kind, account = action.get("action"), action.get("account")
        if kind not in ("remove_membership", "remove_entitlement"):
            return None
        user = self.read_resource(f"Users/{quote(account)}")
        if user is None:
            return None
        groups = [g for g in user.get("groups") or [] if isinstance(g, dict) and g.get("value")]
        if kind == "remove_membership":
            # Only "indirect" counts: the direct membership was just confirmed
            # gone on the group itself (a user read from a lagging replica may
            # still list it as direct).
            if any(g["value"] == action.get("group") and g.get("type") == "indirect" for g in groups):
                return f"the account is still a member of {action.get('group')} through a nested group"
            return None
        for g in groups:
            group = self.read_resource(f"Groups/{quote(g['value'])}")
            ext = (group or {}).get(EXT_GROUP_ENTITLEMENTS)
            if isinstance(ext, dict) and action.get("entitlement") in values(ext.get("entitlements")):
                return f"the entitlement is still granted through group {g['value']}"
        return None

    def apply(self, action):
        """Dispatch one action to (resource path, PATCH operation, does-it-still-grant-access)."""
        kind, account = action.get("action"), action.get("account")
        if not isinstance(account, str) or not account:
            return "failed", "action has no account"
        if kind == "remove_membership" and isinstance(action.get("group"), str):
            return self.change_and_confirm(
                f"Groups/{quote(action['group'])}",
                {"op": "remove", "path": f"members[value eq {json.dumps(account)}]"},
                lambda group: account in values(group.get("members")))
        if kind == "remove_entitlement" and isinstance(action.get("entitlement"), str):
            entitlement = action["entitlement"]
            return self.change_and_confirm(
                f"Users/{quote(account)}",
                {"op": "remove", "path": f"entitlements[value eq {json.dumps(entitlement)}]"},
                lambda user: entitlement in values(user.get("entitlements")))
        if kind == "deprovision":
            return self.change_and_confirm(
                f"Users/{quote(account)}",
                {"op": "replace", "path": "active", "value": False},
                still_enabled, deprovision_follow_up)
        return "failed", f"unsupported or malformed action {kind!r}"

    def change_and_confirm(self, path, operation, has_access, follow_up=None):
        """Read, PATCH with If-Match, then read back. Only the read-back decides 'confirmed'.

        A write answered OK whose effect does not show is tried once more, with
        `follow_up(current)` when given: a target may drop a write, or apply it
        only in part (an account disabled while its API keys stay live).
        """
        try:
            current = self.read_resource(path)
        except RequestFailed as error:
            current = {}  # write without If-Match; the read-back still decides
            log(f"pre-read failed: {error}")
        if current is None:
            return "confirmed", f"/{path} does not exist on the target (404)"
        if current and not has_access(current):
            return "confirmed", "already absent on the target (read before writing)"
        attempt_op = operation
        for attempt in (1, 2):
            write_error = self.write(path, attempt_op, current, has_access)
            try:
                gone, current = self.read_back(path, has_access)
            except RequestFailed as error:
                if write_error:
                    return "failed", write_error
                return "unconfirmed", f"write answered OK, but the read-back failed: {error}"
            if gone:
                return "confirmed", "read-back shows the access gone" + (" (second write)" if attempt == 2 else "")
            if write_error:
                return "failed", write_error
            log(f"/{path}: write answered OK but the access remains; writing again")
            attempt_op = follow_up(current) if follow_up else operation
        return "unconfirmed", "write answered OK twice, but the read-back still shows the access"

    def read_back(self, path, has_access):
        """(gone, current): read the resource, allowing a moment for eventual consistency.

        A read older than the version our write produced comes from a lagging
        replica: it proves nothing either way, so it is read again rather than
        taken as "the write did not apply"."""
        current = None
        written = version_number(self.last_write_version)
        for pause in (0.0, 0.2, 0.5, 1.0, 1.0, 1.0):
            time.sleep(pause)
            current = self.read_resource(path)
            if current is not None and written is not None:
                seen = version_number((current.get("meta") or {}).get("version"))
                if seen is not None and seen < written:
                    log(f"/{path}: read version {seen} is older than written {written}: stale replica")
                    continue
            if current is None or not has_access(current):
                return True, current
            if written is None and pause >= 0.5:
                break
        return False, current

    def write(self, path, operation, current, has_access):
        """PATCH one operation; returns None when answered OK, else why not.

        If-Match makes a retried PATCH safe: if an earlier attempt did land,
        the version moved on and the retry gets 412 instead of a second write.
        """
        status, body = None, None
        self.last_write_version = None
        try:
            for _ in range(3):
                version = (current.get("meta") or {}).get("version") if current else None
                headers = {"Content-Type": "application/scim+json"}
                if version:
                    headers["If-Match"] = version
                operations = operation if isinstance(operation, list) else [operation]
                status, body = self.http.call("PATCH", f"{self.base_url}/{path}", headers=headers,
                                              body={"schemas": [PATCH_OP], "Operations": operations})
                if status == 200 and isinstance(body, dict):
                    self.last_write_version = (body.get("meta") or {}).get("version")
                if status != 412:
                    break
                # Changed under us, or we read from a lagging replica: re-read
                # until the version moves past the one the target refused.
                refused = version
                for pause in (0.0, 0.2, 0.5, 1.0):
                    time.sleep(pause)
                    current = self.read_resource(path)
                    if current is None or (current.get("meta") or {}).get("version") != refused:
                        break
                if current is None or not has_access(current):
                    return None
        except RequestFailed as error:
            return f"write errored: {error}"
        if status in (200, 204):
            return None
        return f"PATCH /{path} refused: {describe(status, body)}"


def version_number(etag):
    """W/"12" -> 12; None when absent or not a counter."""
    if not isinstance(etag, str):
        return None
    digits = etag.removeprefix("W/").strip('"')
    return int(digits) if digits.isdigit() else None


def as_bool(value):
    """True/False for a JSON boolean or the strings "true"/"false" (any case); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def still_enabled(user):
    """A deprovisioned account is inactive and holds no active API key."""
    ext = user.get(EXT_ACCOUNT) if isinstance(user.get(EXT_ACCOUNT), dict) else {}
    keys = [k for k in ext.get("credentials") or [] if isinstance(k, dict)]
    return as_bool(user.get("active")) is not False or any(as_bool(k.get("active")) is not False for k in keys)


def deprovision_follow_up(user):
    """What to send when a disabled account still shows access: disable it
    again, and revoke every API key that is still live, by id."""
    ext = user.get(EXT_ACCOUNT) if isinstance(user.get(EXT_ACCOUNT), dict) else {}
    live = [k["value"] for k in ext.get("credentials") or []
            if isinstance(k, dict) and isinstance(k.get("value"), str) and as_bool(k.get("active")) is not False]
    if not live:
        return {"op": "replace", "path": "active", "value": False}
    return [{"op": "replace", "path": "active", "value": False}] + [
        {"op": "remove", "path": f"{EXT_ACCOUNT}:credentials[value eq {json.dumps(key)}]"} for key in live]


def describe(status, body):
    detail = (body.get("detail") or body.get("error")) if isinstance(body, dict) else None
    return f"HTTP {status}" + (f" ({detail})" if detail else "")


def text(value):
    return value if isinstance(value, str) else ""


def quote(resource_id):
    return urllib.parse.quote(resource_id, safe="")


def main(argv, connector_class=ReferenceConnector):
    """Exit 0 when the operation ran (its status line says how well); 2 on bad usage; 1 on a crash."""
    operation = argv[1] if len(argv) > 1 else ""
    env = os.environ
    missing = [n for n in ("SCIM_BASE_URL", "TOKEN_URL", "CLIENT_ID", "CLIENT_SECRET") if not env.get(n)]
    if operation not in ("sync", "revoke") or missing:
        log(f"usage: {os.path.basename(argv[0])} sync|revoke  (missing environment: {missing or 'none'})")
        return 2
    global PAGE_SIZE
    try:
        PAGE_SIZE = positive_int(env, "PAGE_SIZE", PAGE_SIZE)
        RetryPolicy.attempts = positive_int(env, "MAX_ATTEMPTS", RetryPolicy.attempts)
    except ValueError as error:
        log(f"bad configuration: {error}")
        return 2
    policy = RetryPolicy()
    tokens = TokenSource(env["TOKEN_URL"], env["CLIENT_ID"], env["CLIENT_SECRET"], policy)
    connector = connector_class(env["SCIM_BASE_URL"], tokens, policy, env.get("STATE_DIR"))
    empty = {"result": 0} if operation == "revoke" else dict.fromkeys(SYNC_TYPES, 0)
    try:
        if operation == "sync":
            status, reason, counts = connector.sync()
        else:
            status, reason, counts = connector.revoke(sys.stdin.read().splitlines())
    except AuthError as error:  # nothing can be read or written without a token
        status, reason, counts = "failed", f"authentication failed: {error}", empty
    except Exception as error:  # a bug: still end with a status line, then exit non-zero
        log(f"internal error: {type(error).__name__}: {error}")
        emit({"type": "status", "protocol": PROTOCOL, "status": "failed",
              "reason": f"internal error: {type(error).__name__}", "counts": empty})
        return 1
    log(f"{operation}: {status} {reason}".rstrip())
    line = {"type": "status", "protocol": PROTOCOL, "status": status, "reason": reason, "counts": counts}
    if operation == "sync" and status != "complete":
        # What is missing, machine-readable: the reason is for people.
        line["incomplete"] = connector.incomplete_types() if status == "partial" else list(SYNC_TYPES)
    emit(line)
    return 0


def positive_int(env, name, default):
    """An integer setting from the environment; `default` when unset."""
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a positive integer, got {text!r}")
    return int(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
