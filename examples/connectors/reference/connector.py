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

The plumbing (retries, tokens, paging, checkpoints, confirmed writes) lives in
faultline_kit/ next to this file; what is left here is the part you change for
your own target: how its records map onto the protocol's lines, and how each
revocation is carried out and checked.

The rules this file is built around:
  * stdout carries protocol lines only; every log line goes to stderr;
  * the token and the client secret never appear in any output;
  * "complete" is claimed only when every list was read to its end, and
    "confirmed" only after reading the target back and seeing access gone.
"""

import json
import os
import sys

# faultline starts us with only the manifest's environment: find the kit by
# this file's own location, whatever the working directory or PYTHONPATH.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from faultline_kit import protocol, scim  # noqa: E402  (the path must be set first)
from faultline_kit.protocol import SYNC_TYPES, log  # noqa: E402
from faultline_kit.run import main  # noqa: E402
from faultline_kit.scim import EXT_ACCOUNT, EXT_GROUP_ENTITLEMENTS, as_bool, quote, values  # noqa: E402
from faultline_kit.transport import RequestFailed  # noqa: E402

LISTINGS = ("Users", "Groups", "Entitlements")


def text(value):
    return value if isinstance(value, str) else ""


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
    disable = {"op": "replace", "path": "active", "value": False}
    return [disable] + [{"op": "remove", "path": f"{EXT_ACCOUNT}:credentials[value eq {json.dumps(key)}]"}
                        for key in live] if live else disable


class ReferenceConnector(scim.ScimConnector):
    """sync() and revoke() against one SCIM 2.0 service provider. Override
    points beyond the kit's: flag(), keep_grant(), apply(), inherited_access(),
    access_returned(), check_against_last_sync()."""

    # What each listing feeds. Users carry accounts, their keys and direct
    # grants; every grant needs both ends, so any failed listing costs grants.
    RESOURCE_TYPES = {"Users": ("account", "credential", "grant"), "Groups": ("group", "grant"),
                      "Entitlements": ("entitlement", "grant")}

    # ---- sync --------------------------------------------------------------

    def sync(self):
        self.open_checkpoint()
        try:
            return self._sync()
        finally:
            self.close_checkpoint()

    def _sync(self):
        listed = {name: self.list_resources(name) for name in LISTINGS}
        self.check_against_last_sync({name: len(records) for name, records in listed.items()},
                                     {name: scim.id_shape([r["id"] for r in records])
                                      for name, records in listed.items() if records})
        users, groups, entitlements = (listed[name] for name in LISTINGS)
        counts = dict.fromkeys(SYNC_TYPES, 0)

        def out(obj):
            counts[obj["type"]] += 1
            protocol.emit(obj)

        # A user without a userName cannot be mapped: the schema may have
        # drifted. Never guess and never print half a record; say partial.
        unmapped = {u["id"] for u in users if not isinstance(u.get("userName"), str) or not u["userName"]}
        if unmapped:
            known = {"schemas", "id", "externalId", "userName", "name", "displayName", "active", "emails",
                     "entitlements", "groups", "meta", EXT_ACCOUNT}
            extra = sorted({k for u in users if u["id"] in unmapped for k in u} - known)
            self.note_problem(f"Users: {len(unmapped)} record(s) without userName, left out"
                              + (f" (unexpected attributes: {', '.join(extra)})" if extra else ""),
                              self.RESOURCE_TYPES["Users"])
            users = [u for u in users if u["id"] not in unmapped]

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
        for grant in self.grants(users, groups, entitlements, unmapped):
            out(grant)

        # "failed" means nothing usable (docs/connector-protocol.md §4.6): no
        # listing gave a single record. Any other shortfall is "partial", and
        # the status line's "incomplete" names exactly the types of the
        # listings that fell short (RESOURCE_TYPES), so the scorer can tell
        # an honest gap from silent loss (docs/scoring.md, "Honesty").
        if self.unread >= set(LISTINGS) and not any(listed.values()):
            return "failed", "; ".join(self.problems), counts
        return ("partial" if self.problems else "complete"), "; ".join(self.problems), counts

    def grants(self, users, groups, entitlements, unmapped):
        """Grant lines, de-duplicated and sorted: a user's own entitlements, and
        each group's members (the authoritative side) and entitlements."""
        group_ids = {g["id"] for g in groups}
        grants = set()  # (kind, principal_type, principal, target)
        for u in users:
            grants.update(("entitlement", "account", u["id"], e) for e in values(u.get("entitlements")))
        for g in groups:
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
            if self.keep_grant(principal in known[principal_type], target in known[target_type]):
                yield {"type": "grant", "kind": kind, "principal_type": principal_type,
                       "principal": principal, "target": target}

    def keep_grant(self, principal_read, target_read):
        """Only grants whose both ends were read: a reference to an object this
        sync could not see cannot be checked, so it is left out (and the status
        already says partial for the resource that was missing)."""
        return principal_read and target_read

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
                                  "sync; the client may have lost read permission", self.RESOURCE_TYPES[resource])
        last_shapes = last.get("id_shapes") if isinstance(last.get("id_shapes"), dict) else {}
        for resource, shape in (shapes or {}).items():
            before = last_shapes.get(resource)
            if before and shape != before:
                self.note_problem(f"{resource}: id format changed since the last complete sync ({before} ids, "
                                  f"now {shape}); records cannot be matched to the ones reported before",
                                  self.RESOURCE_TYPES[resource])
        if path and not self.problems:
            with open(path + ".tmp", "w") as f:
                json.dump(dict(now, id_shapes=shapes) if shapes else now, f)
            os.replace(path + ".tmp", path)

    # ---- revoke: the kit's revoke() calls perform() and access_returned() ----

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

    def apply(self, action):
        """Each action kind as (resource path, PATCH operation, does-it-still-grant-access)."""
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
                f"Users/{quote(account)}", {"op": "replace", "path": "active", "value": False},
                still_enabled, deprovision_follow_up)
        return "failed", f"unsupported or malformed action {kind!r}"

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
        user = self.read_resource(f"Users/{quote(account)}") if kind in ("remove_membership",
                                                                           "remove_entitlement") else None
        if user is None:
            return None
        groups = [g for g in user.get("groups") or [] if isinstance(g, dict) and g.get("value")]
        if kind == "remove_membership":
            # Only "indirect" counts: the direct membership was just confirmed
            # gone on the group itself (a lagging replica may still say direct).
            if any(g["value"] == action.get("group") and g.get("type") == "indirect" for g in groups):
                return f"the account is still a member of {action.get('group')} through a nested group"
            return None
        for g in groups:
            ext = (self.read_resource(f"Groups/{quote(g['value'])}") or {}).get(EXT_GROUP_ENTITLEMENTS)
            if isinstance(ext, dict) and action.get("entitlement") in values(ext.get("entitlements")):
                return f"the entitlement is still granted through group {g['value']}"
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv, ReferenceConnector))
