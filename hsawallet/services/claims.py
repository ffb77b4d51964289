"""Claims: choose expenses, export the packet and bundle, track status; the HSA shoebox."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hsawallet.claims import shoebox as shoebox_rules
from hsawallet.claims.export import ExportError, export_claim
from hsawallet.claims.model import ClaimDocument, ClaimExpense, ClaimPacketInput
from hsawallet.coverage import deadlines
from hsawallet.services import events
from hsawallet.services.claim_records import (
    Candidates,
    ClaimLine,
    ClaimRecord,
    ClaimRef,
    ClaimWarning,
    Expense,
    HsaShoebox,
    LeftOut,
    NewClaim,
    PlanShoebox,
    PlanYearShoebox,
    Shoebox,
)
from hsawallet.services.coverage import load_accounts
from hsawallet.services.documents import document_bytes
from hsawallet.services.errors import UserError
from hsawallet.services.people import find_account, find_person
from hsawallet.services.records import day, money
from hsawallet.store.engine import Vault
from hsawallet.store.models import (
    Account,
    Claim,
    ClaimItem,
    Document,
    ItemLink,
    Letter,
    LineItem,
    Person,
    Receipt,
    row_id,
)
from hsawallet.vocab import (
    CLAIMED_STATUSES,
    COVERING_LINK_STATUSES,
    LIVE_CLAIM_STATUSES,
    AccountType,
    Category,
    ClaimStatus,
    WarningType,
)

# Warnings that stop an export until the user chooses to export anyway: a letter the claim relies on
# that administrators would refuse (unsigned, or missing elements they check).
BLOCKER_TYPES = (WarningType.LETTER_INCOMPLETE,)


class ExportBlocked(UserError):
    """The claim relies on a letter administrators would refuse; export anyway only by choice."""

    def __init__(self, claim_id: int, blockers: list[ClaimWarning]):
        self.claim_id = claim_id
        self.blockers = blockers
        super().__init__(
            f"Claim {claim_id} was not exported: "
            + " ".join(b.message for b in blockers)
            + " Correct the letter (or what was misread), or export anyway (--anyway); the packet's cover "
            "will say it was exported despite this."
        )


class Claimable(Protocol):
    """What the warning rule needs of an expense: a claim's line or an offered expense."""

    @property
    def item_id(self) -> int: ...
    @property
    def receipt_id(self) -> int: ...
    @property
    def letter_id(self) -> int | None: ...


def warnings_for_expenses(warnings: Sequence[ClaimWarning], expenses: Sequence[Claimable]) -> list[ClaimWarning]:
    """The one rule for which warnings matter to a claim of these expenses, used by the New claim view and
    the export alike. ``warnings``: check_rows (dismissed ones included: a dismissal hides a warning from
    the Dashboard only). A warning matters when it names one of the items, or is about one of their
    receipts as a whole, or about a letter that covers one of them; each comes back with ``blocker`` set."""
    items = {e.item_id for e in expenses}
    receipts = {e.receipt_id for e in expenses}
    letters = {e.letter_id for e in expenses if e.letter_id is not None}
    out = []
    for warning in warnings:
        named = set(warning.item_ids)
        relevant = (
            (named & items)
            or (not named and warning.receipt_id in receipts)
            or (warning.receipt_id is None and warning.letter_id in letters)
        )
        if relevant:
            out.append(warning.as_blocker(warning.type in BLOCKER_TYPES and warning.letter_id in letters))
    return out


def check_rows(session: Session, *, as_of: date | None = None) -> list[ClaimWarning]:
    """Every warning of the check, dismissed ones included."""
    from hsawallet.services.coverage import check, dismissed_keys, warning_key

    warnings = check(session, as_of=as_of)
    dismissed = dismissed_keys(session)
    return [
        ClaimWarning(
            type=w.type,
            severity=w.severity,
            message=w.message,
            receipt_id=w.receipt_id,
            item_ids=tuple(getattr(w, "item_ids", ()) or ((w.item_id,) if w.item_id else ())),
            letter_id=w.letter_id,
            dismissed=warning_key(w) in dismissed,
        )
        for w in warnings
    ]


