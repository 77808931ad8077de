"""The hooks a Gongzhi plugin may implement. Each docstring is the reference.

``docs/hooks.md`` is checked against this module by ``tests/core/test_hook_reference.py``:
every hookspec must be documented there and exercised by a test.

Conventions, true of every hook below:

* Implement with ``@hookimpl`` from ``core.plugin_api``; take only the arguments you need.
* "Per community" hooks are only called for plugins the community has enabled (and that
  loaded and are API-compatible). Others are called once for every loaded plugin.
* Results that are shown are sorted by their ``order`` then plugin id, never by
  registration order.
* Display hooks (nav items, widgets, slots) are called one plugin at a time: one that
  raises shows "module unavailable" in its place and is logged; the page still renders.
"""

from __future__ import annotations

import pluggy

PROJECT = "gongzhi"
hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def register_blueprints():
    """Return the plugin's Flask blueprints (a list, usually of one).

    Called once at start-up, for every loaded plugin. Each blueprint is mounted at
    ``/c/<slug>/<plugin_id>/`` (its name must be the plugin id or start with
    ``<plugin_id>_``). For a community that has not enabled the plugin, every route
    answers 404. Routes require login and the permission ``<plugin_id>.access`` unless
    decorated with ``plugin_api.public`` or ``plugin_api.requires("<perm>")``.

    Example::

        @hookimpl
        def register_blueprints():
            return [bp]
    """


@hookspec
def settings_schema():
    """Return a list of ``SettingField`` describing the plugin's per-community settings.

    Called at start-up and when the settings page renders. The settings page builds a
    form from it, validates input, and stores values per community; read them with
    ``plugin_api.plugin_settings("<plugin_id>")``. ``kind="secret"`` values are stored
    encrypted and never echoed back.

    Example::

        @hookimpl
        def settings_schema():
            return [SettingField("page_size", "int", 20, {"zh_Hans": "每页条数", "en": "Per page"},
                                 minimum=5, maximum=100)]
    """


@hookspec
def permissions():
    """Return a list of ``Permission`` the plugin checks, each with its default roles.

    Called at start-up. Names are namespaced ``<plugin_id>.<action>``. The admin role
    has every permission. ``<plugin_id>.access`` is declared for you (all roles) unless
    you declare it yourself.

    Example::

        @hookimpl
        def permissions():
            return [Permission("notices.manage", {"zh_Hans": "管理公告", "en": "Manage notices"},
                               default_roles=("staff",))]
    """


@hookspec
def roles():
    """Return a list of ``Role`` the plugin adds (e.g. ``committees.member``).

    Called at start-up. An admin assigns plugin roles to members on the Members page;
    a role grants the permissions that name it in ``default_roles``.

    Example::

        @hookimpl
        def roles():
            return [Role("volunteers.coordinator", {"zh_Hans": "志愿协调员", "en": "Coordinator"})]
    """


@hookspec
def notification_kinds():
    """Return a list of ``NotificationKind`` the plugin sends with ``notify``.

    Called at start-up. Names are ``<plugin_id>.<kind>``; ``notify`` refuses an undeclared
    kind. Each person chooses per kind whether it also comes by e-mail.

    Example::

        @hookimpl
        def notification_kinds():
            return [NotificationKind("survey.closed", {"zh_Hans": "结果", "en": "Results"})]
    """


@hookspec
def figure_kinds():
    """Return a list of ``FigureKind``: the figures of a community the plugin gives to
    the street and district offices above it (``community_figures``).

    Called at start-up. Keys are ``<plugin_id>.<name>``.

    Example::

        @hookimpl
        def figure_kinds():
            return [FigureKind("survey.answers", {"zh_Hans": "答卷数", "en": "Answers"})]
    """


@hookspec
def template_kinds():
    """Return a list of ``TemplateKind``: the templates a street or district office may
    publish for its communities (a responsibility list, a pay scale, a set of committees),
    which the plugin's own pages let a community adopt and then adapt.

    Called at start-up. Keys are ``<plugin_id>.<kind>``.

    Example::

        @hookimpl
        def template_kinds():
            return [TemplateKind("survey.questions", {"zh_Hans": "问卷题目", "en": "Questions"},
                                 {"zh_Hans": "每行一题", "en": "One question a line"},
                                 parse=parse_questions, text=questions_text)]
    """


@hookspec
def community_figures(tenant, start, end):
    """Return ``{key: int}``: this community's figures for the month from ``start`` to
    ``end`` (timezone-aware, the community's local month; ``end`` excluded).

    Per community, called by the figures job (``flask offices refresh-figures``), never
    on a page view: the offices' pages read the stored results, so they cost the same
    for 10 or 1,000 communities. Only keys declared in ``figure_kinds`` are kept. Runs
    in the community's own scope: query as on any page. A figure that describes the
    state now (e.g. overdue matters) is given for the current month only.

    Example::

        @hookimpl
        def community_figures(start, end):
            n = db.session.scalar(db.select(db.func.count(Answer.id))
                                  .where(Answer.at >= start, Answer.at < end))
            return {"survey.answers": n}
    """


