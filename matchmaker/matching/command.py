"""`python -m matchmaker eligibility --as-of YYYY-MM-DD PRODUCTS.json ENTERPRISES.json`.

Prints one JSON object per line for every enterprise need × offer (docs/formats.md,
"eligibility"): an enterprise with needs gives one line per need and offer; one without needs
gives one line per offer with "need": null (judged on qualifications only). Products come
first, then policies, each in file order. Bad input: a message on stderr and exit status 2.

Both files may be the matching formats or the platform's own export (`matchmaker.registry/1`:
`export products|policies FILE.json` and `export enterprises FILE.json`, with `--needs` naming
an `export needs` file); see matchmaker/matching/registry_format.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from matchmaker.matching.compiled import compile_offers
from matchmaker.matching.criteria import CriteriaError
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.formats import FormatError, catalogue_from_json, enterprises_from_json
from matchmaker.matching.registry_format import catalogue_from_registry, enterprises_from_registry, is_registry_document


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD, 而不是 {text!r}") from None


def register(subparsers: Any) -> None:
    """Add the `eligibility` sub-command to the CLI's parser."""
    parser = subparsers.add_parser(
        "eligibility", help="judge enterprises against products (JSON lines)",
        description="Judge every enterprise (and each of its needs) against every product and policy; "
                    "print one JSON object per line. Formats: docs/formats.md.")
    parser.add_argument("--as-of", required=True, type=_as_of, metavar="YYYY-MM-DD",
                        help="date on which ages, certificate validity etc. are judged")
    parser.add_argument("products", type=Path, metavar="PRODUCTS.json")
    parser.add_argument("enterprises", type=Path, metavar="ENTERPRISES.json")
    parser.add_argument("--needs", type=Path, metavar="NEEDS.json",
                        help="the needs of a matchmaker.registry/1 enterprises file (python -m matchmaker export needs)")
    parser.set_defaults(handler=run)


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FormatError(str(path), f"无法读取文件 ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise FormatError(str(path), "文件应为 UTF-8 编码") from None
    except json.JSONDecodeError as error:
        raise FormatError(str(path), f"不是有效的 JSON (第 {error.lineno} 行第 {error.colno} 列: {error.msg})") from None


def run(args: argparse.Namespace) -> int:
    """Evaluate and print; returns 0, or 2 with a message on stderr when the input is bad."""
    try:
        raw_products, raw_enterprises = _load(args.products), _load(args.enterprises)
        catalogue = (catalogue_from_registry(raw_products, str(args.products), as_of=args.as_of)
                     if is_registry_document(raw_products) else catalogue_from_json(raw_products, str(args.products)))
        if is_registry_document(raw_enterprises):
            needs = _load(args.needs) if args.needs is not None else None
            enterprises = enterprises_from_registry(raw_enterprises, str(args.enterprises), needs, str(args.needs))
        elif args.needs is not None:
            raise FormatError(str(args.needs), "--needs 只用于 matchmaker.registry/1 格式的企业文件 "
                                               "(matching 格式的企业文件把需求写在 needs 键中)")
        else:
            enterprises = enterprises_from_json(raw_enterprises, str(args.enterprises))
        offers = compile_offers([*catalogue.products, *catalogue.policies], catalogue.fields,
                                catalogue.platform_rules)
    except FormatError as error:
        print(f"eligibility: {error}", file=sys.stderr)
        return 2
    except CriteriaError as error:
        problems = "\n".join(f"  {key}: {message}" for key, message in error.problems.items())
        print(f"eligibility: {args.products}: 条件无法评估:\n{problems}", file=sys.stderr)
        return 2
    out = sys.stdout
    for enterprise, needs in enterprises:
        for need in needs or (None,):
            subject = Subject(enterprise, need, args.as_of)
            for offer in offers:
                out.write(json.dumps(explain(subject, offer).as_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0
