"""Accounts: sign up, log in/out, password reset, invitations, language switch."""

from __future__ import annotations

from contextlib import suppress

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.community.invitations import hash_token
from core.extensions import db, limiter
from core.models import User
from core.services.i18n import LANGUAGES
from core.services.mail import MailError, send_mail
from core.services.parsing import local_path
from core.services.time import as_aware, utcnow
from core.web import sign_in_throttle
from core.web.forms import ROLE_LABELS, ForgotForm, LoginForm, ResetForm, SignupForm
from core.web.page_cache import cached_page
from tenants.context import all_tenants, community_scope
from tenants.models import Invitation, Membership, Tenant

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _redirect_next(target: str | None):
    """To ``target`` if it is a path on this site, else to the start page."""
    return redirect(local_path(target) or url_for("auth.home"))


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(db.func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()


@bp.route("/")
def home():
    """My communities (signed in) or the platform's front page."""
    if not current_user.is_authenticated:
        with all_tenants():
            communities = (
                db.session.execute(db.select(Tenant).order_by(Tenant.name_zh)).scalars().all()
            )
        return render_template("auth/landing.html", communities=communities)
    with all_tenants():
        rows = db.session.execute(
            db.select(Membership, Tenant)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == current_user.id)
            .order_by(Tenant.name_zh)
        ).all()
        from core.offices.access import offices_of

        offices = offices_of(current_user.id)
    only_one = len(rows) == 1 and not offices
    if only_one and not current_user.is_operator and not request.args.get("all"):
        return redirect(url_for("community.dashboard", tenant=rows[0][1].slug))
    if not rows and offices and not current_user.is_operator:  # a street office's account
        return redirect(url_for("offices.index"))
    from core.community.joining import applications_of

    return render_template(
        "auth/home.html",
        rows=rows,
        role_labels=ROLE_LABELS,
        offices=offices,
        applications=applications_of(current_user.id),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@cached_page  # a visitor's form reads no data: kept (core/web/page_cache.py)
def login():
    form = LoginForm()
    headers = {}
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        wait = sign_in_throttle.seconds_to_wait(form.email.data)
        if wait:  # locked: not even the right password, and no new count
            form.password.errors.append(sign_in_throttle.wait_message(wait))
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            user = find_user(form.email.data)
            if user is not None and user.check_password(form.password.data):
                sign_in_throttle.forget(form.email.data)
                db.session.commit()
                login_user(user, remember=form.remember.data)
                return _redirect_next(request.args.get("next"))
            form.password.errors.append(_("Wrong e-mail or password."))
            wait = sign_in_throttle.record_failure(form.email.data)
            if wait:
                form.password.errors.append(sign_in_throttle.wait_message(wait))
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        user = _new_account(form)
        if user is not None:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s!", name=user.name), "success")
            return _redirect_next(request.args.get("next"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/signup.html", form=form), status


def _new_account(form: SignupForm) -> User | None:
    """A new (flushed) account from a valid sign-up form, or None if the e-mail is taken."""
    if find_user(form.email.data) is not None:
        form.email.errors.append(_("An account with this e-mail exists. Sign in instead."))
        return None
    user = User(name=form.name.data.strip(), email=form.email.data.strip().lower())
    user.set_password(form.password.data)
    db.session.add(user)
    db.session.flush()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    # The password hash's tail makes the link single-use: it changes on reset.
    return _reset_serializer().dumps({"u": user.id, "p": user.password_hash[-12:]})


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is not None:
            link = url_for("auth.reset", token=reset_token(user), _external=True)
            # A failed mail is logged; the answer stays the same, or it would tell who
            # has an account.
            with suppress(MailError):
                send_mail(
                    user.email,
                    _("Reset your Gongzhi password"),
                    _(
                        "Open this link within an hour to choose a new password:\n%(link)s",
                        link=link,
                    ),
                )
        # Same answer whether or not the account exists: no probing for e-mails.
        flash(_("If the address has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_SECONDS"]
        )
    except SignatureExpired:
        return render_template("auth/reset_invalid.html", expired=True), 400
    except BadSignature:
        return render_template("auth/reset_invalid.html", expired=False), 400
    user = db.session.get(User, data.get("u"))
    if user is None or user.password_hash[-12:] != data.get("p"):
        return render_template("auth/reset_invalid.html", expired=False), 400
    form = ResetForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        sign_in_throttle.forget(user.email)  # the owner proved it by mail
        db.session.commit()
        flash(_("Your password is changed. Please sign in."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset.html", form=form), status


def _open_invitation(token: str) -> tuple[Invitation, Tenant]:
    with all_tenants():
        invitation = db.session.execute(
            db.select(Invitation).where(Invitation.token_hash == hash_token(token))
        ).scalar_one_or_none()
        if invitation is None:
            abort(404)
        tenant = db.session.get(Tenant, invitation.tenant_id)
    return invitation, tenant


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation, tenant = _open_invitation(token)
    if invitation.accepted_at is not None or as_aware(invitation.expires_at) < utcnow():
        return render_template("auth/invite_invalid.html", tenant=tenant), 410
    form = SignupForm(data={"email": invitation.email})
    if current_user.is_authenticated:
        if request.method == "POST":
            _join(invitation, tenant, current_user)
            return redirect(url_for("community.dashboard", tenant=tenant.slug))
        return render_template("auth/invite.html", invitation=invitation, tenant=tenant, form=None)
    if form.validate_on_submit():
        user = _new_account(form)
        if user is not None:
            _join(invitation, tenant, user)
            login_user(user)
            return redirect(url_for("community.dashboard", tenant=tenant.slug))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/invite.html", invitation=invitation, tenant=tenant, form=form
    ), status


def _join(invitation: Invitation, tenant: Tenant, user: User) -> None:
    from core.community.membership import add_member, change_roles

    with community_scope(tenant):
        existing = db.session.execute(
            db.select(Membership).where(Membership.user_id == user.id)
        ).scalar_one_or_none()
        if existing is None:
            add_member(user, invitation.role, via="invitation")
        elif existing.role != "admin":  # an invitation never demotes an admin
            change_roles(existing, invitation.role)
        invitation.accepted_at = utcnow()
        db.session.commit()


def send_invitation(tenant: Tenant, email: str, token: str) -> tuple[str, bool]:
    """Mail a committed invitation; its link, and whether the mail went out (if not, the
    caller shows the link so it can be passed on by hand)."""
    link = url_for("auth.accept_invitation", token=token, _external=True)
    name = tenant.name()
    try:
        send_mail(
            email,
            _("You are invited to %(community)s on Gongzhi", community=name),
            _("Open this link to join %(community)s:\n%(link)s", community=name, link=link),
        )
    except MailError:
        return link, False
    return link, True


@bp.route("/lang", methods=["POST"])
def set_language():
    code = request.form.get("locale", "")
    if code not in LANGUAGES:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return _redirect_next(request.form.get("next"))


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html")
