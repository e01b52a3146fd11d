#!/usr/bin/env python3
"""Checks JSON documents against a JSON Schema, for the report schema tests.

    validate_json.py SCHEMA FILE...

Prints one line per problem, "FILE:/json/pointer: message", and exits 0 when
every file is valid, 1 when any is not, 2 when the schema itself is broken or
a file is not JSON. Needs the jsonschema module (Debian: python3-jsonschema,
4.10 or later for draft 2020-12).
"""
import json
import sys

import jsonschema


def pointer(path):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        print(f"{argv[1]}: expected a draft 2020-12 schema", file=sys.stderr)
        return 2
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(document), key=lambda e: pointer(e.absolute_path))
        for error in errors:
            print(f"{path}:{pointer(error.absolute_path)}: {error.message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
