"""How far a sync got, kept in STATE_DIR so a killed run resumes.

A run killed halfway (a deploy, an OOM kill, a drained node) restarts and
reads the listings it had finished, and the pages it had read of the one it
was in, instead of starting over.

The file is append-only: one JSON line per page, holding that page's records
and the startIndex of the next page, written and fsynced before the next page
is asked for. Records and position travel in one line, so a page is never
counted without its records nor skipped with them. A death mid-write leaves
at most a torn last line, which the next run ignores: it reads that page
again. Appending costs each page only its own records; rewriting the whole
file after every page would make a long sync quadratic in its size.
The file is removed once the sync has printed its output.
"""

import json
import os
import time

from .protocol import log

MAX_AGE_SECONDS = 300  # an older checkpoint is from another sync: start over


class Checkpoint:
    """Per resource type: records read so far, next startIndex, whether done.
    Not thread-safe; one per sync."""

    NAME = "sync_checkpoint.jsonl"

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, self.NAME) if state_dir else None
        self.state = {}  # resource -> {"seen": {id: record}, "start": int, "done": bool}
        if self.path and os.path.exists(self.path):
            self._replay()

    def get(self, resource):
        """(records by id, next startIndex, done) as saved; ({}, 1, False) when none."""
        saved = self.state.get(resource)
        if saved is None:
            return {}, 1, False
        return dict(saved["seen"]), saved["start"], saved["done"]

    def append(self, resource, records, next_start, done=False):
        """Record one page: its records (with "id"), and where the listing goes on."""
        self._remember(resource, records, next_start, done)
        if not self.path:
            return
        line = {"resource": resource, "records": records, "start": next_start, "done": done}
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _remember(self, resource, records, next_start, done):
        saved = self.state.setdefault(resource, {"seen": {}, "start": 1, "done": False})
        saved["seen"].update((r["id"], r) for r in records)
        saved["start"], saved["done"] = next_start, done

    def forget(self, resource):
        """List `resource` afresh in this run (the file keeps its lines until clear())."""
        self.state.pop(resource, None)

    def clear(self):
        self.state = {}
        if self.path and os.path.exists(self.path):
            os.remove(self.path)

    def _replay(self):
        try:
            age = time.time() - os.path.getmtime(self.path)
            with open(self.path, "rb") as f:
                data = f.read()
        except OSError as error:
            log(f"ignoring unreadable checkpoint {self.path}: {error}")
            return
        if age > MAX_AGE_SECONDS:
            log(f"ignoring a checkpoint {age:.0f} s old: it belongs to an earlier sync")
            self.clear()
            return
        good = 0  # bytes of whole, readable lines; what follows is cut off below
        for raw in data.split(b"\n")[:-1]:  # after the last newline: a torn write
            try:
                line = json.loads(raw)
                records = [r for r in line["records"] if isinstance(r, dict) and isinstance(r.get("id"), str)]
                self._remember(line["resource"], records, int(line["start"]), line["done"] is True)
            except (ValueError, KeyError, TypeError) as error:
                log(f"checkpoint: unreadable line ({error}); resuming from the one before")
                break
            good += len(raw) + 1
        if good < len(data):  # new lines must not be glued onto a torn one
            os.truncate(self.path, good)
        log("resuming a killed sync: " + ", ".join(
            f"{name} {'done' if s['done'] else 'from startIndex=' + str(s['start'])}"
            for name, s in self.state.items()))
