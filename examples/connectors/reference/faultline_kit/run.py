"""main(): from the environment faultline gives to one status line on stdout.

Exit 0 whenever the operation ran (its status line says how well), 2 on a
usage or configuration error, 1 on an internal error (after a status line).
"""

import os
import sys

from . import protocol
from .protocol import SYNC_TYPES, log
from .scim import PAGE_SIZE
from .transport import AuthError, HttpClient, RetryPolicy, TokenSource

REQUIRED_ENV = ("SCIM_BASE_URL", "TOKEN_URL", "CLIENT_ID", "CLIENT_SECRET")


def positive_int(env, name, default):
    """An integer setting from the environment; `default` when unset."""
    text = env.get(name)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a positive integer, got {text!r}")
    return int(text)


def main(argv, connector_class, policy_class=RetryPolicy, token_source_class=TokenSource,
         http_client_class=HttpClient):
    """Run `argv[1]` (sync or revoke) with a connector_class(base_url, http, state_dir,
    page_size) whose sync() / revoke(lines) return (status, reason, counts).
    The *_class arguments let a variant swap one part of the transport."""
    operation = argv[1] if len(argv) > 1 else ""
    env = os.environ
    missing = [name for name in REQUIRED_ENV if not env.get(name)]
    if operation not in ("sync", "revoke") or missing:
        log(f"usage: {os.path.basename(argv[0])} sync|revoke  (missing environment: {missing or 'none'})")
        return 2
    try:
        page_size = positive_int(env, "PAGE_SIZE", PAGE_SIZE)
        attempts = positive_int(env, "MAX_ATTEMPTS", 6)
    except ValueError as error:
        log(f"bad configuration: {error}")
        return 2
    policy = policy_class(attempts)
    tokens = token_source_class(env["TOKEN_URL"], env["CLIENT_ID"], env["CLIENT_SECRET"], policy)
    http = http_client_class(policy, tokens)
    connector = connector_class(env["SCIM_BASE_URL"], http, env.get("STATE_DIR"), page_size)
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
        protocol.emit(protocol.status_line("failed", f"internal error: {type(error).__name__}", empty))
        return 1
    log(f"{operation}: {status} {reason}".rstrip())
    incomplete = None
    if operation == "sync" and status != "complete":
        # What is missing, machine-readable: the reason is for people.
        incomplete = connector.incomplete_types() if status == "partial" else SYNC_TYPES
    protocol.emit(protocol.status_line(status, reason, counts, incomplete))
    return 0
