#!/usr/bin/env python3
"""Check Byline's generated feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) with validators nobody here wrote.

Usage:
    python3 .ci/validate_feeds.py [--jsonfeed-schema PATH] [--min-entries N] FILE...
    python3 .ci/validate_feeds.py --self-test

Prints one line per file, `ok FILE (checks: ...)` or `FAIL FILE: reasons`, and exits 1 if any
file failed (2 if a required validator is not installed: a missing validator never passes).

Packages (install into a virtualenv from .ci/run; nothing here is fetched at run time):

    python3 -m venv target/ci-venv
    target/ci-venv/bin/pip install --quiet \
        feedparser==6.0.14 feedparser-sgmllib==2.1.0 \
        jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 \
        rpds-py==2026.9.1 attrs==26.1.0 typing_extensions==4.16.0 \
        rfc3339-validator==0.1.4 six==1.17.0 rfc3986-validator==0.1.1
    npm install --prefix target/ci-npm --no-save --no-audit --no-fund --ignore-scripts \
        jsonfeed-schema@0.5.0
    target/ci-venv/bin/python .ci/validate_feeds.py --self-test
    target/ci-venv/bin/python .ci/validate_feeds.py path/to/feed.rss.xml path/to/feed.atom.xml ...

What runs, per kind (third-party validators first; "own" checks are this script's few lines):
  * RSS 2.0 and Atom 1.0: feedparser (PyPI) with its strict XML parser: `bozo` must be false
    (well-formed XML, declared encoding right) and `version` must be rss20 / atom10 (Atom needs
    the http://www.w3.org/2005/Atom namespace). Atom dates are checked as RFC 3339 by
    rfc3339-validator (PyPI); RSS dates as RFC 822 by Python's email.utils. Own: the elements
    the specs require (RSS channel title/link/description; Atom feed id/title/updated/author,
    RFC 4287 section 4.1) and, per entry, title, link, id/guid, published date and content,
    with unique ids. An empty feed is valid unless --min-entries says otherwise.
  * JSON Feed 1.1: strict JSON (no duplicate keys, no NaN), then the JSON Schema of JSON Feed 1.1
    from the npm package jsonfeed-schema 0.5.0 (schema-v1.1.json, sha256 pinned below), run by
    jsonschema (PyPI) with format checking (date-time via rfc3339-validator, uri via
    rfc3986-validator). Own: version is exactly https://jsonfeed.org/version/1.1, and each item has
    id, url, title, date_published and content_html/content_text, with unique ids.

Not available to CI here (looked up on PyPI, npm and Debian bookworm): the W3C Feed Validation
Service is not packaged on PyPI or npm (the npm package `feed-validator` only posts to
validator.w3.org, which CI cannot reach; the Debian package python-feedvalidator was Python 2 and
ended with buster); feedparser 6.0.x has no JSON Feed support; no package found ships RFC 4287's
RELAX NG schema for `xmllint --relaxng`.
"""

import argparse
import email.utils
import hashlib
import json
import os
import re
import sys
import tempfile
from importlib import metadata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SCHEMA = os.path.join(
    ROOT, "target", "ci-npm", "node_modules", "jsonfeed-schema", "schema-v1.1.json"
)
# sha256 of schema-v1.1.json in jsonfeed-schema@0.5.0 (npm tarball shasum bb6a5ece4c2c...).
SCHEMA_SHA256 = "f50384a84eae33988efb7865db4eaf98ba0a67b8c8e7eac6d32bb701b3cd125a"
JSONFEED_11 = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"


class MissingValidator(Exception):
    """A validator this script relies on is not installed: never treated as a pass."""


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _require(module):
    try:
        return __import__(module)
    except ImportError as e:
        raise MissingValidator(
            f"python module {module!r} is not installed ({e}); see the install commands at the "
            "top of .ci/validate_feeds.py"
        ) from None


# --- Kind of a file ---------------------------------------------------------------------------

_PROLOG = re.compile(
    r"\A(?:\ufeff)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([^\s/>]+)([^>]*)>",
    re.DOTALL,
)


def kind_by_extension(path):
    name = os.path.basename(path).lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".rss.xml", ".rss")):
        return "rss"
    if name.endswith((".atom.xml", ".atom")):
        return "atom"
    return None


def kind_by_content(data):
    text = data[:4096].decode("utf-8", errors="replace")
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "json"
    m = _PROLOG.match(text)
    if not m:
        return None
    root = m.group(1).split(":")[-1]
    if root == "rss":
        return "rss"
    if root == "feed":
        return "atom"
    return None


