"""The plugin contract check a vendor runs in their tests (``gongzhi.testing``).

``check_plugin_contract(app, "survey")`` returns a list of problems (empty: all good):

* metadata: the plugin loaded; id, version and labels (zh_Hans and en) are valid;
* API range: compatible with this platform and bounded above (``<2``);
* migrations: its Alembic branch upgrades to its head and downgrades to its base on a
  scratch database (a temporary SQLite file unless ``database_url`` names another empty
  database), and again up, so the downgrade is complete;
* tables: every table its migrations create and its models map is named ``<id>_…``, every
  mapped table exists after the upgrade, and each column has the model's type (on
  PostgreSQL, where ids are 64-bit: a migration writing ``sa.Integer()`` for an id the
  model declares ``ID_TYPE`` is reported; the fixture checks there when the suite runs on
  PostgreSQL);
* templates: every template file of its blueprints lies under ``<id>/``;
* forms: every form class it defines derives from ``BaseForm`` (text cleaned, numbers and
  dates read by the platform's parsers);
* disabled: in a community that has not switched it on, every route answers 404 and none
  of its per-community hooks is called while people use the community.

The check uses ``app``'s database for the last part (a scratch community and user are
added), so call it from a test using the ``app`` fixture of ``gongzhi.testing``. It never
raises: a part that cannot run (a route it cannot build a URL for, a migration that
crashes, a bug of its own) is one more problem in the list, with the exception's type and
message.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, BaseConverter, ValidationError

from core.plugins.host import ACTIVE, PluginHost, api_incompatibility
from core.services.i18n import LANGUAGES

PLUGIN_ID = re.compile(r"^[a-z][a-z0-9]{1,31}$")
LOCALES = tuple(LANGUAGES)
# Hooks that are declarations, called at start-up or for the settings page whatever a
# community has switched on; all others must stay silent for a community that has not.
DECLARATION_HOOKS = frozenset(
    {"register_blueprints", "settings_schema", "permissions", "roles", "cli_commands"}
)


def check_plugin_contract(app: Flask, plugin_id: str, database_url: str | None = None) -> list[str]:
    """Every way ``plugin_id`` breaks the plugin contract, as readable sentences."""
    host: PluginHost = app.extensions["gongzhi.plugins"]
    record = host.get(plugin_id)
    if record is None:
        return [f"{plugin_id}: not installed or not loaded (check the gongzhi.plugins entry point)"]
    if record.status != ACTIVE:
        return [f"{plugin_id}: {record.status}: {record.error}"]
    parts: list[tuple[str, Callable[[], list[str]]]] = [
        ("metadata", lambda: _metadata_problems(host, plugin_id, record.meta)),
        ("templates", lambda: _template_problems(app, plugin_id)),
        ("forms", lambda: _form_problems(record.module)),
        ("migrations", lambda: _migration_problems(app, plugin_id, record.module, database_url)),
        ("disabled", lambda: _disabled_problems(app, plugin_id)),
    ]
    problems: list[str] = []
    for part, check in parts:
        try:
            problems += check()
        except Exception as exc:  # a finding, never a crash of the vendor's test run
            problems.append(f"{part}: the check could not run: {_described(exc)}")
    return problems


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# ----- metadata ------------------------------------------------------------------------
def _labels_problem(where: str, labels: Any) -> str | None:
    if not isinstance(labels, dict) or any(not labels.get(loc) for loc in LOCALES):
        return f"{where}: needs labels for both zh_Hans and en, got {labels!r}"
    return None


def _metadata_problems(host: PluginHost, plugin_id: str, meta) -> list[str]:
    problems = []
    if not PLUGIN_ID.match(plugin_id):
        problems.append(
            f"id {plugin_id!r}: use 2-32 lowercase letters and digits, starting with a letter "
            "(it prefixes tables, permissions and URLs)"
        )
    try:
        Version(meta.version)
    except InvalidVersion:
        problems.append(f"version {meta.version!r} is not a valid PEP 440 version")
    for where, labels in (("label", meta.label), ("description", meta.description)):
        if problem := _labels_problem(f"meta.{where}", labels):
            problems.append(problem)
    incompatible = api_incompatibility(meta.api)
    if incompatible:
        problems.append(incompatible)
    else:
        spec = SpecifierSet(meta.api)
        if not any(s.operator in ("<", "<=", "~=", "==") for s in spec):
            problems.append(
                f"api range {meta.api!r} has no upper bound: declare the next major, "
                'e.g. ">=1.0,<2"'
            )
    for perm in host.permissions.values():
        if perm.name.startswith(plugin_id + ".") and (
            problem := _labels_problem(f"permission {perm.name}", perm.label)
        ):
            problems.append(problem)
    for role in host.roles.values():
        if not role.name.startswith(plugin_id + "."):
            if role.name.split(".")[0] == plugin_id:
                problems.append(f"role {role.name!r} must be named {plugin_id}.<role>")
            continue
        if problem := _labels_problem(f"role {role.name}", role.label):
            problems.append(problem)
    for field in host.settings_schema(plugin_id):
        if problem := _labels_problem(f"setting {field.key}", field.label):
            problems.append(problem)
    return problems


# ----- templates -----------------------------------------------------------------------
def _plugin_blueprints(app: Flask, plugin_id: str) -> list:
    return [
        bp
        for name, bp in app.blueprints.items()
        if name == plugin_id or name.startswith(plugin_id + "_")
    ]


def _template_problems(app: Flask, plugin_id: str) -> list[str]:
    problems = []
    for bp in _plugin_blueprints(app, plugin_id):
        if not bp.template_folder:
            continue
        root = Path(bp.root_path) / bp.template_folder
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            if not relative.startswith(plugin_id + "/"):
                problems.append(
                    f"template {relative!r} must be under {plugin_id}/ "
                    f"(templates/{plugin_id}/…) so it cannot shadow another's"
                )
    return problems


# ----- forms -----------------------------------------------------------------------------
def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _form_problems(module) -> list[str]:
    """Form classes defined in the plugin's package (or module) that skip ``BaseForm``."""
    import wtforms

    from core.services.forms import BaseForm

    package = getattr(module, "__name__", None) or type(module).__module__
    return [
        f"form {cls.__module__}.{cls.__qualname__} must derive from core.plugin_api.BaseForm "
        "(text without control characters, numbers and dates read safely)"
        for cls in sorted(_subclasses(wtforms.Form), key=lambda c: c.__qualname__)
        if (cls.__module__ == package or cls.__module__.startswith(package + "."))
        and not issubclass(cls, BaseForm)
    ]


