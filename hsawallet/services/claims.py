"""Claims: choose expenses, export the packet and bundle, track status; the HSA shoebox."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from hsawallet.claims import shoebox as shoebox_rules
from hsawallet.claims.export import ExportError, export_claim
from hsawallet.claims.model import ClaimDocument, ClaimExpense, ClaimPacketInput
from hsawallet.coverage import deadlines
from hsawallet.services import events
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
)

STATUSES = ("draft", "submitted", "reimbursed", "denied")
COVERED = ("covered", "manual")


def _expense_rows(session: Session, account: Account) -> list[dict]:
    """Every line item of the account's receipts, with what decides whether it can be claimed."""
    people = {p.id: p.name for p in session.exec(select(Person))}
    links = {l.item_id: l for l in session.exec(select(ItemLink))}
    claimed: dict[int, list[tuple[int, str]]] = {}
    for claim_item, claim in session.exec(select(ClaimItem, Claim).join(Claim, Claim.id == ClaimItem.claim_id)):
        claimed.setdefault(claim_item.item_id, []).append((claim.id, claim.status))
    rows = []
    query = (select(LineItem, Receipt, Document)
             .join(Receipt, Receipt.id == LineItem.receipt_id)
             .join(Document, Document.id == Receipt.document_id)
             .where((Document.account_id == account.id) | (Document.account_id.is_(None)))
             .order_by(Receipt.date, Receipt.id, LineItem.position))
    for item, receipt, doc in session.exec(query):
        link = links.get(item.id)
        reasons = []
        if item.category == "not_eligible":
            reasons.append("not an eligible expense")
        if item.amount is None or item.amount <= 0:
            reasons.append("no amount")
        if item.needs_lmn and (link is None or link.status not in COVERED):
            reasons.append("needs a letter of medical necessity that covers it")
        if account.type == "hsa" and account.established and receipt.date and receipt.date < account.established:
            reasons.append("dated before the HSA was established")
        in_claims = claimed.get(item.id, [])
        rows.append({
            "item_id": item.id, "receipt_id": receipt.id, "document_id": doc.id, "file": doc.file_name,
            "date": receipt.date, "merchant": receipt.merchant, "description": item.description,
            "amount": item.amount, "category": item.category, "needs_lmn": item.needs_lmn,
            "person_id": receipt.person_id, "person": people.get(receipt.person_id),
            "letter_id": link.letter_id if link and link.status in COVERED else None,
            "eligible": not reasons, "why_not": "; ".join(reasons),
            "claims": in_claims,
            "claimed": any(status in ("submitted", "reimbursed") for _, status in in_claims),
        })
    return rows


def candidate_expenses(vault: Vault, account: str | int, *, person: str | None = None,
                       date_from: date | None = None, date_to: date | None = None,
                       include_claimed: bool = False) -> list[dict]:
    """Expenses that could go into a new claim for the account (JSON-ready)."""
    with vault.session() as session:
        acct = find_account(session, str(account))
        person_id = find_person(session, person).id if person else None
        rows = _filter(_expense_rows(session, acct), person_id, date_from, date_to, include_claimed)
    return [_row_json(r) for r in rows]


def _filter(rows, person_id, date_from, date_to, include_claimed) -> list[dict]:
    out = []
    for row in rows:
        if not row["eligible"] or (row["claimed"] and not include_claimed):
            continue
        if person_id is not None and row["person_id"] not in (person_id, None):
            continue
        if date_from and (row["date"] is None or row["date"] < date_from):
            continue
        if date_to and (row["date"] is None or row["date"] > date_to):
            continue
        out.append(row)
    return out


def _row_json(row: dict) -> dict:
    return {**{k: v for k, v in row.items() if k not in ("claims",)},
            "date": day(row["date"]), "amount": money(row["amount"])}


def new_claim(vault: Vault, *, account: str | int, person: str | None = None, date_from: date | None = None,
              date_to: date | None = None, item_ids: list[int] | None = None,
              include_claimed: bool = False) -> dict:
    """A draft claim. Without --items: every eligible expense of the account not yet claimed."""
    with vault.session() as session:
        acct = find_account(session, str(account))
        person_row = find_person(session, person) if person else None
        rows = _expense_rows(session, acct)
        if item_ids:
            by_id = {r["item_id"]: r for r in rows}
            chosen = []
            for item_id in item_ids:
                row = by_id.get(item_id)
                if row is None:
                    raise UserError(f"Item {item_id} is not an expense of account {acct.name}.")
                if row["claimed"] and not include_claimed:
                    raise UserError(f"Item {item_id} is already in a submitted or reimbursed claim; "
                                    "use --include-claimed to claim it again.")
                if row["amount"] is None:
                    raise UserError(f"Item {item_id} has no amount; correct it with 'hsawallet set' first.")
                chosen.append(row)
        else:
            chosen = _filter(rows, person_row.id if person_row else None, date_from, date_to, include_claimed)
        if not chosen:
            raise UserError(f"No eligible, unclaimed expenses for account {acct.name} with these filters.")
        claim = Claim(account_id=acct.id, person_id=person_row.id if person_row else None, title="",
                      date_from=date_from, date_to=date_to)
        session.add(claim)
        session.flush()
        claim.title = f"Claim {claim.id} - {acct.name}"
        for row in chosen:
            session.add(ClaimItem(claim_id=claim.id, item_id=row["item_id"], amount=row["amount"]))
        session.commit()
        claim_id = claim.id
    events.publish(events.CLAIMS_CHANGED)
    return claim_json(vault, claim_id)


