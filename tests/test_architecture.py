"""Conventions the code keeps: core modules import no feature; lower features never import
higher ones; only the SMS sender talks to Twilio; every module has a place in the layers; a
session key belongs to one feature; only the access matrix asks which pages exist, and no
template names a role; settings
get their defaults and read the environment only in pairs_group/config.py; services flush and
the edge commits, but for the exceptions README › Layout names."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pairs_group"
CORE = {"config", "db", "i18n", "forms", "errors", "times", "security", "templating",
        "navigation", "health", "tokens", "limits", "cli_params",
        "startup", "serving", "access", "backup", "delivery", "form_messages", "proxies",
        "run_due", "kept"}
# Lowest first: a feature may import only features before it in this list.
LAYERS = ["audit", "geo", "auth", "groups", "staff", "parents", "sms", "attendance",
          "questionnaires", "reminders", "referrals", "account", "privacy", "pages", "reports"]
TOP = {"features", "models", "demo", "__init__", "i18n_cli", "demo_register", "demo_scale",
       "demo_evaluation"}


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


def session_keys(path):
    """The string keys this module reads or writes in Flask's session (session["k"],
    session.get("k"), ...; a module-level NAME = "k" constant counts as "k")."""
    tree = ast.parse(path.read_text())
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}

    def key(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return constants.get(node.id) if isinstance(node, ast.Name) else None

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "session":
            found = key(node.slice)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and getattr(node.func.value, "id", None) == "session" and node.args):
            found = key(node.args[0])
        else:
            continue
        if found:
            yield found


def test_no_feature_reads_another_features_session_keys():
    owners = {}
    for path, owner in modules():
        for key in session_keys(path):
            owners.setdefault(key, set()).add(owner)
    shared = {key: sorted(who) for key, who in owners.items() if len(who) > 1}
    assert not shared, f"session keys used by more than one feature: {shared}"


def test_only_the_access_matrix_reads_view_functions():
    for path, _owner in modules():
        if path.name != "access.py":
            assert "view_functions" not in path.read_text(), (
                f"{path.relative_to(PACKAGE)} asks which pages exist: use url_for, or access.py")


def test_templates_name_no_role():
    """Who may open a page is declared once, in the access matrix: a template shows a link with
    may_open(endpoint), never by comparing someone's role with a role's name."""
    import re

    from pairs_group.access import Role

    names = "|".join(role.value for role in Role)
    compared = re.compile(rf"""\.role\s*(==|!=|in)|["']({names})["']""")
    for path in (PACKAGE.parent / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not compared.search(line), f"{path.name}:{number} names a role: {line.strip()}"


def test_every_root_module_has_a_place():
    placed = CORE | set(LAYERS) | TOP
    unplaced = {owner for _path, owner in modules()} - placed
    assert not unplaced, f"put these in CORE, LAYERS or TOP: {sorted(unplaced)}"


# --- settings: every default in pairs_group/config.py, features only read them ---

# The one module that gives settings their defaults and reads the environment (PORT, for the
# development server's address, is read there too: config.development_address).
CONFIG_MODULE = PACKAGE / "config.py"
# A setting read with a fall-back that is not a setting's default, each for a reason:
DELIBERATE_FALLBACKS = {
    # Flask's own SERVER_NAME (None unless the app is served under one fixed name): the
    # calendar's event ids need some domain, and this one names no setting.
    ("account/calendar.py", "SERVER_NAME"),
}


def is_config(node):
    """`app.config`, `current_app.config` or a local `config` naming the app's settings."""
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id == "config")


def setting_read(node):
    """The name in `config["X"]`, else None."""
    if isinstance(node, ast.Subscript) and is_config(node.value) and isinstance(
            node.slice, ast.Constant):
        return node.slice.value
    return None


def settings_faults(path, root=PACKAGE):
    """Each place a module gives a setting a default or reads the environment itself."""
    where = str(path.relative_to(root))
    for node in ast.walk(ast.parse(path.read_text())):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_config(
                node.func.value) and node.func.attr in ("setdefault", "get"):
            yield f"{line} config.{node.func.attr}(...): read config[\"X\"], default in config.py"
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and isinstance(
                node.value, ast.Name) and node.value.id == "os":
            yield f"{line} os.{node.attr}: settings come from pairs_group/config.py"
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            name = setting_read(node.values[0])
            fallback = node.values[-1]
            if name and not (isinstance(fallback, ast.Constant) and fallback.value is None) \
                    and (where, name) not in DELIBERATE_FALLBACKS:
                yield f"{line} config[{name!r}] or ...: the default belongs in config.py"


def test_settings_get_their_defaults_only_in_the_config_module():
    faults = [fault for path, _owner in modules() if path != CONFIG_MODULE
              for fault in settings_faults(path)]
    assert not faults, "\n".join(faults)


def test_the_settings_guard_sees_what_it_forbids(tmp_path):
    module = tmp_path / "feature.py"
    module.write_text('import os\n\ndef init_app(app):\n    app.config.setdefault("X", 1)\n'
                      '    return os.environ["Y"], current_app.config.get("Z", 2), '
                      'config["W"] or 3\n')
    found = list(settings_faults(module, tmp_path))
    assert len(found) == 4, found


# --- transactions: services flush; views and commands commit (README › Layout) ---

# The modules, besides views and commands, that commit on purpose: each is named in README ›
# Layout with its reason (the outbox's claim-then-send, answers learnt one by one, the
# providers' webhooks, read-audits, and the demo builders behind `flask demo` and the bench).
COMMITTING = {"sms/dispatch.py", "sms/resolve.py", "sms/webhooks.py", "audit/service.py",
              "demo.py", "demo_scale.py", "demo_register.py", "demo_evaluation.py",
              "parents/demo.py", "questionnaires/demo.py", "referrals/demo.py"}


def method_calls(path, name):
    """The lines where this module calls something's `name` method."""
    return [node.lineno for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == name]


def test_only_views_commands_and_the_named_exceptions_commit():
    for path, _owner in modules():
        where = str(path.relative_to(PACKAGE))
        if path.name.endswith("views.py") or path.name == "cli.py" or where in COMMITTING:
            continue
        assert not method_calls(path, "commit"), (
            f"{where}:{method_calls(path, 'commit')} commits: flush, and let its caller commit")


def test_savepoints_are_opened_only_through_db_savepoint():
    for path, _owner in modules():
        if path != PACKAGE / "db.py":
            assert not method_calls(path, "begin_nested"), (
                f"{path.relative_to(PACKAGE)} opens a savepoint itself: use db.savepoint(), "
                "or on SQLite releasing it may commit the caller's work")