# --- RSS and Atom -----------------------------------------------------------------------------


def check_xml_feed(kind, data, min_entries):
    feedparser = _require("feedparser")
    rfc3339_validator = _require("rfc3339_validator")
    errors = []
    checks = [f"feedparser {_version('feedparser')} strict"]

    d = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        where = ""
        if hasattr(exc, "getLineNumber"):
            where = f" at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
        errors.append(f"feedparser: ill-formed feed{where}: {type(exc).__name__}: {exc}")
    want = {"rss": "rss20", "atom": "atom10"}[kind]
    got = d.get("version") or "(unknown)"
    if got != want:
        errors.append(f"feedparser: version is {got}, expected {want}")

    feed = d.get("feed", {})
    entries = d.get("entries", [])

    if kind == "rss":
        checks.append("RFC 822 dates (email.utils)")

        def date_ok(raw):
            try:
                return email.utils.parsedate_to_datetime(raw) is not None
            except (TypeError, ValueError, IndexError):
                return False

        for field, label in (("title", "title"), ("link", "link"), ("subtitle", "description")):
            if not feed.get(field):
                errors.append(f"channel has no {label}")
        for field, label in (("updated", "lastBuildDate"), ("published", "pubDate")):
            if feed.get(field) and not date_ok(feed[field]):
                errors.append(f"channel {label} {feed[field]!r} is not an RFC 822 date")
    else:
        checks.append(f"RFC 3339 dates (rfc3339-validator {_version('rfc3339-validator')})")

        def date_ok(raw):
            return bool(rfc3339_validator.validate_rfc3339(raw.strip().upper()))

        for field in ("id", "title", "updated"):
            if not feed.get(field):
                errors.append(f"feed has no {field}")
        if feed.get("updated") and not date_ok(feed["updated"]):
            errors.append(f"feed updated {feed['updated']!r} is not an RFC 3339 date")
        if not feed.get("authors") and not all(e.get("authors") for e in entries):
            errors.append("feed has no author and not every entry has one (RFC 4287 4.1.1)")

    checks.append("required elements (own)")
    if len(entries) < min_entries:
        errors.append(f"feed has {len(entries)} entries, fewer than --min-entries {min_entries}")
    seen = set()
    for n, e in enumerate(entries, 1):
        label = f"entry {n}"
        missing = []
        if not e.get("title"):
            missing.append("title")
        # feedparser copies a permalink guid into `link`; a real alternate link is wanted.
        if not any(
            link.get("href") and link.get("rel", "alternate") == "alternate"
            for link in e.get("links") or []
        ):
            missing.append("link")
        if not e.get("id"):
            missing.append("guid" if kind == "rss" else "id")
        if not e.get("published"):
            missing.append("pubDate" if kind == "rss" else "published")
        if kind == "atom" and not e.get("updated"):
            missing.append("updated")
        has_content = bool(e.get("content")) or (kind == "rss" and bool(e.get("summary")))
        if not has_content:
            missing.append("description or content:encoded" if kind == "rss" else "content")
        if missing:
            errors.append(f"{label} has no {', '.join(missing)}")
        # feedparser also copies an RSS pubDate into `updated`.
        for field in ("published",) if kind == "rss" else ("published", "updated"):
            raw = e.get(field)
            if raw and not date_ok(raw):
                fmt = "RFC 822" if kind == "rss" else "RFC 3339"
                errors.append(f"{label} {field} {raw!r} is not an {fmt} date")
        if e.get("id"):
            if e["id"] in seen:
                errors.append(f"{label} repeats id {e['id']!r}")
            seen.add(e["id"])
    return errors, checks, len(entries)


# --- JSON Feed --------------------------------------------------------------------------------


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _bad_constant(name):
    raise ValueError(f"{name} is not JSON")


