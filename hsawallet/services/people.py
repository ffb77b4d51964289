"""Household members and accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from hsawallet.services.errors import UserError
from hsawallet.store.models import Account, Person
from hsawallet.vocab import AccountType


def add_person(session: Session, *, name: str, dob: date | None = None) -> Person:
    name = " ".join(name.split())
    if not name:
        raise UserError("A person needs a name.")
    person = Person(name=name, dob=dob)
    session.add(person)
    session.commit()
    return person


def list_people(session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(Person.id)))


def find_person(session: Session, name_or_id: str) -> Person:
    people = list_people(session)
    if name_or_id.isdigit():
        for person in people:
            if person.id == int(name_or_id):
                return person
    folded = " ".join(name_or_id.split()).casefold()
    for person in people:
        if person.name.casefold() == folded:
            return person
    known = ", ".join(p.name for p in people) or "none yet"
    raise UserError(f"No person named '{name_or_id}' (known: {known}). Add one with 'person add'.")


def add_account(
    session: Session,
    *,
    name: str,
    type: str,
    plan_start: date | None = None,
    plan_end: date | None = None,
    grace_end: date | None = None,
    carryover: Decimal | None = None,
    runout_end: date | None = None,
    established: date | None = None,
) -> Account:
    name = " ".join(name.split())
    type = type.lower()
    if not name:
        raise UserError("An account needs a name.")
    if type not in tuple(AccountType):
        raise UserError(f"Account type must be one of {', '.join(AccountType)}.")
    if grace_end is not None and carryover is not None:
        raise UserError("An FSA has either a grace period or a carryover, never both (IRS Notice 2013-71).")
    if plan_start and plan_end and plan_end < plan_start:
        raise UserError("The plan year ends before it starts.")
    if grace_end and plan_end:
        limit = _add_months(plan_end, 2, extra_days=15)
        if grace_end < plan_end or grace_end > limit:
            raise UserError(
                f"A grace period ends after the plan year and at most 2 months 15 days later (by {limit})."
            )
    if session.exec(select(Account).where(Account.name == name)).first():
        raise UserError(f"An account named '{name}' already exists.")
    account = Account(
        name=name, type=type, plan_start=plan_start, plan_end=plan_end, grace_end=grace_end,
        carryover=carryover, runout_end=runout_end, established=established,
    )
    session.add(account)
    session.commit()
    return account


def _add_months(day: date, months: int, *, extra_days: int = 0) -> date:
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months) + timedelta(days=extra_days)


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.id)))


def find_account(session: Session, name_or_id: str) -> Account:
    accounts = list_accounts(session)
    for account in accounts:
        if str(account.id) == name_or_id or account.name.casefold() == name_or_id.casefold():
            return account
    known = ", ".join(a.name for a in accounts) or "none yet"
    raise UserError(f"No account named '{name_or_id}' (known: {known}). Add one with 'account add'.")


def register_person(vault, *, name: str, dob: date | None = None) -> Person:
    """Add a household member, then re-resolve whose documents are whose and relink."""
    from hsawallet.services import events
    from hsawallet.services.coverage import recompute_links

    with vault.session() as session:
        person = add_person(session, name=name, dob=dob)
    recompute_links(vault)
    events.publish(events.PEOPLE_CHANGED)
    return person


def register_account(vault, **fields) -> Account:
    """Add an account; warnings that depend on plan years follow on the next check."""
    from hsawallet.services import events

    with vault.session() as session:
        account = add_account(session, **fields)
    events.publish(events.PEOPLE_CHANGED)
    return account