def _expense_rows(session: Session, account: Account) -> list[Expense]:
    """Every line item of the account's receipts, with what decides whether it can be claimed."""
    people = {p.id: p.name for p in session.exec(select(Person))}
    links = {l.item_id: l for l in session.exec(select(ItemLink))}
    claimed: dict[int, list[ClaimRef]] = {}
    for claim_item, claim in session.exec(
        select(ClaimItem, Claim).join(Claim, col(Claim.id) == ClaimItem.claim_id).order_by(col(Claim.id))
    ):
        claimed.setdefault(claim_item.item_id, []).append(ClaimRef(row_id(claim.id), claim.status))
    rows = []
    query = (
        select(LineItem, Receipt, Document)
        .join(Receipt, col(Receipt.id) == LineItem.receipt_id)
        .join(Document, col(Document.id) == Receipt.document_id)
        .where((col(Document.account_id) == account.id) | (col(Document.account_id).is_(None)))
        .order_by(col(Receipt.date), col(Receipt.id), col(LineItem.position))
    )
    for item, receipt, doc in session.exec(query):
        link = links.get(row_id(item.id))
        reasons = []
        if item.category == Category.NOT_ELIGIBLE:
            reasons.append("not an eligible expense")
        if item.amount is None or item.amount <= 0:
            reasons.append("no amount")
        if item.needs_lmn and (link is None or link.status not in COVERING_LINK_STATUSES):
            reasons.append("needs a letter of medical necessity that covers it")
        if (
            account.type == AccountType.HSA
            and account.established
            and receipt.date
            and receipt.date < account.established
        ):
            reasons.append("dated before the HSA was established")
        in_claims = claimed.get(row_id(item.id), [])
        rows.append(
            Expense(
                *_line_of(item, receipt, doc),
                amount=item.amount,
                category=item.category,
                needs_lmn=item.needs_lmn,
                person_id=receipt.person_id,
                person=people.get(receipt.person_id),
                letter_id=link.letter_id if link and link.status in COVERING_LINK_STATUSES else None,
                eligible=not reasons,
                why_not="; ".join(reasons),
                claimed=any(c.status in CLAIMED_STATUSES for c in in_claims),
                in_claim=tuple(c for c in in_claims if c.status in LIVE_CLAIM_STATUSES),
                claims=tuple(in_claims),
            )
        )
    return rows


def _line_of(
    item: LineItem, receipt: Receipt, doc: Document
) -> tuple[int, int, int, str, date | None, str | None, str]:
    """The LineOfReceipt fields of an item, in their order."""
    return (
        row_id(item.id),
        row_id(receipt.id),
        row_id(doc.id),
        doc.file_name,
        receipt.date,
        receipt.merchant,
        item.description,
    )


def _select(
    rows: list[Expense], person_id: int | None, date_from: date | None, date_to: date | None, include_claimed: bool
) -> tuple[list[Expense], list[Expense]]:
    """(expenses to offer, eligible expenses of the filters left out because a live claim holds them)."""
    chosen: list[Expense] = []
    left_out: list[Expense] = []
    for row in rows:
        if not row.eligible:
            continue
        if person_id is not None and row.person_id not in (person_id, None):
            continue
        if date_from and (row.date is None or row.date < date_from):
            continue
        if date_to and (row.date is None or row.date > date_to):
            continue
        (left_out if row.in_claim and not include_claimed else chosen).append(row)
    return chosen, left_out


def _claims_text(in_claim: Sequence[ClaimRef]) -> str:
    """'claim 1 (draft)', 'claims 1 (draft) and 4 (submitted)'."""
    unique = list({c.id: c for c in in_claim}.values())
    parts = [f"{c.id} ({c.status})" for c in unique]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("claim " if len(parts) == 1 else "claims ") + joined


def left_out_summary(left_out: list[Expense]) -> LeftOut:
    """How many expenses were left out of a new claim and why."""
    holders = [c for row in left_out for c in row.in_claim]
    amount = sum((row.amount or Decimal("0") for row in left_out), Decimal("0"))
    message = None
    if left_out:
        n = len(left_out)
        message = (
            f"{n} expense{'s' if n != 1 else ''} (${money(amount)}) left out: already in "
            f"{_claims_text(holders)}. An expense is claimed once; delete or withdraw that claim, "
            "or include claimed expenses on purpose."
        )
    return LeftOut(count=len(left_out), amount=amount, claims=tuple(sorted({c.id for c in holders})), message=message)


