"""Household members and accounts, and whose letter is whose."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

from sqlmodel import Session, col, select

from hsawallet.services import events
from hsawallet.services.errors import UserError
from hsawallet.store.models import Account, Claim, Letter, Person, row_id
from hsawallet.vocab import AccountType

if TYPE_CHECKING:
    from hsawallet.store.engine import Vault


def add_person(session: Session, *, name: str, dob: date | None = None) -> Person:
    person = Person(name=_person_name(name), dob=dob)
    session.add(person)
    session.commit()
    return person


def _person_name(name: str) -> str:
    """A name as kept: white space folded; an empty one refused."""
    name = " ".join(name.split())
    if not name:
        raise UserError("A person needs a name.")
    return name


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


class PlanTerms(TypedDict, total=False):
    """An account's plan terms; one left out is None in a new account and kept in an edited one."""

    plan_start: date | None
    plan_end: date | None
    grace_end: date | None  # of the plan year plan_start..plan_end (FSA)
    carryover: Decimal | None  # FSA
    runout_end: date | None
    established: date | None  # HSA


class AccountTerms(PlanTerms, total=False):
    type: str  # an AccountType


# Account fields that `edit_account` may change; a field left out of the call keeps its value.
ACCOUNT_TERMS = ("type", *PlanTerms.__annotations__)


def add_account(session: Session, *, name: str, type: str, **terms: Unpack[PlanTerms]) -> Account:
    account = Account(name=" ".join(name.split()), type=type.lower(), **terms)
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
    with vault.session() as session:
        person = add_person(session, name=name, dob=dob)
    _people_changed(vault)
    return person


def _people_changed(vault: Vault) -> None:
    """Whose letters and receipts are whose follows the people: resolved and linked again, then told."""
    from hsawallet.services.coverage import recompute_links

    recompute_links(vault)
    events.publish(events.PEOPLE_CHANGED)


def register_account(vault: Vault, *, name: str, type: str, **terms: Unpack[PlanTerms]) -> Account:
    """Add an account; warnings that depend on plan years follow on the next check."""
    with vault.session() as session:
        account = add_account(session, name=name, type=type, **terms)
    events.publish(events.PEOPLE_CHANGED)
    return account


# ---------------------------------------------------------------- editing and removing


def edit_person(vault: Vault, name_or_id: str, *, name: str | None = None, **changes: date | None) -> Person:
    """Rename a household member or change the date of birth (``dob=None`` clears it), then relink:
    whose letters and receipts are whose follows the name."""
    unknown = set(changes) - {"dob"}
    if unknown:
        raise UserError(f"A person has no field {', '.join(sorted(unknown))}.")
    with vault.session() as session:
        person = find_person(session, name_or_id)
        if name is not None:
            person.name = _person_name(name)
        if "dob" in changes:
            person.dob = changes["dob"]
        session.add(person)
        session.commit()
        session.refresh(person)
    _people_changed(vault)
    return person


def remove_person(vault: Vault, name_or_id: str) -> Person:
    """Remove a household member. Refused while a claim names them (the claim would lose its
    claimant); their documents stay and are matched again without them."""
    person = _remove_unless_claimed(
        vault,
        find_person,
        name_or_id,
        Claim.person_id,
        lambda person, claims: f"{person.name} is the claimant of claim {claims}; delete or change that claim first",
    )
    _people_changed(vault)
    return person


def edit_account(vault: Vault, name_or_id: str, *, name: str | None = None, **terms: Unpack[AccountTerms]) -> Account:
    """Change an account's name or terms (``ACCOUNT_TERMS``; a term given as None is cleared),
    checked by the same rules as a new account; nothing is saved when one fails."""
    unknown = set(terms) - set(ACCOUNT_TERMS)
    if unknown:
        raise UserError(f"An account has no field {', '.join(sorted(unknown))}.")
    with vault.session() as session:
        account = find_account(session, name_or_id)
        if name is not None:
            account.name = " ".join(name.split())
        for field, value in terms.items():
            setattr(account, field, value.lower() if field == "type" and isinstance(value, str) else value)
        _check_account(session, account)
        session.add(account)
        session.commit()
        session.refresh(account)
    events.publish(events.PEOPLE_CHANGED)
    return account


def remove_account(vault: Vault, name_or_id: str) -> Account:
    """Remove an account. Refused while any claim belongs to it: removing it would delete the record
    of what was claimed and reimbursed."""
    account = _remove_unless_claimed(
        vault,
        find_account,
        name_or_id,
        Claim.account_id,
        lambda account, claims: (
            f"Account {account.name} holds claim {claims}; an account with claims is kept as the record of what was "
            "claimed"
        ),
    )
    events.publish(events.PEOPLE_CHANGED)
    return account


Holder = TypeVar("Holder", Person, Account)


def _remove_unless_claimed(
    vault: Vault,
    find: Callable[[Session, str], Holder],
    name_or_id: str,
    holder_of_claim: int | None,  # the Claim column that names it
    refusal: Callable[[Holder, str], str],
) -> Holder:
    """Delete a person or an account, refused (``refusal`` given the claim ids) while a claim names it."""
    with vault.session() as session:
        row = find(session, name_or_id)
        claims = sorted(row_id(i) for i in session.exec(select(Claim.id).where(col(holder_of_claim) == row.id)))
        if claims:
            raise UserError(f"{refusal(row, ', '.join(map(str, claims)))}. Nothing was removed.")
        session.delete(row)
        session.commit()
    return row


# ---------------------------------------------------------------- whose letter is whose


def assign_letter(vault: Vault, letter_id: int, person: str | int | None) -> None:
    """The user says whose letter this is (a name or id from People); None gives it back to name matching."""
    from hsawallet.services.coverage import recompute_links

    with vault.session() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise UserError(f"There is no letter {letter_id}.")
        letter.assigned_person_id = find_person(session, str(person)).id if person is not None else None
        session.add(letter)
        session.commit()
        document_id = letter.document_id
    recompute_links(vault, document_ids=[document_id])
    events.publish(events.DOCUMENTS_CHANGED)


def add_letter_patient(vault: Vault, letter_id: int) -> int:
    """Add the patient a letter names (and their date of birth) to People; returns the new person's id."""
    with vault.session() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            raise UserError(f"There is no letter {letter_id}.")
        if not letter.patient_name:
            raise UserError(f"No patient name was read on letter {letter_id}; assign it to someone instead.")
        name, dob = letter.patient_name, letter.patient_dob
    if name.isupper():  # printed in capitals on the letter
        name = name.title()
    return row_id(register_person(vault, name=name, dob=dob).id)
