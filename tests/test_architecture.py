"""Conventions the code keeps: core modules import no feature; lower features never import
higher ones; only the SMS sender talks to Twilio."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pairs_group"
CORE = {"config", "db", "i18n", "forms", "errors", "times", "security", "templating",
        "navigation", "health", "tokens", "limits", "cli_params",
        "startup"}
# Lowest first: a feature may import only features before it in this list.
LAYERS = ["audit", "geo", "auth", "groups", "parents", "sms", "attendance", "questionnaires",
          "reminders", "account", "privacy", "pages", "reports"]
TOP = {"features", "models", "demo", "__init__", "i18n_cli"}


def imports_of(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def feature_of(module):
    parts = module.split(".")
    return parts[1] if parts[0] == "pairs_group" and len(parts) > 1 else None


def modules():
    for path in PACKAGE.rglob("*.py"):
        yield path, path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_core_modules_import_no_feature():
    for path, owner in modules():
        if owner in CORE:
            used = {feature_of(m) for m in imports_of(path)} & set(LAYERS)
            assert not used, f"{path.name} (core) imports {used}"


def test_lower_features_never_import_higher_ones():
    for path, owner in modules():
        if owner in LAYERS:
            for module in imports_of(path):
                used = feature_of(module)
                if used in LAYERS:
                    assert LAYERS.index(used) <= LAYERS.index(owner), (
                        f"{path.relative_to(PACKAGE)} imports {module}")


def test_only_the_sms_sender_imports_twilio():
    for path, _owner in modules():
        if any(m.split(".")[0] == "twilio" for m in imports_of(path)):
            assert path.parent.name == "sms", f"{path} imports twilio"


def test_every_module_says_what_it_is_for():
    for path, _owner in modules():
        if path.stat().st_size:
            assert ast.get_docstring(ast.parse(path.read_text())), f"{path} has no docstring"