def claim_candidates(
    session: Session,
    account: str | int,
    *,
    person: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_claimed: bool = False,
) -> Candidates:
    """The expenses offered for a new claim, and those left out because a live claim holds them."""
    acct = find_account(session, str(account))
    person_id = find_person(session, person).id if person else None
    chosen, left_out = _select(_expense_rows(session, acct), person_id, date_from, date_to, include_claimed)
    return Candidates(expenses=tuple(chosen), left_out=left_out_summary(left_out))


def new_claim(
    vault: Vault,
    *,
    account: str | int,
    person: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    item_ids: list[int] | None = None,
    include_claimed: bool = False,
) -> NewClaim:
    """A draft claim. Without --items: every eligible expense of the account in no live claim.

    An expense already in a claim that is not denied is left out (or, named in item_ids, refused)
    unless include_claimed, which the claim then records."""
    with vault.session() as session:
        acct = find_account(session, str(account))
        person_row = find_person(session, person) if person else None
        rows = _expense_rows(session, acct)
        left_out: list[Expense] = []
        if item_ids:
            by_id = {r.item_id: r for r in rows}
            chosen = []
            for item_id in item_ids:
                row = by_id.get(item_id)
                if row is None:
                    raise UserError(f"Item {item_id} is not an expense of account {acct.name}.")
                if row.amount is None:
                    raise UserError(f"Item {item_id} has no amount; correct it with 'hsawallet set' first.")
                chosen.append(row)
            held = [r for r in chosen if r.in_claim]
            if held and not include_claimed:
                names = ", ".join(str(r.item_id) for r in held)
                raise UserError(
                    f"Item{'s' if len(held) > 1 else ''} {names} "
                    f"{'are' if len(held) > 1 else 'is'} already in "
                    f"{_claims_text([c for r in held for c in r.in_claim])}; an expense is claimed "
                    "once. Delete or withdraw that claim first, or use --include-claimed to claim "
                    "it again on purpose."
                )
        else:
            chosen, left_out = _select(rows, person_row.id if person_row else None, date_from, date_to, include_claimed)
        if not chosen and left_out:
            summary = left_out_summary(left_out)
            raise UserError(
                f"No new claim for account {acct.name}: every eligible expense with these filters "
                f"is already in {_claims_text([c for r in left_out for c in r.in_claim])} "
                f"({summary.count} expense{'s' if summary.count != 1 else ''}, "
                f"${money(summary.amount)}). An expense is claimed once; use --include-claimed to claim "
                "them again on purpose."
            )
        if not chosen:
            raise UserError(f"No eligible, unclaimed expenses for account {acct.name} with these filters.")
        claim = Claim(
            account_id=row_id(acct.id),
            person_id=person_row.id if person_row else None,
            title="",
            date_from=date_from,
            date_to=date_to,
            include_claimed=include_claimed,
        )
        session.add(claim)
        session.flush()
        claim.title = f"Claim {claim.id} - {acct.name}"
        for row in chosen:
            session.add(ClaimItem(claim_id=row_id(claim.id), item_id=row.item_id, amount=row.amount))
        session.commit()
        claim_id = row_id(claim.id)
    events.publish(events.CLAIMS_CHANGED)
    return NewClaim(claim=get_claim(vault, claim_id), left_out=left_out_summary(left_out))


def _claim_lines(session: Session, claim_id: int) -> list[tuple[ClaimItem, LineItem, Receipt, Document]]:
    return list(
        session.exec(
            select(ClaimItem, LineItem, Receipt, Document)
            .join(LineItem, col(LineItem.id) == ClaimItem.item_id)
            .join(Receipt, col(Receipt.id) == LineItem.receipt_id)
            .join(Document, col(Document.id) == Receipt.document_id)
            .where(ClaimItem.claim_id == claim_id)
            .order_by(col(Receipt.date), col(Receipt.id), col(LineItem.position))
        )
    )


