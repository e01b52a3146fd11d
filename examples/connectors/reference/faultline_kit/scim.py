"""SCIM 2.0 (RFC 7643/7644) for connectors: paged listings and confirmed writes.

ScimConnector holds what any SCIM connector needs whatever it maps: reading
every page of a ListResponse (startIndex/count) with a checkpoint, reading
one resource, changing one with a PATCH that only the read-back confirms, and
answering a revoke batch. A connector subclasses it and adds sync(),
perform() and access_returned(). Not thread-safe.
"""

import re
import time
import urllib.parse

from . import protocol
from .checkpoint import Checkpoint
from .protocol import SYNC_TYPES, log, read_actions
from .transport import AuthError, RequestFailed, describe

EXT_ACCOUNT = "urn:faultline:params:scim:schemas:extension:2.0:Account"
EXT_GROUP_ENTITLEMENTS = "urn:faultline:params:scim:schemas:extension:2.0:GroupEntitlements"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
PAGE_SIZE = 100  # records asked per list page unless the connector says otherwise
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


def as_bool(value):
    """True/False for a JSON boolean or the strings "true"/"false" (any case); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def version_number(etag):
    """W/"12" -> 12; None when absent or not a counter."""
    if not isinstance(etag, str):
        return None
    digits = etag.removeprefix("W/").strip('"')
    return int(digits) if digits.isdigit() else None


def quote(resource_id):
    return urllib.parse.quote(resource_id, safe="")


class ScimConnector:
    """Reading and writing one SCIM service provider, keeping count of what
    could not be read. Override points: fetch_page(), list_resources(),
    page_done(), read_resource(), write(), change_and_confirm(), revoke().

    RESOURCE_TYPES maps each listed resource to the record types it feeds: what
    a failed listing leaves incomplete (the status line's "incomplete" field).
    """

    RESOURCE_TYPES = {}

    def __init__(self, base_url, http, state_dir=None, page_size=PAGE_SIZE):
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.state_dir = state_dir  # kept between operations
        self.page_size = page_size
        self.problems = []  # why the output is partial; empty means complete
        self.problem_types = {}  # problem text -> the record types it leaves incomplete
        self.unread = set()  # resources whose listing failed before yielding a record
        self.last_write_version = None  # meta.version the last PATCH answered with
        self.checkpoint = None  # set while a sync runs

    # ---- what is missing ---------------------------------------------------

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

    # ---- reading -----------------------------------------------------------

    def open_checkpoint(self):
        self.checkpoint = Checkpoint(self.state_dir)

    def close_checkpoint(self):
        """Output printed (or the sync gave up): the next sync starts afresh."""
        if self.checkpoint:
            self.checkpoint.clear()

    def fetch_page(self, resource, start_index):
        """One ListResponse page. Raises RequestFailed."""
        query = urllib.parse.urlencode({"startIndex": start_index, "count": self.page_size})
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
                self.page_done(resource, [], total + 1, done=True)
                return list(seen.values())
            short = f"listing short: {short or f'{len(seen)} unique records of totalResults={total}'}"
            log(f"{resource}: pass {listing}: {short}")
            if not self.http.policy.can_wait():
                break
        if not seen:
            self.unread.add(resource)
        self.note_problem(f"{resource}: {short}", self.RESOURCE_TYPES.get(resource, SYNC_TYPES))
        return list(seen.values())

    def page_done(self, resource, records, next_start, done=False):
        """Called once a page's records are in hand: checkpoint them with the position."""
        if self.checkpoint:
            self.checkpoint.append(resource, records, next_start, done)

    def _list_once(self, resource, seen, start=1):
        """Read pages until startIndex passes totalResults; returns (total, reason if short)."""
        while True:
            page = self.fetch_page(resource, start)
            total = page["totalResults"]
            items = [canonical_ids(r) for r in page.get("Resources") or [] if isinstance(r, dict) and r.get("id")]
            for item in items:
                seen[item["id"]] = item  # a repeat replaces the older copy
            start += len(items)  # a page may legally be shorter than count
            if items:
                self.page_done(resource, items, start)
            if start > total:
                return total, None
            if not items:
                return total, f"empty page at startIndex={start} with totalResults={total}"
            if not self.http.policy.can_wait():  # better a partial answer than being killed
                return total, f"run time budget used up at startIndex={start}"

    def read_resource(self, path):
        """GET one resource; None when it no longer exists (404). Raises RequestFailed."""
        status, body = self.http.call("GET", f"{self.base_url}/{path}")
        if status == 404:
            return None
        if status != 200 or not isinstance(body, dict):
            raise RequestFailed(f"GET /{path}: {describe(status, body)}")
        return canonical_ids(body)

    # ---- revoking ---------------------------------------------------------

    def perform(self, action):
        """Apply one action: (outcome, detail). Raises RequestFailed or AuthError."""
        raise NotImplementedError

    def access_returned(self, action):
        """Whether the access a confirmed action removed shows on the target again."""
        raise NotImplementedError

    def revoke(self, lines):
        """Answer a batch: perform() each action once, re-check every confirmation
        at the end, then print one result line per action id."""
        answered = {}  # action id -> outcome; a repeated id is answered only once
        results = []  # (action, outcome, detail), answered after the final check
        auth_failures = 0
        for number, action in read_actions(lines):
            if action["id"] in answered:
                log(f"stdin line {number}: action id {action['id']} repeated; ignored")
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
            answered[action["id"]] = outcome
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
            protocol.emit({"type": "result", "id": action["id"], "outcome": outcome, "detail": detail})
        counts = {"result": len(answered)}
        not_done = sum(outcome != "confirmed" for outcome in answered.values())
        if auth_failures and "confirmed" not in answered.values():
            return "failed", f"no access token: {auth_failures} actions could not be attempted", counts
        if not_done:
            return "partial", f"{not_done} of {len(answered)} actions not confirmed", counts
        return "complete", "", counts

    # ---- writing -----------------------------------------------------------

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
        """PATCH one operation (or a list); returns None when answered OK, else why not.

        If-Match makes a retried PATCH safe: if an earlier attempt did land,
        the version moved on and the retry gets 412 instead of a second write.
        Pass current=None to write without If-Match.
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
