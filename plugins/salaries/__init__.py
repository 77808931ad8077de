"""社区工作者薪酬 Community-worker pay: posts and levels, pay scales by community type with
effective dates (the community's own, or a county's template it follows), allowances for
certificates and seniority, appraisal coefficients, a monthly payroll run approved by a
second person and then locked, payslips, the headcount norm and the year's budget."""

from __future__ import annotations

from core.plugin_api import (
    NavItem,
    Permission,
    PluginMeta,
    SettingField,
    hookimpl,
)

meta = PluginMeta(
    id="salaries",
    version="1.0.0",
    label={"zh_Hans": "社工薪酬", "en": "Worker pay"},
    description={
        "zh_Hans": "社区工作者岗位等级薪酬：薪酬标准（城市/集镇，按生效日期）、证书与工龄津贴、"
        "绩效考核系数、每月工资核算与复核审批、工资条、岗位定额和年度预算。",
        "en": "Community-worker pay: scales by post, level and community type with "
        "effective dates, certificate and seniority allowances, appraisal coefficients, "
        "a monthly payroll approved by a second person, payslips, headcount norm, budget.",
    },
    api=">=1.5,<2",  # 1.4: figures for the offices; 1.5: offices' templates (scales)
    order=60,
)


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def register_blueprints():
    from plugins.salaries.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission("salaries.access", _label("查看我的工资条", "See my payslips"),
                   ("member", "staff")),
        Permission("salaries.manage",
                   _label("管理薪酬标准、社工与工资核算", "Manage scales, workers and payroll"),
                   ()),
        Permission("salaries.approve", _label("审批工资核算", "Approve payroll runs"), ()),
    ]  # fmt: skip


@hookimpl
def notification_kinds():
    from plugins.salaries.runs import KINDS

    return KINDS


@hookimpl
def settings_schema():
    return [
        SettingField("junior_allowance_yuan", "int", 200,
                     _label("初级社工证书津贴（元/月）",
                            "Junior social-worker allowance (yuan/month)"),
                     minimum=0, maximum=100_000),
        SettingField("intermediate_allowance_yuan", "int", 300,
                     _label("中级社工证书津贴（元/月）",
                            "Intermediate social-worker allowance (yuan/month)"),
                     minimum=0, maximum=100_000),
        SettingField("seniority_yuan_per_year", "int", 20,
                     _label("工龄津贴（每满一年，元/月）", "Seniority (yuan/month per whole year)"),
                     minimum=0, maximum=10_000),
        SettingField("seniority_max_years", "int", 30,
                     _label("工龄津贴最多计算年数", "Seniority counts at most (years)"),
                     minimum=0, maximum=60),
        SettingField("appraisal_rule", "str", "90:110, 75:100, 60:90, 0:80",
                     _label("绩效系数规则（分数:百分比）", "Appraisal rule (score:percent)"),
                     help=_label("考核分数不低于前一个数，基本工资按后一个百分比发放。",
                                 "A score at or above the first number is paid the second "
                                 "number as a percentage of the base pay."),
                     max_length=200),
        SettingField("norm_base_posts", "int", 5,
                     _label("岗位定额：基本岗位数", "Headcount norm: base posts"),
                     minimum=0, maximum=200),
        SettingField("norm_households", "int", 3000,
                     _label("基本岗位覆盖的户数", "Households the base posts cover"),
                     minimum=1, maximum=1_000_000),
        SettingField("norm_step", "int", 500,
                     _label("每增加多少户增设一个岗位", "One more post per this many households"),
                     minimum=1, maximum=1_000_000),
        SettingField("share_budget", "bool", False,
                     _label("允许运营方比较本社区预算", "Let the operator compare our budget"),
                     help=_label("开启后，运营方可在社区间比较中看到本社区的年度预算。",
                                 "If on, the operator's comparison across communities "
                                 "includes our year's budget.")),
    ]  # fmt: skip


@hookimpl
def cli_commands():
    from plugins.salaries.cli import salaries_cli

    return [salaries_cli]


@hookimpl
def nav_items():
    return [
        NavItem("salaries.mine", _label("我的工资条", "My payslips"), order=60),
        NavItem("salaries.manage", _label("薪酬核算", "Payroll"), order=61,
                permission="salaries.manage"),
    ]  # fmt: skip


@hookimpl
def demo_data(tenant, users):
    from plugins.salaries.demo import add_demo_pay

    add_demo_pay(tenant, users)


@hookimpl
def export_data():
    from plugins.salaries.exports import tables

    return tables()


@hookimpl
def figure_kinds():
    from plugins.salaries.office_figures import KINDS

    return KINDS


@hookimpl
def template_kinds():
    from plugins.salaries.scale_text import KINDS

    return KINDS


@hookimpl
def community_figures(tenant, start, end):
    from plugins.salaries.office_figures import month_figures

    return month_figures(start, end, tenant.timezone)