def _claim_record(session: Session, claim: Claim) -> ClaimRecord:
    account = session.get(Account, claim.account_id)
    person = session.get(Person, claim.person_id) if claim.person_id else None
    links = {l.item_id: l for l in session.exec(select(ItemLink))}
    items = []
    total = Decimal("0")
    for claim_item, item, receipt, doc in _claim_lines(session, row_id(claim.id)):
        link = links.get(row_id(item.id))
        amount = claim_item.amount or Decimal("0")
        total += amount
        items.append(
            ClaimLine(
                *_line_of(item, receipt, doc),
                amount=amount,
                letter_id=link.letter_id if link and link.status in COVERING_LINK_STATUSES else None,
            )
        )
    return ClaimRecord(
        id=row_id(claim.id),
        title=claim.title,
        account=account.name if account else None,
        account_type=account.type if account else None,
        person=person.name if person else None,
        status=claim.status,
        created=claim.created_at.date(),
        items=tuple(items),
        total=total,
        submitted_on=claim.submitted_on,
        reimbursed_amount=claim.reimbursed_amount,
        reimbursed_on=claim.reimbursed_on,
        denied_on=claim.denied_on,
        denied_reason=claim.denied_reason,
        include_claimed=bool(claim.include_claimed),
    )


def get_claim(vault: Vault, claim_id: int) -> ClaimRecord:
    with vault.session() as session:
        return _claim_record(session, _get_claim(session, claim_id))


def claim_ids(session: Session, *, descending: bool = False) -> list[int]:
    """Every claim's id, oldest first (the Claims list's order; it is asked for ids, then rows)."""
    order = col(Claim.id).desc() if descending else col(Claim.id)
    return [row_id(i) for i in session.exec(select(Claim.id).order_by(order))]


def claims_by_id(session: Session, ids: Sequence[int]) -> dict[int, ClaimRecord]:
    """The claims of ``ids`` that exist, by id (a page of the Claims list)."""
    found = session.exec(select(Claim).where(col(Claim.id).in_(list(ids))))
    return {row_id(c.id): _claim_record(session, c) for c in found}


def list_claims(vault: Vault) -> list[ClaimRecord]:
    with vault.session() as session:
        return [_claim_record(session, c) for c in session.exec(select(Claim).order_by(col(Claim.id)))]


def _get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise UserError(f"There is no claim {claim_id}.")
    return claim


def _held_elsewhere(session: Session, claim: Claim) -> list[tuple[int, int, str]]:
    """(item id, other claim id, its status) for this claim's items held by another live claim."""
    mine = select(ClaimItem.item_id).where(ClaimItem.claim_id == claim.id)
    rows = session.exec(
        select(ClaimItem.item_id, Claim.id, Claim.status)
        .join(Claim, col(Claim.id) == ClaimItem.claim_id)
        .where(
            col(ClaimItem.item_id).in_(mine),
            col(Claim.id) != claim.id,
            col(Claim.status).in_(LIVE_CLAIM_STATUSES),
        )
    )
    return [(item_id, row_id(other), status) for item_id, other, status in rows]


def _check_day(on: date, what: str) -> date:
    if on > date.today():
        raise UserError(f"The {what} date {on.isoformat()} is in the future; give the day it happened.")
    return on