# ----- migrations and tables -----------------------------------------------------------
def _plugin_tables_in_models(module) -> dict[str, set[str]]:
    """Tables (with their columns) mapped by classes defined in the plugin's package."""
    from core.extensions import db

    # The plugin's own package, e.g. "plugins.notices" (built-ins share "plugins").
    package = getattr(module, "__name__", type(module).__module__)
    tables = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        mine = cls.__module__ == package or cls.__module__.startswith(package + ".")
        if mine and mapper.local_table is not None:
            table = mapper.local_table
            tables[table.name] = {c.name for c in table.columns}
    return tables


@contextmanager
def _scratch_app(app: Flask, database_url: str | None):
    """A second app with the same plugins on an empty database."""
    from core import create_app

    host: PluginHost = app.extensions["gongzhi.plugins"]
    modules = {p.id: p.module for p in host.active()}
    with tempfile.TemporaryDirectory(prefix="gongzhi-contract-") as tmp:
        overrides = {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp}/scratch.db",
            "PLUGINS_STRICT": True,
            "SERVER_NAME": app.config.get("SERVER_NAME"),
        }
        scratch = create_app(overrides, plugins=[], extra_plugins=modules)
        try:
            yield scratch
        finally:
            with scratch.app_context():
                from core.extensions import db

                db.engine.dispose()