def load_schema(path):
    if not os.path.isfile(path):
        raise MissingValidator(
            f"JSON Feed 1.1 schema not found at {path}; install it with `npm install --prefix "
            "target/ci-npm --no-save --ignore-scripts jsonfeed-schema@0.5.0` or pass "
            "--jsonfeed-schema"
        )
    raw = open(path, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SCHEMA_SHA256:
        raise MissingValidator(
            f"{path} is not schema-v1.1.json of jsonfeed-schema@0.5.0 (sha256 {digest})"
        )
    return json.loads(raw)


def check_json_feed(data, schema, min_entries):
    jsonschema = _require("jsonschema")
    errors = []
    checks = ["strict JSON"]
    try:
        doc = json.loads(
            data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_bad_constant
        )
    except (UnicodeDecodeError, ValueError) as e:
        return [f"not valid JSON: {e}"], checks, 0

    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    checker = validator_cls.FORMAT_CHECKER
    for fmt, dist in (("date-time", "rfc3339-validator"), ("uri", "rfc3986-validator")):
        if fmt not in checker.checkers:
            raise MissingValidator(f"jsonschema cannot check format {fmt!r}: install {dist}")
    validator = validator_cls(schema, format_checker=checker)
    checks.append(
        f"JSON Schema jsonfeed-schema@0.5.0 v1.1 (jsonschema {_version('jsonschema')}, formats)"
    )
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p!r}]" for p in err.absolute_path) or "(top level)"
        errors.append(f"schema: {where}: {err.message}")

    checks.append("JSON Feed 1.1 fields (own)")
    if not isinstance(doc, dict):
        return errors or ["top level is not an object"], checks, 0
    if doc.get("version") != JSONFEED_11:
        errors.append(f"version is {doc.get('version')!r}, expected {JSONFEED_11!r}")
    items = doc.get("items")
    if isinstance(items, list):
        if len(items) < min_entries:
            errors.append(f"feed has {len(items)} items, fewer than --min-entries {min_entries}")
        seen = set()
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            missing = [f for f in ("id", "url", "title", "date_published") if not item.get(f)]
            if not (item.get("content_html") or item.get("content_text")):
                missing.append("content_html or content_text")
            if missing:
                errors.append(f"item {n} has no {', '.join(missing)}")
            if item.get("id") is not None:
                if item["id"] in seen:
                    errors.append(f"item {n} repeats id {item['id']!r}")
                seen.add(item["id"])
    return errors, checks, len(items) if isinstance(items, list) else 0


# --- Driver -----------------------------------------------------------------------------------


def validate(path, schema_path, min_entries=0):
    """Returns (ok, line)."""
    try:
        data = open(path, "rb").read()
    except OSError as e:
        return False, f"FAIL {path}: cannot read: {e}"
    by_ext, by_content = kind_by_extension(path), kind_by_content(data)
    kind = by_content or by_ext
    if kind is None:
        return False, (
            f"FAIL {path}: cannot tell the kind (want root <rss>, root <feed> in the Atom "
            "namespace, a JSON object, or a .rss.xml/.atom.xml/.json name)"
        )
    if by_ext and by_content and by_ext != by_content:
        return False, f"FAIL {path}: name says {by_ext} but the content is {by_content}"
    if kind == "json":
        errors, checks, count = check_json_feed(data, load_schema(schema_path), min_entries)
    else:
        errors, checks, count = check_xml_feed(kind, data, min_entries)
    label = {"rss": "RSS 2.0", "atom": "Atom 1.0", "json": "JSON Feed 1.1"}[kind]
    if errors:
        return False, f"FAIL {path}: {label}: " + "; ".join(errors)
    return True, f"ok {path} ({label}, {count} entries; checks: {', '.join(checks)})"


GOOD_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Byline demo</title>
    <link>https://example.org/</link>
    <description>Posts from the demo publication</description>
    <atom:link href="https://example.org/feed.rss.xml" rel="self" type="application/rss+xml"/>
    <item>
      <title>Hello</title>
      <link>https://example.org/posts/hello</link>
      <guid isPermaLink="true">https://example.org/posts/hello</guid>
      <pubDate>Tue, 02 Jan 2024 03:04:05 +0000</pubDate>
      <description>&lt;p&gt;First post&lt;/p&gt;</description>
    </item>
  </channel>
</rss>
"""

GOOD_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://example.org/</id>
  <title>Byline demo</title>
  <updated>2024-01-02T03:04:05Z</updated>
  <author><name>Ada</name></author>
  <link rel="self" href="https://example.org/feed.atom.xml"/>
  <link rel="alternate" href="https://example.org/"/>
  <entry>
    <id>https://example.org/posts/hello</id>
    <title>Hello</title>
    <link rel="alternate" href="https://example.org/posts/hello"/>
    <published>2024-01-02T03:04:05Z</published>
    <updated>2024-01-02T03:04:05Z</updated>
    <content type="html">&lt;p&gt;First post&lt;/p&gt;</content>
  </entry>
</feed>
"""