def mark(
    vault: Vault,
    claim_id: int,
    status: str,
    *,
    amount: Decimal | None = None,
    on: date | None = None,
    reason: str | None = None,
) -> ClaimRecord:
    """Record a status change on the day it happened (``on``, default today).

    draft -> submitted | reimbursed | denied; submitted -> reimbursed | denied | draft (withdraw);
    a reimbursed claim only takes a corrected amount or date; a denied claim may be reopened as a draft
    when no other live claim holds its expenses."""
    if status not in tuple(ClaimStatus):
        raise UserError(f"A claim's status is one of {', '.join(ClaimStatus)}.")
    if status == ClaimStatus.DRAFT:
        return withdraw(vault, claim_id)
    if amount is not None and status != ClaimStatus.REIMBURSED:
        raise UserError("--amount goes with 'reimbursed'.")
    day_of = _check_day(on or date.today(), status)

    def change(session: Session, claim: Claim) -> None:
        sent = (ClaimStatus.SUBMITTED, ClaimStatus.REIMBURSED, ClaimStatus.DENIED)
        allowed = {
            ClaimStatus.DRAFT: sent,
            ClaimStatus.SUBMITTED: sent,
            ClaimStatus.REIMBURSED: (ClaimStatus.REIMBURSED,),
            ClaimStatus.DENIED: (ClaimStatus.DENIED,),
        }[ClaimStatus(claim.status)]
        if status not in allowed:
            raise UserError(
                f"Claim {claim_id} is {claim.status}; it cannot be marked {status}."
                + (
                    " Reopen it as a draft first (hsawallet claim mark ID draft)."
                    if claim.status == ClaimStatus.DENIED
                    else ""
                )
            )
        total = sum(
            (ci.amount or Decimal("0") for ci in session.exec(select(ClaimItem).where(ClaimItem.claim_id == claim_id))),
            Decimal("0"),
        )
        paid = total if amount is None else amount
        if status == ClaimStatus.REIMBURSED and (paid < 0 or paid > total):
            raise UserError(f"The reimbursed amount must be between 0.00 and the claim total {money(total)}.")
        if status != ClaimStatus.SUBMITTED and claim.submitted_on and day_of < claim.submitted_on:
            raise UserError(
                f"Claim {claim_id} was submitted on {claim.submitted_on.isoformat()}; it cannot "
                f"have been {status} before that ({day_of.isoformat()})."
            )
        if status == ClaimStatus.REIMBURSED:
            claim.reimbursed_amount, claim.reimbursed_on = paid, day_of
            claim.submitted_on = claim.submitted_on or day_of
        elif status == ClaimStatus.SUBMITTED:
            claim.submitted_on = day_of
        elif status == ClaimStatus.DENIED:
            claim.denied_reason = reason or claim.denied_reason or "no reason given"
            claim.denied_on = day_of
        claim.status = status

    return _change_claim(vault, claim_id, change)


def withdraw(vault: Vault, claim_id: int) -> ClaimRecord:
    """A submitted claim goes back to draft (e.g. sent by mistake); a denied one may be reopened."""

    def change(session: Session, claim: Claim) -> None:
        if claim.status == ClaimStatus.DRAFT:
            raise UserError(f"Claim {claim_id} is already a draft.")
        if claim.status == ClaimStatus.REIMBURSED:
            raise UserError(f"Claim {claim_id} was reimbursed; a paid claim stays on record and cannot be withdrawn.")
        if claim.status == ClaimStatus.DENIED and not claim.include_claimed:
            held = _held_elsewhere(session, claim)
            if held:
                raise UserError(
                    f"Claim {claim_id} cannot be reopened: its expenses are now in "
                    f"{_claims_text([ClaimRef(c, s) for _, c, s in held])}."
                )
        claim.status = ClaimStatus.DRAFT
        claim.submitted_on = None
        claim.denied_on = None
        claim.denied_reason = None

    return _change_claim(vault, claim_id, change)


def _change_claim(vault: Vault, claim_id: int, change: Callable[[Session, Claim], None]) -> ClaimRecord:
    """``change`` made to the stored claim and saved (it raises UserError to refuse); the change is
    announced and the claim returned as it now stands."""
    with vault.session() as session:
        claim = _get_claim(session, claim_id)
        change(session, claim)
        session.add(claim)
        session.commit()
        record = _claim_record(session, claim)
    events.publish(events.CLAIMS_CHANGED)
    return record


def delete_claim(vault: Vault, claim_id: int) -> ClaimRecord:
    """Delete a draft claim; its expenses become free to claim again. Returns what was deleted."""
    with vault.session() as session:
        claim = _get_claim(session, claim_id)
        if claim.status != ClaimStatus.DRAFT:
            hint = (
                f" Withdraw it first (hsawallet claim withdraw {claim_id})."
                if claim.status == ClaimStatus.SUBMITTED
                else " It stays on record."
            )
            raise UserError(f"Claim {claim_id} is {claim.status}; only a draft can be deleted.{hint}")
        data = _claim_record(session, claim)
        session.exec(delete(ClaimItem).where(col(ClaimItem.claim_id) == claim_id))
        session.delete(claim)
        session.commit()
    events.publish(events.CLAIMS_CHANGED)
    return data


