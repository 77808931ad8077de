"""The funds plugin's part: two funds in every community, and in the large one
``Scale.fund_ledger_entries`` ledger entries (issue 24: 1,000,000) over three years —
postings of two entries each (the fund and donors/grantees), donations and grants paid,
a few corrections — with the kept balances and monthly totals the plugin keeps on write
(``flask funds check`` passes on the generated data). The public account is measured
(``/c/{slug}/funds/public`` and one fund's page)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bench.data import Platform

ZONE = ZoneInfo("Asia/Shanghai")
SPAN = timedelta(days=3 * 365)
FUNDS = (("社区阳光基金", "帮扶困难家庭、独居老人"), ("微公益创投基金", "支持居民自组织的微项目"))
DONORS = ("李建国", "张秀英", "王芳", "重庆某物业服务有限公司", "刘伟", "陈静")
GRANTEES = ("邻里守望互助社", "银发帮帮团", "3栋楼栋长", "环境卫生专委会")
POSTING_COLUMNS = (
    "id",
    "tenant_id",
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
    "receipt_token",
    "reference",
    "reversal_of_id",
    "created_by_id",
    "created_at",
)


def generate(platform: Platform) -> None:
    rng, now = platform.rng, platform.now
    fund_rows, fund_ids = [], {}
    for c in platform.communities:
        for name, purpose in FUNDS:
            fund_ids.setdefault(c.id, []).append(len(fund_rows) + 1)
            fund_rows.append([len(fund_rows) + 1, c.id, name, purpose, 0, False, False, True, now])
    large = next((c for c in platform.communities if c.large), platform.communities[0])
    postings_count = platform.scale.fund_ledger_entries // 2
    balances = {f: 0 for ids in fund_ids.values() for f in ids}
    months: dict[tuple[int, int, int, int], list[int]] = {}  # (tenant, fund, y, m) -> in, out, n
    entries: list[tuple] = []
    staff = large.staff_ids[0]

    def postings():
        for n in range(1, postings_count + 1):
            fund_id = fund_ids[large.id][n % 2]
            when = now - SPAN + SPAN * (n - 0.5) / postings_count
            day = when.astimezone(ZONE).date()
            if n % 4 == 0 and balances[fund_id] > 50_000:  # a grant paid
                amount = -rng.randrange(10_000, 50_000)
                kind, who, anonymous = "disbursement", rng.choice(GRANTEES), False
            else:
                amount = rng.randrange(1_000, 30_000)
                kind, who, anonymous = "donation", rng.choice(DONORS), rng.random() < 0.2
            balances[fund_id] += amount
            totals = months.setdefault((large.id, fund_id, day.year, day.month), [0, 0, 0])
            totals[0 if amount > 0 else 1] += abs(amount)
            totals[2] += 1
            outside = "donors" if amount > 0 else "grantees"
            entries.append((large.id, n, fund_id, "fund", amount))
            entries.append((large.id, n, fund_id, outside, -amount))
            yield (
                n,
                large.id,
                fund_id,
                kind,
                amount,
                day,
                "定向捐赠" if amount > 0 else "微项目资助",
                "" if anonymous else who,
                anonymous,
                who if amount > 0 else "",
                ("cash", "bank")[n % 2] if amount > 0 else None,
                None,
                None,
                None,
                None,
                staff,
                when,
            )

    rows = list(postings())  # first: the kept balances come from them
    for row in fund_rows:
        row[4] = balances[row[0]]
    platform.insert(
        "funds_fund",
        (
            "id",
            "tenant_id",
            "name",
            "purpose",
            "balance_fen",
            "allow_overdraft",
            "reward_pool",
            "active",
            "created_at",
        ),
        fund_rows,
    )
    platform.insert("funds_transaction", POSTING_COLUMNS, rows)
    platform.insert(
        "funds_entry", ("tenant_id", "transaction_id", "fund_id", "account", "amount_fen"), entries
    )
    platform.insert(
        "funds_month",
        ("tenant_id", "fund_id", "year", "month", "income_fen", "spending_fen", "postings"),
        ((t, f, y, m, i, s, n) for (t, f, y, m), (i, s, n) in months.items()),
    )
