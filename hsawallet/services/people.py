"""Household members and accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from hsawallet.services.errors import UserError
from hsawallet.store.models import Account, Claim, Person
from hsawallet.vocab import AccountType

if TYPE_CHECKING:
    from hsawallet.store.engine import Vault


def add_person(session: Session, *, name: str, dob: date | None = None) -> Person:
    name = " ".join(name.split())
    if not name:
        raise UserError("A person needs a name.")
    person = Person(name=name, dob=dob)
    session.add(person)
    session.commit()
    return person


def list_people(session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(col(Person.id))))


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
    account = Account(
        name=" ".join(name.split()),
        type=type.lower(),
        plan_start=plan_start,
        plan_end=plan_end,
        grace_end=grace_end,
        carryover=carryover,
        runout_end=runout_end,
        established=established,
    )
    _check_account(session, account)
    session.add(account)
    session.commit()
    return account


def _check_account(session: Session, account: Account) -> None:
    """The rules an account's terms must keep, for a new account and an edited one alike."""
    if not account.name:
        raise UserError("An account needs a name.")
    if account.type not in tuple(AccountType):
        raise UserError(f"Account type must be one of {', '.join(AccountType)}.")
    if account.grace_end is not None and account.carryover is not None:
        raise UserError("An FSA has either a grace period or a carryover, never both (IRS Notice 2013-71).")
    if account.plan_start and account.plan_end and account.plan_end < account.plan_start:
        raise UserError("The plan year ends before it starts.")
    if account.grace_end and account.plan_end:
        limit = _add_months(account.plan_end, 2, extra_days=15)
        if account.grace_end < account.plan_end or account.grace_end > limit:
            raise UserError(f"A grace period ends after the plan year and at most 2 months 15 days later (by {limit}).")
    with session.no_autoflush:  # an edited account is checked before its new values reach the database
        same_name = session.exec(select(Account).where(Account.name == account.name)).first()
    if same_name is not None and same_name.id != account.id:
        raise UserError(f"An account named '{account.name}' already exists.")


def _add_months(day: date, months: int, *, extra_days: int = 0) -> date:
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months) + timedelta(days=extra_days)


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(col(Account.id))))


def find_account(session: Session, name_or_id: str) -> Account:
    accounts = list_accounts(session)
    for account in accounts:
        if str(account.id) == name_or_id or account.name.casefold() == name_or_id.casefold():
            return account
    known = ", ".join(a.name for a in accounts) or "none yet"
    raise UserError(f"No account named '{name_or_id}' (known: {known}). Add one with 'account add'.")


def register_person(vault: Vault, *, name: str, dob: date | None = None) -> Person:
    """Add a household member, then re-resolve whose documents are whose and relink."""
    from hsawallet.services import events
    from hsawallet.services.coverage import recompute_links

    with vault.session() as session:
        person = add_person(session, name=name, dob=dob)
    recompute_links(vault)
    events.publish(events.PEOPLE_CHANGED)
    return person


def register_account(vault: Vault, **fields: Any) -> Account:
    """Add an account; warnings that depend on plan years follow on the next check."""
    from hsawallet.services import events

    with vault.session() as session:
        account = add_account(session, **fields)
    events.publish(events.PEOPLE_CHANGED)
    return account


# ---------------------------------------------------------------- editing and removing

# Account fields that `edit_account` may change; a field left out of the call keeps its value.
ACCOUNT_TERMS = ("type", "plan_start", "plan_end", "grace_end", "carryover", "runout_end", "established")


def edit_person(vault: Vault, name_or_id: str, *, name: str | None = None, **changes: date | None) -> Person:
    """Rename a household member or change the date of birth (``dob=None`` clears it), then relink:
    whose letters and receipts are whose follows the name."""
    from hsawallet.services import events
    from hsawallet.services.coverage import recompute_links

    unknown = set(changes) - {"dob"}
    if unknown:
        raise UserError(f"A person has no field {', '.join(sorted(unknown))}.")
    with vault.session() as session:
        person = find_person(session, name_or_id)
        if name is not None:
            name = " ".join(name.split())
            if not name:
                raise UserError("A person needs a name.")
            person.name = name
        if "dob" in changes:
            person.dob = changes["dob"]
        session.add(person)
        session.commit()
        session.refresh(person)
    recompute_links(vault)
    events.publish(events.PEOPLE_CHANGED)
    return person


def remove_person(vault: Vault, name_or_id: str) -> Person:
    """Remove a household member. Refused while a claim names them (the claim would lose its
    claimant); their documents stay and are matched again without them."""
    from hsawallet.services import events
    from hsawallet.services.coverage import recompute_links

    with vault.session() as session:
        person = find_person(session, name_or_id)
        claims = list(session.exec(select(Claim.id).where(Claim.person_id == person.id)))
        if claims:
            raise UserError(
                f"{person.name} is the claimant of claim {_ids(claims)}; delete or change "
                f"that claim first. Nothing was removed."
            )
        session.delete(person)
        session.commit()
    recompute_links(vault)
    events.publish(events.PEOPLE_CHANGED)
    return person


def edit_account(vault: Vault, name_or_id: str, *, name: str | None = None, **terms: Any) -> Account:
    """Change an account's name or terms (``ACCOUNT_TERMS``; a term given as None is cleared),
    checked by the same rules as a new account; nothing is saved when one fails."""
    from hsawallet.services import events

    unknown = set(terms) - set(ACCOUNT_TERMS)
    if unknown:
        raise UserError(f"An account has no field {', '.join(sorted(unknown))}.")
    with vault.session() as session:
        account = find_account(session, name_or_id)
        if name is not None:
            account.name = " ".join(name.split())
        for field, value in terms.items():
            setattr(account, field, value.lower() if field == "type" and value else value)
        _check_account(session, account)
        session.add(account)
        session.commit()
        session.refresh(account)
    events.publish(events.PEOPLE_CHANGED)
    return account


def remove_account(vault: Vault, name_or_id: str) -> Account:
    """Remove an account. Refused while any claim belongs to it: removing it would delete the record
    of what was claimed and reimbursed."""
    from hsawallet.services import events

    with vault.session() as session:
        account = find_account(session, name_or_id)
        claims = list(session.exec(select(Claim.id).where(Claim.account_id == account.id)))
        if claims:
            raise UserError(
                f"Account {account.name} holds claim {_ids(claims)}; an account with claims "
                f"is kept as the record of what was claimed. Nothing was removed."
            )
        session.delete(account)
        session.commit()
    events.publish(events.PEOPLE_CHANGED)
    return account


def _ids(ids: list[int | None]) -> str:
    return ", ".join(str(i) for i in sorted(i for i in ids if i is not None))
