#!/usr/bin/env python3
"""Prints, as a JSON array, every faultline command line in a CI template.

Usage: ci_commands.py FILE. Exit 1 when FILE is not YAML. Each command is
the list of words after "build/faultline", up to the end of its shell
command (a newline, ";", "&&" or "||"). YAML folding is applied first, so a
command spread over a folded block reads as one line.
"""
import json
import re
import sys

import yaml


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def main():
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            documents = list(yaml.safe_load_all(f))
    except yaml.YAMLError as e:
        print(f"{sys.argv[1]}: not YAML: {e}", file=sys.stderr)
        return 1
    commands = []
    for document in documents:
        for text in strings(document):
            for match in re.finditer(r"build/faultline\s+([^\n;&|]*)", text):
                commands.append(match.group(1).split())
    print(json.dumps(commands))
    return 0


if __name__ == "__main__":
    sys.exit(main())
