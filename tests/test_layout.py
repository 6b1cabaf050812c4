"""The layout of DESIGN §2, checked: domains as folders, pure packages pure, views thin."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "matchmaker"
DOMAINS = {"accounts", "registry", "matching", "events", "scheduling", "eventday", "outcomes", "reports", "mailing"}
SHARED_PLUMBING = {"__init__.py", "audit.py", "clock.py", "listing.py", "tenancy.py",
                   "jobs.py", "job_runner.py"}  # background jobs of every domain (imports, reports)
PURE = ("matchmaker.matching", "matchmaker.solver", "matchmaker.stats")
#: Tortoise query methods a view must leave to its service.
QUERY_METHODS = {"filter", "get", "get_or_none", "all", "exclude", "create", "get_or_create", "update_or_create",
                 "bulk_create", "select_for_update", "exists", "prefetch_related", "fetch_related", "first"}


def _imported_package_modules(module: str) -> list[str]:
    code = f"import sys, json; import {module}; print(json.dumps(sorted(m for m in sys.modules if m.startswith('matchmaker'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_the_pure_packages_import_nothing_else_from_the_package():
    for module in PURE:
        if not (PACKAGE / module.split(".")[1]).is_dir():
            continue
        imported = _imported_package_modules(module)
        strays = [m for m in imported if m != "matchmaker" and not m.startswith(module)]
        assert strays == [], f"{module} pulls in {strays}"


def test_services_and_views_live_in_domain_folders():
    for layer in (PACKAGE / "services", PACKAGE / "web" / "views"):
        loose = sorted(p.name for p in layer.glob("*.py") if p.name not in SHARED_PLUMBING)
        folders = sorted(p.name for p in layer.iterdir() if p.is_dir() and p.name != "__pycache__")
        assert loose == [], f"{layer} has modules outside a domain: {loose}"
        assert set(folders) <= DOMAINS, f"{layer} has folders that are not domains: {set(folders) - DOMAINS}"
    view_domains = {p.name for p in (PACKAGE / "web" / "views").iterdir() if p.is_dir() and p.name != "__pycache__"}
    service_domains = {p.name for p in (PACKAGE / "services").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert view_domains <= service_domains


def _view_modules() -> list[pathlib.Path]:
    return sorted([*(PACKAGE / "web" / "views").rglob("*.py"), PACKAGE / "web" / "auth.py", PACKAGE / "web" / "api.py"])


def test_no_view_imports_tortoise_or_queries_a_model():
    import matchmaker.models as models

    model_names = {name for name in dir(models) if isinstance(getattr(models, name), type)
                   and hasattr(getattr(models, name), "_meta")}
    offences = []
    for path in _view_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                offences += [f"{path.name}: imports {n}" for n in names if n.split(".")[0] == "tortoise"]
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in model_names
                    and node.func.attr in QUERY_METHODS):
                offences.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.func.value.id}.{node.func.attr}()")
    assert offences == []


def test_mail_composition_does_not_import_services():
    offences = []
    for path in (PACKAGE / "mail").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("matchmaker.services"):
                offences.append(f"{path.name}: {node.module}")
    assert offences == []