def _migration_problems(app: Flask, plugin_id: str, module, database_url: str | None) -> list:
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from core.extensions import db

    models = _plugin_tables_in_models(module)
    problems = [
        f"table {name!r} must be named {plugin_id}_… (the prefix says who owns it)"
        for name in sorted(models)
        if not name.startswith(plugin_id + "_")
    ]
    module_file = getattr(module, "__file__", None)  # None: an object, not a package
    versions = Path(module_file).parent / "migrations" / "versions" if module_file else None
    if versions is None or not versions.is_dir() or not any(versions.glob("*.py")):
        if models:
            problems.append(
                f"models map {sorted(models)} but there is no migrations/versions/ folder "
                "beside the plugin module"
            )
        return problems

    def tables() -> dict[str, set[str]]:
        inspector = inspect(db.engine)
        return {
            t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()
        }

    with _scratch_app(app, database_url) as scratch, scratch.app_context():
        step = "upgrade"
        try:
            upgrade(revision=f"{plugin_id}@head")
            after_up = tables()
            step = "downgrade"
            downgrade(revision=f"{plugin_id}@base")
            after_down = tables()
            step = "second upgrade (after the downgrade)"
            upgrade(revision=f"{plugin_id}@head")
            step = "comparison with the models"
            problems += _type_problems(plugin_id)
        except BaseException as exc:  # alembic exits via SystemExit / CommandError
            return problems + [
                f"migrations: {step} of branch {plugin_id!r} failed: {exc!r} (the branch needs "
                f"branch_labels = ({plugin_id!r},) and depends_on = ('0001_core',))"
            ]
    created = set(after_up) - set(after_down) - {"alembic_version"}
    problems += [
        f"migration creates table {name!r}: it must be named {plugin_id}_…"
        for name in sorted(created)
        if not name.startswith(plugin_id + "_")
    ]
    left = sorted(t for t in after_down if t.startswith(plugin_id + "_"))
    if left:
        problems.append(f"downgrade to {plugin_id}@base leaves tables behind: {left}")
    for name, columns in sorted(models.items()):
        if name not in after_up:
            problems.append(f"model table {name!r} is not created by the migrations")
        elif missing := sorted(columns - after_up[name]):
            problems.append(f"table {name!r}: the migrations lack columns {missing}")
    return problems


def _type_problems(plugin_id: str) -> list[str]:
    """Columns of the plugin's tables whose migrated type differs from the model's."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.extensions import db

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
    found = []
    for diff in diffs:  # column changes come as lists of tuples, table changes as tuples
        for change in diff if isinstance(diff, list) else [diff]:
            if change[0] != "modify_type" or not change[2].startswith(plugin_id + "_"):
                continue
            _op, _schema, table, column, _info, migrated, modelled = change
            found.append(
                f"table {table!r}, column {column!r}: the migrations make it {migrated}, the "
                f"model {modelled} (ids and columns pointing at one are ID_TYPE: "
                'sa.BigInteger().with_variant(sa.Integer(), "sqlite") in a migration)'
            )
    return found


# ----- disabled means 404 and no hooks ---------------------------------------------------
def _candidates(converter: BaseConverter) -> Iterator[str]:
    """URL parts to try for a converter, the likeliest first."""
    if isinstance(converter, AnyConverter):
        yield from sorted(converter.items)
    yield from ("1", "x", "00000000-0000-0000-0000-000000000001", "1.0", "x/y", "0", "-1")
    for bound in (getattr(converter, "min", None), getattr(converter, "max", None)):
        if bound is not None:  # int(min=5, max=9), also with fixed_digits
            yield str(bound).zfill(getattr(converter, "fixed_digits", 0) or 0)
    for length in range(2, 65):  # string(length=…) / string(minlength=…)
        yield "1" * length
        yield "x" * length


def sample_value(converter: BaseConverter) -> Any:
    """A value ``converter`` accepts, for building a URL: one of ``any(…)``'s items, an
    int or float within ``min``/``max``, a UUID, a path, a string of the required length;
    also for converters a plugin defines. ValueError if none of the candidates fits."""
    for candidate in _candidates(converter):
        if not re.fullmatch(converter.regex, candidate):
            continue
        try:
            value = converter.to_python(candidate)
            converter.to_url(value)
        except (ValidationError, ValueError, TypeError):
            continue
        return value
    raise ValueError(f"no sample value fits {type(converter).__name__} ({converter.regex!r})")


def _rule_url(rule: Rule, slug: str) -> str:
    """The URL of exactly this rule (not of another rule of the same endpoint): sample values
    for its converters, its own ``defaults`` for the rest."""
    values = dict(rule.defaults or {})
    for arg, converter in rule._converters.items():
        values.setdefault(arg, slug if arg == "tenant" else sample_value(converter))
    built = rule.build(values, append_unknown=False)
    if built is None:
        raise ValueError(f"werkzeug could not build it from {values!r}")
    return built[1]


def _rule_method(rule: Rule) -> str:
    methods = set(rule.methods or ("GET",)) - {"HEAD", "OPTIONS"}
    return "GET" if "GET" in methods else ("POST" if "POST" in methods else min(methods))


def _plugin_urls(app: Flask, plugin_id: str, slug: str) -> tuple[list[tuple[str, str]], list]:
    """One (method, URL) per route of the plugin's blueprints, and the routes it could not
    build a URL for, as problems."""
    names = {bp.name for bp in _plugin_blueprints(app, plugin_id)}
    urls, problems = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in names:
            continue
        try:
            urls.append((_rule_method(rule), _rule_url(rule, slug)))
        except Exception as exc:
            problems.append(
                f"disabled: route {rule.rule!r} ({rule.endpoint}) not checked: the contract "
                f"check could not build a URL for it: {_described(exc)}"
            )
    return urls, problems


@contextmanager
def _spying(host: PluginHost, plugin_id: str, calls: list[str]):
    """Record every call of the plugin's hook implementations (declarations excepted)."""
    wrapped = []
    for name in host.pm.hook.__dict__:
        for impl in host.implementations(frozenset({plugin_id}), name):
            if name in DECLARATION_HOOKS:
                continue
            original = impl.function

            def spy(*args, _original=original, _name=name, **kwargs):
                calls.append(_name)
                return _original(*args, **kwargs)

            impl.function = spy
            wrapped.append((impl, original))
    try:
        yield
    finally:
        for impl, original in wrapped:
            impl.function = original


