"""The connector protocol's output side (docs/connector-protocol.md).

stdout carries protocol lines only, one compact JSON object per line;
every log line goes to stderr. Both pass through scrub(), so a token or
client secret registered with add_secret() never leaves the process.
"""

import json
import sys

PROTOCOL = 1
# The record types a sync prints (§4), in the order the status counts list them.
SYNC_TYPES = ("account", "group", "entitlement", "grant", "credential")
LOG_PREFIX = "[reference-connector]"

_secrets = set()  # strings that must never leave this process


def add_secret(value):
    if value and len(value) >= 4:  # scrubbing very short strings would mangle real data
        _secrets.add(value)


def scrub(text):
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "[REDACTED]")
    return text


def log(message):
    print(scrub(f"{LOG_PREFIX} {message}"), file=sys.stderr, flush=True)


def emit(obj):
    """Write one protocol line (compact JSON, UTF-8) to stdout."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write(scrub(line) + "\n")
    sys.stdout.flush()


def status_line(status, reason, counts, incomplete=None):
    """The last line of every operation (§4.6). `incomplete` (sync only) names
    the record types the output is missing records of; None leaves it out."""
    line = {"type": "status", "protocol": PROTOCOL, "status": status, "reason": reason, "counts": counts}
    if incomplete is not None:
        line["incomplete"] = list(incomplete)
    return line


def read_actions(lines):
    """The revoke batch from stdin: (line number, action) for each line that is
    an action with a string id. Anything else is logged and skipped; repeated
    ids are left for the caller to judge."""
    for number, line in enumerate(lines, 1):
        try:
            action = json.loads(line) if line.strip() else None
        except ValueError:
            action = None
        if isinstance(action, dict) and isinstance(action.get("id"), str):
            yield number, action
        elif line.strip():
            log(f"stdin line {number}: not an action with an id; ignored")