def _claim_lines(session: Session, claim_id: int) -> list[tuple[ClaimItem, LineItem, Receipt, Document]]:
    return list(session.exec(
        select(ClaimItem, LineItem, Receipt, Document)
        .join(LineItem, LineItem.id == ClaimItem.item_id)
        .join(Receipt, Receipt.id == LineItem.receipt_id)
        .join(Document, Document.id == Receipt.document_id)
        .where(ClaimItem.claim_id == claim_id)
        .order_by(Receipt.date, Receipt.id, LineItem.position)))


def _claim_dict(session: Session, claim: Claim) -> dict:
    account = session.get(Account, claim.account_id)
    person = session.get(Person, claim.person_id) if claim.person_id else None
    links = {l.item_id: l for l in session.exec(select(ItemLink))}
    items = []
    total = Decimal("0")
    for claim_item, item, receipt, doc in _claim_lines(session, claim.id):
        link = links.get(item.id)
        amount = claim_item.amount or Decimal("0")
        total += amount
        items.append({"item_id": item.id, "receipt_id": receipt.id, "document_id": doc.id, "file": doc.file_name,
                      "date": day(receipt.date), "merchant": receipt.merchant, "description": item.description,
                      "amount": money(amount),
                      "letter_id": link.letter_id if link and link.status in COVERED else None})
    return {"id": claim.id, "title": claim.title, "account": account.name if account else None,
            "account_type": account.type if account else None, "person": person.name if person else None,
            "status": claim.status, "created": claim.created_at.date().isoformat(),
            "items": items, "total": money(total), "submitted_on": day(claim.submitted_on),
            "reimbursed_amount": money(claim.reimbursed_amount), "reimbursed_on": day(claim.reimbursed_on),
            "denied_reason": claim.denied_reason}


def claim_json(vault: Vault, claim_id: int) -> dict:
    with vault.session() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise UserError(f"There is no claim {claim_id}.")
        return _claim_dict(session, claim)


def list_claims(vault: Vault) -> list[dict]:
    with vault.session() as session:
        return [_claim_dict(session, c) for c in session.exec(select(Claim).order_by(Claim.id))]


def mark(vault: Vault, claim_id: int, status: str, *, amount: Decimal | None = None, on: date | None = None,
         reason: str | None = None) -> dict:
    if status not in STATUSES:
        raise UserError(f"A claim's status is one of {', '.join(STATUSES)}.")
    with vault.session() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise UserError(f"There is no claim {claim_id}.")
        total = sum((ci.amount or Decimal("0") for ci in session.exec(
            select(ClaimItem).where(ClaimItem.claim_id == claim_id))), Decimal("0"))
        if amount is not None and status != "reimbursed":
            raise UserError("--amount goes with 'reimbursed'.")
        if status == "reimbursed":
            amount = total if amount is None else amount
            if amount < 0 or amount > total:
                raise UserError(f"The reimbursed amount must be between 0.00 and the claim total {money(total)}.")
            claim.reimbursed_amount, claim.reimbursed_on = amount, on or date.today()
            claim.submitted_on = claim.submitted_on or claim.reimbursed_on
        elif status == "submitted":
            claim.submitted_on = on or date.today()
        elif status == "denied":
            claim.denied_reason = reason or claim.denied_reason or "no reason given"
        claim.status = status
        session.add(claim)
        session.commit()
    events.publish(events.CLAIMS_CHANGED)
    return claim_json(vault, claim_id)