GOOD_JSON = {
    "version": JSONFEED_11,
    "title": "Byline demo",
    "home_page_url": "https://example.org/",
    "feed_url": "https://example.org/feed.json",
    "authors": [{"name": "Ada"}],
    "items": [
        {
            "id": "https://example.org/posts/hello",
            "url": "https://example.org/posts/hello",
            "title": "Hello",
            "content_html": "<p>First post</p>",
            "date_published": "2024-01-02T03:04:05Z",
        }
    ],
}


def _json(**changes):
    doc = json.loads(json.dumps(GOOD_JSON))
    item_changes = changes.pop("item", {})
    doc.update(changes)
    for k, v in item_changes.items():
        if v is None:
            doc["items"][0].pop(k, None)
        else:
            doc["items"][0][k] = v
    return json.dumps(doc, indent=2)


def self_test(schema_path):
    cases = [
        ("good.rss.xml", GOOD_RSS, True),
        ("good.atom.xml", GOOD_ATOM, True),
        ("good.json", json.dumps(GOOD_JSON, indent=2), True),
        # RSS: not well-formed (raw &), ISO date instead of RFC 822, no guid, no version.
        ("bad-xml.rss.xml", GOOD_RSS.replace("Byline demo", "Byline & demo"), False),
        ("bad-date.rss.xml", GOOD_RSS.replace("Tue, 02 Jan 2024 03:04:05 +0000", "2024-01-02"), False),
        ("no-guid.rss.xml", re.sub(r"\s*<guid.*?</guid>", "", GOOD_RSS), False),
        ("no-version.rss.xml", GOOD_RSS.replace(' version="2.0"', ""), False),
        # Atom: wrong namespace, entry without id, RFC 822 date.
        ("bad-ns.atom.xml", GOOD_ATOM.replace(ATOM_NS, "http://purl.org/atom/ns#"), False),
        ("no-id.atom.xml", re.sub(r"\s*<id>[^<]*</id>(?=\s*<title>Hello)", "", GOOD_ATOM), False),
        ("bad-date.atom.xml", GOOD_ATOM.replace("<published>2024-01-02T03:04:05Z", "<published>Tue, 02 Jan 2024 03:04:05 +0000"), False),
        # JSON Feed: trailing comma, item without id, bad date-time, version 1, unknown key.
        ("bad-syntax.json", json.dumps(GOOD_JSON).replace("]}", "],}"), False),
        ("no-id.json", _json(item={"id": None}), False),
        ("bad-date.json", _json(item={"date_published": "2 Jan 2024"}), False),
        ("version-1.json", _json(version="https://jsonfeed.org/version/1"), False),
        ("unknown-key.json", _json(item={"contents": "x"}), False),
    ]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="byline-feeds-") as tmp:
        for name, text, should_pass in cases:
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            ok, line = validate(path, schema_path, min_entries=1)
            line = line.replace(tmp + os.sep, "")
            expected = "expected ok" if should_pass else "expected FAIL"
            verdict = "as expected" if ok == should_pass else "WRONG"
            if ok != should_pass:
                failures += 1
            print(f"[{verdict}, {expected}] {line}")
    total = len(cases)
    if failures:
        print(f"self-test: {failures} of {total} cases wrong", file=sys.stderr)
        return 1
    print(f"self-test: all {total} cases as expected (3 good pass, {total - 3} broken fail)")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", metavar="FILE")
    ap.add_argument("--self-test", action="store_true", help="show good feeds pass and broken fail")
    ap.add_argument(
        "--jsonfeed-schema",
        default=os.environ.get("BYLINE_JSONFEED_SCHEMA", DEFAULT_SCHEMA),
        help="schema-v1.1.json of the npm package jsonfeed-schema@0.5.0 (default: %(default)s)",
    )
    ap.add_argument(
        "--min-entries",
        type=int,
        default=0,
        metavar="N",
        help="fail a feed with fewer than N entries (default 0: an empty feed is valid)",
    )
    args = ap.parse_args(argv)
    try:
        if args.self_test:
            return self_test(args.jsonfeed_schema)
        if not args.files:
            ap.error("no FILE given")
        failed = 0
        for path in args.files:
            ok, line = validate(path, args.jsonfeed_schema, args.min_entries)
            print(line, flush=True)
            failed += not ok
        if failed:
            print(f"{failed} of {len(args.files)} feeds failed", file=sys.stderr)
        return 1 if failed else 0
    except MissingValidator as e:
        print(f"validator missing: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
