"""The folder rules (shared/DESIGN.md), as a test: each folder imports only the folders beneath it.

    foi      imports nothing of ours
    storage  -> foi
    mail     -> foi, storage (the watcher only)
    service  -> foi, storage, mail
    bot      -> service, foi, storage (reads), mail (parsing and addresses for screens)
    mailchannel -> the same as bot: the email channel is a front end too
    web      -> the same as bot: the dashboard is a front end too
    demo     -> foi, mail: local stand-ins (Bot API, SMTP, IMAP, an authority) for `foibot demo` and the tests
    foibot   -> everything; nothing imports foibot

So no folder cycle: a use case lives in service/, and every front end (the
chat, the CLI, later the web) reaches it the same way.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"foi", "storage", "mail", "service", "bot", "mailchannel", "web", "demo", "foibot"}
ALLOWED = {
    "foi": set(),
    "storage": {"foi"},
    "mail": {"foi"},
    "service": {"foi", "storage", "mail"},
    "bot": {"service", "foi", "storage", "mail"},
    "mailchannel": {"service", "foi", "storage", "mail"},
    "web": {"service", "foi", "storage", "mail"},
    "demo": {"foi", "mail"},
    "foibot": OURS - {"foibot"},
}
MAIL_MAY_USE_STORAGE = {"watcher.py"}  # it keeps the raw bytes and the cursor, before anything else


def imports_of(module: Path) -> set[str]:
    """Every top-level package of ours the module imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


MODULES = sorted(p for folder in ALLOWED for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_folder_imports_only_the_folders_beneath_it(module):
    folder = module.relative_to(ROOT).parts[0]
    allowed = ALLOWED[folder] | {folder}
    if folder == "mail" and module.name in MAIL_MAY_USE_STORAGE:
        allowed = allowed | {"storage"}
    wrong = imports_of(module) - allowed
    assert not wrong, f"{module.relative_to(ROOT)} imports {sorted(wrong)}: see tests/unit/test_layers.py"


def test_the_rules_see_every_folder_and_forbid_a_cycle():
    assert {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} >= OURS
    for lower, uses in ALLOWED.items():
        for upper in uses:
            assert lower not in ALLOWED[upper], f"{lower} and {upper} may import each other"
