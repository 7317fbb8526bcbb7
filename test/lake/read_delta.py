"""Reads every version of Delta tables with delta-rs (the `deltalake` package) and prints their rows as JSON.

Usage: python read_delta.py <table_dir>...   -> {"<table_dir>": {"versions": {v: rows}, "operations": [...]}}
Values are normalised like the test's DuckDB side: null, lists of values, booleans as true/false, else str().
"""
import json
import os
import sys

from deltalake import DeltaTable


def norm(value):
    if value is None:
        return None
    if isinstance(value, list):
        return [norm(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


out = {}
for location in sys.argv[1:]:
    latest = DeltaTable(location)
    versions = {}
    for version in range(latest.version() + 1):
        table = DeltaTable(location, version=version).to_pyarrow_table()
        rows = [{k: norm(v) for k, v in row.items()} for row in table.to_pylist()]
        versions[version] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))
    operations = [h.get("operation") for h in sorted(latest.history(), key=lambda h: h["version"])]
    out[location] = {"versions": versions, "operations": operations}
print(json.dumps(out))
sys.stdout.flush()
# Skip the interpreter's shutdown: delta-rs' native threads can abort it ("terminate called without an active
# exception") after everything above was read and printed.
os._exit(0)
