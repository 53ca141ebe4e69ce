"""Accounts and signed-in clients for web tests: an account in the intake tables and the
session cookie ``/submit/login`` would have set (signed with the data dir's secret)."""

from __future__ import annotations

import secrets

from shuxiang.services.intake.accounts import Account, Credentials
from shuxiang.services.intake.security import SESSION_COOKIE, Session
from shuxiang.services.intake.service import NAME as INTAKE
from shuxiang.services.intake.tables import TABLES as INTAKE_TABLES


def create_all_tables(context) -> None:
    """Every web-facing service's tables, as the runtime creates them."""
    from shuxiang.services.brands import service as brands
    from shuxiang.services.calendar import service as calendar
    from shuxiang.services.dedup import service as dedup
    from shuxiang.services.quotas import service as quotas
    from shuxiang.services.registrations import service as registrations

    for module in (dedup, calendar, brands, quotas, registrations):
        plan = module.build(context)
        context.databases.create_tables(plan.name, plan.tables)
    context.databases.create_tables(INTAKE, INTAKE_TABLES)


def add_account(app, context, name: str, kind: str) -> Credentials:
    context.databases.create_tables(INTAKE, INTAKE_TABLES)
    return app.state.auth.accounts.add(name, kind)


def signed_in(app, name: str) -> tuple[dict[str, str], str]:
    """The cookies of a session of ``name`` and its CSRF token."""
    account: Account = app.state.auth.accounts.get(name)
    csrf = secrets.token_urlsafe(16)
    cookie = app.state.auth.codec.dump(Session(csrf=csrf, account=account.name, epoch=account.session_epoch))
    return {SESSION_COOKIE: cookie}, csrf