def export(
    vault: Vault, claim_id: int, out_dir: Path, *, as_of: date | None = None, anyway: bool = False
) -> tuple[Path, Path]:
    """Write <out_dir>/<name>.pdf and .zip (all or nothing).

    The claim's warnings (dismissed ones too) go on the cover as notes; a blocker (see
    warnings_for_expenses) stops the export with ExportBlocked unless ``anyway``, which the cover records."""
    with vault.session() as session:
        rows = check_rows(session, as_of=as_of)
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise UserError(f"There is no claim {claim_id}.")
        account = session.get(Account, claim.account_id)
        assert account is not None  # a claim's account is a foreign key (deleting it deletes the claim)
        data = _claim_record(session, claim)
        lines = _claim_lines(session, claim_id)
        links = {l.item_id: l for l in session.exec(select(ItemLink))}
        letters = {
            l.id: (l, d)
            for l, d in session.exec(select(Letter, Document).join(Document, col(Document.id) == Letter.document_id))
        }
        receipts_docs: dict[int, ClaimDocument] = {}
        letter_docs: dict[int, ClaimDocument] = {}
        expenses = []
        people = {p.id: p.name for p in session.exec(select(Person).order_by(col(Person.id)))}
        for claim_item, item, receipt, doc in lines:
            if doc.id not in receipts_docs:
                receipts_docs[row_id(doc.id)] = _claim_document(session, doc)
            link = links.get(row_id(item.id))
            letter_doc_id, label, letter_person_id = None, None, None
            if link and link.status in COVERING_LINK_STATUSES and link.letter_id in letters:
                letter, letter_doc = letters[link.letter_id]
                letter_doc_id, letter_person_id = row_id(letter_doc.id), letter.person_id
                if letter_doc_id not in letter_docs:
                    letter_docs[letter_doc_id] = _claim_document(session, letter_doc)
                label = (
                    ", ".join(x for x in (letter.provider_name, day(letter.issue_date)) if x) or letter_doc.file_name
                )
            # Whose expense: the patient on the receipt, else the patient of the letter that covers it.
            person_id = receipt.person_id if receipt.person_id is not None else letter_person_id
            expenses.append(
                ClaimExpense(
                    item_id=item.id,
                    receipt_id=row_id(receipt.id),
                    document_id=row_id(doc.id),
                    date=receipt.date,
                    merchant=receipt.merchant,
                    description=item.description,
                    amount=claim_item.amount or Decimal("0"),
                    person=people.get(person_id),
                    letter_document_id=letter_doc_id,
                    letter_label=label,
                )
            )
        relevant = warnings_for_expenses(rows, data.items)
        blockers = [w for w in relevant if w.blocker]
        if blockers and not anyway:
            raise ExportBlocked(claim_id, blockers)
        claimant = data.person or _claimant(expenses, list(people.values()))
        plan_year = None
        if account.plan_start and account.plan_end:
            plan_year = f"{account.plan_start.isoformat()} to {account.plan_end.isoformat()}"
        packet = ClaimPacketInput(
            claim_id=claim_id,
            title=claim.title,
            claimant=claimant,
            account_name=account.name,
            account_type=account.type.upper(),
            plan_year=plan_year,
            created=claim.created_at.date(),
            expenses=expenses,
            warnings=[w.message for w in relevant if not w.blocker],
            exported_anyway=[w.message for w in blockers],
            receipts=list(receipts_docs.values()),
            letters=list(letter_docs.values()),
        )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", account.name).strip("-").lower() or "account"
    name = f"claim-{claim_id}-{slug}"
    try:
        return export_claim(packet, Path(out_dir), name)
    except ExportError as exc:
        raise UserError(str(exc)) from None