def _disabled_problems(app: Flask, plugin_id: str) -> list[str]:
    from core.community.events import emit
    from core.community.provisioning import create_community
    from core.extensions import db
    from core.models import User
    from core.plugin_api import commit
    from tenants.context import community_scope
    from tenants.models import Membership

    host: PluginHost = app.extensions["gongzhi.plugins"]
    token = secrets.token_hex(4)
    slug, email, password = f"contract-{token}", f"contract-{token}@contract.example", token * 3
    with app.app_context():
        others = [p for p in host.always_on() if p != plugin_id]
        if plugin_id in host.always_on():
            return []  # always on: there is no disabled state to check
        tenant = create_community(
            slug=slug, name_zh="契约检查社区", name_en="Contract check", plugins=others
        )
        user = User(email=email, name="Contract check")
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        with community_scope(tenant):
            db.session.add(Membership(user_id=user.id, role="admin"))
            db.session.commit()
        tenant_id = tenant.id
        db.session.remove()

    calls: list[str] = []
    anonymous, admin = app.test_client(), app.test_client()
    signed_in = admin.post("/login", data={"email": email, "password": password})
    if signed_in.status_code != 302:
        return [f"contract check could not sign in its test admin ({signed_in.status_code})"]
    urls, problems = _plugin_urls(app, plugin_id, slug)
    with _spying(host, plugin_id, calls):
        for method, url in urls:
            for who, client in (("a visitor", anonymous), ("an admin", admin)):
                try:
                    # Followed: werkzeug may redirect to a canonical URL (a value equal
                    # to a rule's default, a missing slash); where it ends must be a 404.
                    status = client.open(url, method=method, follow_redirects=True).status_code
                except Exception as exc:  # strict mode re-raises what a view raised
                    problems.append(f"disabled: {method} {url} raised for {who}: {_described(exc)}")
                    continue
                if status != 404:
                    problems.append(
                        f"disabled: {method} {url} answers {status} to {who}, expected 404"
                    )
        base = f"/c/{slug}"
        for path in ("/", "/search?q=contract", "/members", "/settings", "/export.zip"):
            admin.get(base + path)
        anonymous.get(base + "/")
        with app.test_request_context(), community_scope(tenant_id):
            emit("contract_check", plugin=plugin_id)
            commit()
    if calls:
        problems.append(
            f"disabled: hooks called for a community that has not switched it on: "
            f"{sorted(set(calls))}"
        )
    return problems


@pytest.fixture
def plugin_contract(app, gongzhi_db_url) -> Iterator[Callable[..., list[str]]]:
    """``plugin_contract("survey", database_url=None)`` -> the list of contract problems
    (see ``core.testing.contract``): metadata, API range, migrations up and down on a scratch
    database, table prefixes, template namespace, disabled means 404 and no hooks. The
    scratch database is of the suite's kind: a temporary SQLite file, or on PostgreSQL an
    empty database beside the suite's (``<name>_contract``, dropped afterwards)."""
    from core.testing.services import is_postgres

    made: list[str] = []

    def check(plugin_id: str, database_url: str | None = None) -> list[str]:
        if database_url is None and is_postgres(gongzhi_db_url):
            database_url = _empty_postgres_beside(gongzhi_db_url)
            made.append(database_url)
        return check_plugin_contract(app, plugin_id, database_url=database_url)

    yield check
    for url in made:
        _drop_postgres(gongzhi_db_url, url)


def _empty_postgres_beside(suite_url: str) -> str:
    from sqlalchemy import create_engine, text

    base, name = suite_url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_contract"
    admin = create_engine(suite_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    admin.dispose()
    return f"{base}/{scratch}"


def _drop_postgres(suite_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(suite_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()
