"""foi/ is the pure domain: it never imports an adapter (shared/STYLE.md)."""

import ast
from pathlib import Path

import pytest

FOI = Path(__file__).resolve().parents[2] / "foi"
FORBIDDEN = {
    "sqlalchemy",
    "alembic",
    "telegram",
    "imapclient",
    "smtplib",
    "imaplib",
    "aiosmtplib",
    "socket",
    "requests",
    "httpx",
    "os",
    "storage",
    "mail",
    "bot",
    "foibot",
    "pydantic_settings",
}


@pytest.mark.parametrize("module", sorted(FOI.rglob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_no_adapter(module):
    tree = ast.parse(module.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN, f"{module.name} imports {sorted(imported & FORBIDDEN)}"
