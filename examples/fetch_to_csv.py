#!/usr/bin/env python3
"""Fetch records from a JSON web API and write them to a CSV file.

    fetch_to_csv.py URL OUTPUT.csv [--field NAME ...] [--timeout SECONDS]

The API is expected to return either a JSON list of objects or an object with
the list under "results" (or "items", or "data"). Nested values are written
as JSON text. This program is an example input for pybc: it is compiled and
disassembled by the tests, never run.
"""
import argparse
import csv
import json
import sys
import urllib.error
import urllib.request

USER_AGENT = "fetch-to-csv/1.0"
LIST_KEYS = ("results", "items", "data")


def fetch_json(url, timeout=30.0):
    request = urllib.request.Request(url, headers={
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    })
    with urllib.request.urlopen(request, timeout=timeout) as response:
        charset = response.headers.get_content_charset() or "utf-8"
        return json.loads(response.read().decode(charset))


def extract_records(payload):
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in LIST_KEYS:
            value = payload.get(key)
            if isinstance(value, list):
                return value
        return [payload]
    raise ValueError("unexpected JSON document: %r" % type(payload).__name__)


def flatten(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if value is None:
        return ""
    return value


def write_csv(records, path, fields=None):
    if fields is None:
        fields = []
        seen = set()
        for record in records:
            for key in record:
                if key not in seen:
                    seen.add(key)
                    fields.append(key)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({k: flatten(record.get(k)) for k in fields})
    return len(records)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("output")
    parser.add_argument("--field", action="append", dest="fields")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    try:
        payload = fetch_json(args.url, timeout=args.timeout)
    except urllib.error.HTTPError as e:
        print(f"error: HTTP {e.code} {e.reason}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, TimeoutError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    records = [r for r in extract_records(payload) if isinstance(r, dict)]
    count = write_csv(records, args.output, args.fields)
    print(f"wrote {count} rows to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
