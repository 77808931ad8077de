"""社区基金 Foundation funds: donations at the desk and on-line, grants approved by two
people, a double-entry ledger and the public disclosure page (公示)."""

from __future__ import annotations

from core.plugin_api import (
    ExportTable,
    NavItem,
    Permission,
    PluginMeta,
    Role,
    SettingField,
    db,
    hookimpl,
)

meta = PluginMeta(
    id="funds",
    version="1.0.0",
    label={"zh_Hans": "社区基金", "en": "Community funds"},
    description={
        "zh_Hans": "社区基金的捐赠（现场与在线）、资助申请与双人审批、复式记账，"
        "以及向居民公示收支。",
        "en": "Community funds: donations at the desk and on-line, grant applications "
        "approved by two people, a double-entry ledger and a public account of every yuan.",
    },
    api=">=1.4,<2",  # 1.4: stripe_client, csrf_exempt, figures for the offices
    order=50,
)


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def register_blueprints():
    from plugins.funds.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission("funds.access", _label("查看社区基金", "See the funds"), ("member", "staff")),
        Permission(
            "funds.record",
            _label("登记捐赠、审核与拨付资助", "Record donations, review and pay grants"),
            ("staff", "funds.treasurer"),
        ),
        Permission("funds.approve", _label("审批资助", "Approve grants"), ("funds.approver",)),
        Permission("funds.setup", _label("设立与管理基金", "Set up funds"), ()),
    ]


@hookimpl
def roles():
    return [
        Role("funds.treasurer", _label("基金经办人", "Fund treasurer")),
        Role("funds.approver", _label("基金审批人", "Fund approver")),
    ]


@hookimpl
def notification_kinds():
    from plugins.funds.notifying import KINDS

    return KINDS


@hookimpl
def cli_commands():
    from plugins.funds.cli import funds_cli

    return [funds_cli]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "public_page",
            "bool",
            True,
            _label("向公众公示基金收支", "Publish the funds' accounts"),
        ),
        SettingField(
            "stripe_secret_key",
            "secret",
            "",
            _label("Stripe 密钥（sk_…）", "Stripe secret key (sk_…)"),
            help=_label(
                "填写后居民可在公示页用银行卡在线捐赠。",
                "With it, people can donate by card on-line.",
            ),
        ),
        SettingField(
            "stripe_webhook_secret",
            "secret",
            "",
            _label("Stripe Webhook 签名密钥（whsec_…）", "Stripe webhook signing secret (whsec_…)"),
        ),
        SettingField(
            "stripe_currency",
            "choice",
            "cny",
            _label("在线捐赠币种", "Currency of on-line donations"),
            choices=(
                ("cny", _label("人民币", "Yuan (CNY)")),
                ("hkd", _label("港币", "HK dollars")),
            ),
        ),
        SettingField(
            "per_page", "int", 30, _label("每页条数", "Rows per page"), minimum=5, maximum=200
        ),
    ]


@hookimpl
def nav_items():
    return [
        NavItem("funds.index", _label("社区基金", "Funds"), order=50),
        NavItem("funds.grants", _label("资助申请", "Grants"), order=51),
    ]


@hookimpl
def public_pages():
    from core.plugin_api import plugin_settings

    if not plugin_settings("funds")["public_page"]:
        return []
    return [NavItem("funds.public_index", _label("社区基金公示", "Community funds: the accounts"))]


@hookimpl
def on_event(event):
    if event.name == "committee_reward_proposed":
        from plugins.funds.answers import reward_proposed

        reward_proposed(event.payload)


@hookimpl
def export_data():
    from plugins.funds.models import Fund, Grant, Posting

    def iso(value):
        return value.isoformat() if value else ""

    funds = db.session.execute(db.select(Fund).order_by(Fund.id)).scalars()
    postings = db.session.execute(db.select(Posting).order_by(Posting.id)).scalars()
    grants = db.session.execute(db.select(Grant).order_by(Grant.id)).scalars()
    return [
        ExportTable(
            "funds",
            ["id", "name", "balance_fen", "allow_overdraft", "reward_pool", "active"],
            [
                (f.id, f.name, f.balance_fen, f.allow_overdraft, f.reward_pool, f.active)
                for f in funds
            ],
        ),
        ExportTable(
            "postings",
            [
                "id",
                "fund_id",
                "kind",
                "amount_fen",
                "occurred_on",
                "purpose",
                "counterparty",
                "anonymous",
                "donor_name",
                "method",
                "receipt_no",
                "reference",
                "reversal_of_id",
                "created_at",
            ],
            [
                (
                    p.id,
                    p.fund_id,
                    p.kind,
                    p.amount_fen,
                    iso(p.occurred_on),
                    p.purpose,
                    p.counterparty,
                    p.anonymous,
                    p.donor_name,
                    p.method or "",
                    p.receipt_no or "",
                    p.reference or "",
                    p.reversal_of_id or "",
                    iso(p.created_at),
                )
                for p in postings
            ],
        ),
        ExportTable(
            "grants",
            ["id", "fund_id", "applicant_kind", "applicant_name", "title", "amount_fen", "status"],
            [
                (
                    g.id,
                    g.fund_id,
                    g.applicant_kind,
                    g.applicant_name,
                    g.title,
                    g.amount_fen,
                    g.status,
                )
                for g in grants
            ],
        ),
    ]


@hookimpl
def demo_data(tenant, users):
    from plugins.funds.demo import add_demo

    add_demo(tenant, users)


@hookimpl
def figure_kinds():
    from plugins.funds.office_figures import KINDS

    return KINDS


@hookimpl
def community_figures(tenant, start, end):
    from plugins.funds.office_figures import month_figures

    return month_figures(start, end, tenant.timezone)