def export(vault: Vault, claim_id: int, out_dir: Path, *, as_of: date | None = None) -> tuple[Path, Path]:
    """Write <out_dir>/<name>.pdf and .zip (all or nothing)."""
    from hsawallet.services.coverage import check

    warnings = check(vault, as_of=as_of)
    with vault.session() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise UserError(f"There is no claim {claim_id}.")
        account = session.get(Account, claim.account_id)
        data = _claim_dict(session, claim)
        lines = _claim_lines(session, claim_id)
        links = {l.item_id: l for l in session.exec(select(ItemLink))}
        letters = {l.id: (l, session.get(Document, l.document_id)) for l in session.exec(select(Letter))}
        receipts_docs: dict[int, ClaimDocument] = {}
        letter_docs: dict[int, ClaimDocument] = {}
        expenses = []
        people = {p.id: p.name for p in session.exec(select(Person))}
        for claim_item, item, receipt, doc in lines:
            if doc.id not in receipts_docs:
                receipts_docs[doc.id] = _claim_document(session, doc)
            link = links.get(item.id)
            letter_doc_id, label = None, None
            if link and link.status in COVERED and link.letter_id in letters:
                letter, letter_doc = letters[link.letter_id]
                letter_doc_id = letter_doc.id
                if letter_doc.id not in letter_docs:
                    letter_docs[letter_doc.id] = _claim_document(session, letter_doc)
                label = ", ".join(x for x in (letter.provider_name, day(letter.issue_date)) if x) or letter_doc.file_name
            expenses.append(ClaimExpense(
                item_id=item.id, receipt_id=receipt.id, document_id=doc.id, date=receipt.date,
                merchant=receipt.merchant, description=item.description, amount=claim_item.amount or Decimal("0"),
                person=people.get(receipt.person_id), letter_document_id=letter_doc_id, letter_label=label))
        item_ids = {e.item_id for e in expenses}
        receipt_ids = {e.receipt_id for e in expenses}
        relevant = [w.message for w in warnings
                    if w.item_id in item_ids or (w.item_id is None and w.receipt_id in receipt_ids)]
        claimants = sorted({e.person for e in expenses if e.person})
        claimant = data["person"] or ", ".join(claimants) or "Account holder"
        plan_year = None
        if account.plan_start and account.plan_end:
            plan_year = f"{account.plan_start.isoformat()} to {account.plan_end.isoformat()}"
        packet = ClaimPacketInput(
            claim_id=claim.id, title=claim.title, claimant=claimant, account_name=account.name,
            account_type=account.type.upper(), plan_year=plan_year, created=claim.created_at.date(),
            expenses=expenses, warnings=relevant, receipts=list(receipts_docs.values()),
            letters=list(letter_docs.values()))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", account.name).strip("-").lower() or "account"
    name = f"claim-{claim_id}-{slug}"
    try:
        return export_claim(packet, Path(out_dir), name)
    except ExportError as exc:
        raise UserError(str(exc)) from None


def _claim_document(session: Session, doc: Document) -> ClaimDocument:
    return ClaimDocument(document_id=doc.id, file=doc.file_name, media_type=doc.media_type or "application/pdf",
                         data=document_bytes(session, doc.id), sha256=doc.sha256)


def shoebox(vault: Vault, *, as_of: date | None = None) -> dict:
    """HSA: eligible expenses not yet reimbursed, per year. FSA/HRA: unclaimed per plan year and deadline."""
    as_of = as_of or date.today()
    out = {"accounts": []}
    with vault.session() as session:
        rules_accounts = {a.id: a for a in load_accounts(session)}
        claims = {c.id: c for c in session.exec(select(Claim))}
        claim_totals: dict[int, Decimal] = {}
        for ci in session.exec(select(ClaimItem)):
            claim_totals[ci.claim_id] = claim_totals.get(ci.claim_id, Decimal("0")) + (ci.amount or Decimal("0"))
        for account in session.exec(select(Account).order_by(Account.id)):
            expenses = []
            for row in _expense_rows(session, account):
                if row["amount"] is None:
                    continue
                status, paid = _best_claim(row["claims"], claims, claim_totals, row["amount"])
                expenses.append(shoebox_rules.ShoeboxExpense(
                    item_id=row["item_id"], receipt_id=row["receipt_id"], date=row["date"], amount=row["amount"],
                    account_type=account.type, eligible=row["eligible"], claim_status=status,
                    reimbursed_amount=paid))
            entry = {"account": account.name, "type": account.type}
            if account.type == "hsa":
                summary = shoebox_rules.hsa_shoebox(expenses)
                entry.update({"per_year": {str(y): money(v) for y, v in sorted(summary.per_year.items())},
                              "total_available": money(summary.total_available), "count": summary.count})
            else:
                rules_account = rules_accounts[account.id]
                years = deadlines.plan_years_for_dates(rules_account, [e.date for e in expenses if e.date])
                plan_years = []
                for py in years:
                    incurred = deadlines.incurred_window(rules_account, py)
                    deadline = deadlines.claim_deadline(rules_account, py) or incurred[1]
                    plan_years.append(shoebox_rules.PlanYear(start=incurred[0], end=incurred[1], deadline=deadline))
                unclaimed = shoebox_rules.fsa_unclaimed(expenses, plan_years)
                entry["plan_years"] = [{"start": day(u.plan_year.start), "end": day(u.plan_year.end),
                                        "deadline": day(u.deadline), "unclaimed": money(u.amount),
                                        "count": u.count, "days_left": (u.deadline - as_of).days}
                                       for u in unclaimed]
            out["accounts"].append(entry)
    return out


def _best_claim(in_claims, claims, claim_totals, amount) -> tuple[str | None, Decimal | None]:
    """The claim state that matters most for an expense; a partial payment is shared pro rata."""
    best = (None, None)
    for claim_id, status in in_claims:
        claim = claims[claim_id]
        if status == "reimbursed":
            total = claim_totals.get(claim_id) or Decimal("0")
            paid = claim.reimbursed_amount if claim.reimbursed_amount is not None else total
            share = (amount * paid / total).quantize(Decimal("0.01")) if total else amount
            return "reimbursed", share
        if status == "submitted" or (status == "draft" and best[0] is None):
            best = (status, None)
    return best