@hookspec
def nav_items(tenant, user):
    """Return ``NavItem`` entries for the community menu. Per community, display hook.

    ``tenant`` is the community, ``user`` the signed-in person (or anonymous). An item
    with ``permission`` is only shown to users who hold it.

    Example::

        @hookimpl
        def nav_items(tenant, user):
            return [NavItem("notices.index", {"zh_Hans": "公告栏", "en": "Notices"}, order=10)]
    """


@hookspec
def dashboard_widgets(tenant, user):
    """Return ``Widget`` entries for the community dashboard. Per community, display hook.

    Each widget has a ``render`` callable returning HTML (use ``render_template``). A
    widget that raises shows "module unavailable" alone; the dashboard is still a 200.

    Example::

        @hookimpl
        def dashboard_widgets(tenant, user):
            return [Widget("latest", {"zh_Hans": "最新公告", "en": "Latest notices"},
                           render=lambda: render_template("notices/_widget.html"))]
    """


@hookspec
def template_slot(slot, tenant, user, context):
    """Return HTML for a named slot in a core template, or None. Per community, display hook.

    Slots: ``head``, ``page_top``, ``page_bottom``, ``dashboard_top``, ``member_row``
    (``context["membership"]``), ``public_footer``. Called in templates through
    ``{{ slot("name", **context) }}``.

    Example::

        @hookimpl
        def template_slot(slot, tenant):
            if slot == "page_top":
                return Markup("<p>…</p>")
    """


@hookspec
def public_pages(tenant):
    """Return ``NavItem`` links to pages anyone may open (公示, public boards). Per community.

    Shown on the community's public landing page to visitors who are not signed in.

    Example::

        @hookimpl
        def public_pages(tenant):
            return [NavItem("notices.public", {"zh_Hans": "公告公示", "en": "Public notices"})]
    """


@hookspec
def on_enable(tenant):
    """Called after the transaction that enabled the plugin for ``tenant`` committed.

    Also called for plugins enabled by default when a community is created. Runs inside
    the community's scope in its own transaction: seed default data here. Idempotent:
    enabling again after disabling calls it again.

    Example::

        @hookimpl
        def on_enable(tenant):
            if not Category.query.first():
                seed_categories()
    """


@hookspec
def on_disable(tenant):
    """Called after the transaction that disabled the plugin for ``tenant`` committed.

    Data is kept: a disabled plugin is hidden, not purged.

    Example::

        @hookimpl
        def on_disable(tenant):
            current_app.logger.info("notices disabled for %s", tenant.slug)
    """


@hookspec
def on_event(event):
    """A domain event, delivered after the sender's transaction committed. Per community.

    ``event`` has ``name``, ``payload`` (a dict), ``tenant_id`` and ``id``. The handlers
    of one event share one transaction in the event's community scope, each in its own
    savepoint, committed once after all ran: never commit (refused, ``HandlerCommitted``)
    or roll back in a handler. One that raises loses only its own writes, is recorded and
    retried by ``flask events retry``, never blocks the sender, and is never lost. Send
    events with ``plugin_api.emit(name, **payload)``.

    Example::

        @hookimpl
        def on_event(event):
            if event.name == "request_closed":
                award_points(event.payload["requester_id"], 5)
    """


@hookspec
def export_data(tenant):
    """Return ``ExportTable`` objects with the community's data held by this plugin.

    Per community. Used by the admin's full export (a ZIP of CSV files) and before a purge.

    Example::

        @hookimpl
        def export_data(tenant):
            return [ExportTable("notices", ["id", "title"], [(n.id, n.title) for n in q])]
    """


@hookspec
def search(tenant, user, query, limit):
    """Return up to ``limit`` ``SearchResult`` matching ``query``. Per community.

    Only return what ``user`` may see. Results from all plugins are merged on the
    community's search page.

    Example::

        @hookimpl
        def search(tenant, user, query, limit):
            return [SearchResult(n.title, url_for("notices.show", notice_id=n.id))
                    for n in Notice.query.filter(Notice.title.contains(query)).limit(limit)]
    """


@hookspec
def cli_commands():
    """Return click commands or groups to add under ``flask``. Called once at start-up.

    Example::

        @hookimpl
        def cli_commands():
            return [notices_cli]   # then: flask notices ...
    """


@hookspec
def permission_decision(tenant, user, permission):
    """Decide a permission check: True allows, False denies, None has no opinion.

    Per community, every enabled plugin is asked: any False denies whatever the plugin
    order, else any True allows; with no opinion, the role rules decide. Fails closed: a
    decision hook that raises denies.

    Example::

        @hookimpl
        def permission_decision(user, permission):
            if permission == "funds.approve" and user.email.endswith("@audit.example"):
                return False
    """


@hookspec
def demo_data(tenant, users):
    """Add realistic demo records for ``tenant`` (``flask demo``). Per community.

    ``users`` maps demo roles (``"admin"``, ``"staff"``, ``"member"``, ``"member2"``) to
    ``User`` objects who belong to the community. Runs in the community's scope; the
    caller commits. Use figures from the domain brief, not lorem ipsum.

    Example::

        @hookimpl
        def demo_data(tenant, users):
            db.session.add(Notice(title="电梯年检通知", body="…", author_id=users["staff"].id))
    """
