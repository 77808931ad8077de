"""The two pages everything is measured against, served by gunicorn beside the app.

* ``bare``: the simplest Flask route, a short text.
* ``minimal``: the simplest real page: Flask + Flask-SQLAlchemy, one indexed query of 20
  rows, a small Jinja template with a layout. The ratios in docs/benchmarks.md are each
  page's throughput divided by this page's, measured in the same run.

    gunicorn -w 2 'bench.baselines:bare()'
    BENCH_MINIMAL_DATABASE_URL=sqlite:///x.db gunicorn -w 2 'bench.baselines:minimal()'

``prepare_minimal(url)`` creates and fills its table once, before the workers start.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 10_000
GROUPS = 50

TEMPLATES = {
    "layout.html": (
        "<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>"
        "<title>{% block title %}{% endblock %}</title></head>"
        "<body><main>{% block content %}{% endblock %}</main></body></html>"
    ),
    "items.html": (
        "{% extends 'layout.html' %}{% block title %}第{{ group }}组{% endblock %}"
        "{% block content %}<h1>第{{ group }}组</h1><ul>{% for item in items %}"
        "<li>{{ item.title }} <small>{{ item.created_at.strftime('%Y-%m-%d') }}</small></li>"
        "{% endfor %}</ul>{% endblock %}"
    ),
}


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "bench_minimal_item"
    __table_args__ = (sa.Index("ix_bench_minimal_item_group", "grp", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grp: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


def bare() -> Flask:
    app = Flask("bare")

    @app.route("/")
    def index():
        return "Hello, 共治"

    return app


def minimal() -> Flask:
    app = Flask("minimal")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_MINIMAL_DATABASE_URL"]
    app.jinja_loader = DictLoader(TEMPLATES)
    db = SQLAlchemy(app, model_class=Base)

    @app.route("/")
    def index():
        items = db.session.execute(
            sa.select(Item).where(Item.grp == 7).order_by(Item.id.desc()).limit(20)
        ).scalars()
        return render_template("items.html", items=list(items), group=7)

    return app


def prepare_minimal(url: str) -> None:
    """The minimal page's table with ``ROWS`` rows (created once; idempotent)."""
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(Item)).scalar():
            return
        now = datetime.now(UTC)
        conn.execute(
            sa.insert(Item),
            [
                {"grp": n % GROUPS, "title": f"第{n}条 楼道灯已修好", "created_at": now}
                for n in range(ROWS)
            ],
        )
    engine.dispose()