def _claimant(expenses: list[ClaimExpense], household: list[str]) -> str:
    """The people whose expenses are claimed, from People; expenses that name no one are the
    household's, so with none named the household's members are the claimants."""
    named = list(dict.fromkeys(e.person for e in expenses if e.person))
    return ", ".join(named or household) or "Account holder (add yourself under People)"


def _claim_document(session: Session, doc: Document) -> ClaimDocument:
    return ClaimDocument(
        document_id=row_id(doc.id),
        file=doc.file_name,
        media_type=doc.media_type or "application/pdf",
        data=document_bytes(session, row_id(doc.id)),
        sha256=doc.sha256,
    )


def shoebox(session: Session, *, as_of: date | None = None) -> Shoebox:
    """HSA: eligible expenses not yet reimbursed, per year. FSA/HRA: unclaimed per plan year and deadline."""
    as_of = as_of or date.today()
    accounts: list[HsaShoebox | PlanShoebox] = []
    rules_accounts = {a.id: a for a in load_accounts(session)}
    claims = {row_id(c.id): c for c in session.exec(select(Claim))}
    claim_totals: dict[int, Decimal] = {}
    for ci in session.exec(select(ClaimItem)):
        claim_totals[ci.claim_id] = claim_totals.get(ci.claim_id, Decimal("0")) + (ci.amount or Decimal("0"))
    for account in session.exec(select(Account).order_by(col(Account.id))):
        expenses = []
        for row in _expense_rows(session, account):
            if row.amount is None:
                continue
            status, paid = _best_claim(row.claims, claims, claim_totals, row.amount)
            expenses.append(
                shoebox_rules.ShoeboxExpense(
                    item_id=row.item_id,
                    receipt_id=row.receipt_id,
                    date=row.date,
                    amount=row.amount,
                    account_type=account.type,
                    eligible=row.eligible,
                    claim_status=status,
                    reimbursed_amount=paid,
                )
            )
        if account.type == AccountType.HSA:
            summary = shoebox_rules.hsa_shoebox(expenses)
            accounts.append(
                HsaShoebox(
                    account=account.name,
                    type=account.type,
                    per_year=dict(sorted(summary.per_year.items())),
                    total_available=summary.total_available,
                    count=summary.count,
                )
            )
        else:
            rules_account = rules_accounts[row_id(account.id)]
            years = deadlines.plan_years_for_dates(rules_account, [e.date for e in expenses if e.date])
            plan_years = []
            for py in years:
                incurred = deadlines.incurred_window(rules_account, py)
                deadline = deadlines.claim_deadline(rules_account, py) or incurred[1]
                plan_years.append(shoebox_rules.PlanYear(start=incurred[0], end=incurred[1], deadline=deadline))
            unclaimed = shoebox_rules.fsa_unclaimed(expenses, plan_years)
            accounts.append(
                PlanShoebox(
                    account=account.name,
                    type=account.type,
                    plan_years=tuple(
                        PlanYearShoebox(
                            start=u.plan_year.start,
                            end=u.plan_year.end,
                            deadline=u.deadline,
                            unclaimed=u.amount,
                            count=u.count,
                            days_left=(u.deadline - as_of).days,
                        )
                        for u in unclaimed
                    ),
                )
            )
    return Shoebox(accounts=tuple(accounts))


def _best_claim(
    in_claims: Sequence[ClaimRef], claims: dict[int, Claim], claim_totals: dict[int, Decimal], amount: Decimal
) -> tuple[str | None, Decimal | None]:
    """The claim state that matters most for an expense; a partial payment is shared pro rata."""
    best: tuple[str | None, Decimal | None] = (None, None)
    for ref in in_claims:
        claim = claims[ref.id]
        if ref.status == ClaimStatus.REIMBURSED:
            total = claim_totals.get(ref.id) or Decimal("0")
            paid = claim.reimbursed_amount if claim.reimbursed_amount is not None else total
            share = (amount * paid / total).quantize(Decimal("0.01")) if total else amount
            return ClaimStatus.REIMBURSED, share
        if ref.status == ClaimStatus.SUBMITTED or (ref.status == ClaimStatus.DRAFT and best[0] is None):
            best = (ref.status, None)
    return best
