"""Glue between the vault and the pure rules of hsawallet.coverage: links and warnings."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from hsawallet import config
from hsawallet import coverage as rules
from hsawallet.coverage.link import item_matches_letter_items
from hsawallet.services import events
from hsawallet.services.errors import UserError
from hsawallet.store.engine import Vault
from hsawallet.store.models import (
    Account,
    Claim,
    ClaimItem,
    ItemLink,
    Letter,
    LineItem,
    ManualLink,
    Person,
    Receipt,
    WarningState,
    id_col,
    row_id,
)
from hsawallet.vocab import CLAIMED_STATUSES, USER_LINK_STATUSES, AccountType, LinkStatus

# Every link status but covered.
UNCOVERED_STATUSES = tuple(s for s in LinkStatus if s != LinkStatus.COVERED)
# Link statuses a warning is raised for (manual links: when outside the letter's terms, read in Python).
WARNING_LINK_STATUSES = (
    LinkStatus.BEFORE_LETTER,
    LinkStatus.AFTER_EXPIRY,
    LinkStatus.NO_LETTER,
    LinkStatus.UNLINKED,
    LinkStatus.MANUAL,
)


def load_people(session: Session) -> list[rules.Person]:
    return [
        rules.Person(id=row_id(p.id), name=p.name, dob=p.dob)
        for p in session.exec(select(Person).order_by(id_col(Person.id)))
    ]


def load_accounts(session: Session) -> list[rules.Account]:
    return [
        rules.Account(
            id=row_id(a.id),
            name=a.name,
            type=a.type,
            plan_start=a.plan_start,
            plan_end=a.plan_end,
            grace_end=a.grace_end,
            carryover=a.carryover,
            runout_end=a.runout_end,
            established=a.established,
        )
        for a in session.exec(select(Account).order_by(id_col(Account.id)))
    ]


def load_letters(session: Session) -> list[rules.Letter]:
    """Every letter, from the driver's rows (ORM rows and per-column type processing cost more than the rules that
    read them; every relink and check loads them all)."""
    return [
        rules.Letter(
            id=letter_id,
            file=file_name,
            person_id=person_id,
            patient_name=patient_name,
            patient_dob=_day(patient_dob),
            provider_name=provider_name,
            categories=_json_tuple(categories),
            items=_json_tuple(items),
            issue_date=_day(issue_date),
            valid_through=_day(valid_through),
            valid_through_stated=bool(stated),
            missing=_json_tuple(missing),
        )
        for (
            letter_id,
            file_name,
            person_id,
            patient_name,
            patient_dob,
            provider_name,
            categories,
            items,
            issue_date,
            valid_through,
            stated,
            missing,
        ) in _rows(
            session,
            "SELECT l.id, d.file_name, l.person_id, l.patient_name, l.patient_dob, l.provider_name, l.categories, "
            "l.items, l.issue_date, l.valid_through, l.valid_through_stated, l.missing "
            "FROM letter l JOIN document d ON d.id = l.document_id ORDER BY l.id",
        )
    ]


def _json_tuple(value: str | None) -> tuple[Any, ...]:
    """A JSON list column's text (store.models.JSONList) as a tuple; most are empty, which needs no parsing."""
    return tuple(json.loads(value)) if value and value != "[]" else ()


def _day(value: str | None) -> date | None:
    """A date column's text ("2026-03-02") as a date (store.models' Date columns hold ISO text)."""
    return date.fromisoformat(value) if value else None


# The items compute_links gives a link: those that need a letter, and those the user linked or unlinked by hand.
_LINKED_ITEMS = "(needs_lmn OR id IN (SELECT item_id FROM manuallink))"


def load_receipts(
    session: Session, receipt_ids: Collection[int] | None = None, *, linked_items_only: bool = False
) -> list[rules.Receipt]:
    """Every receipt with its items, or only those in ``receipt_ids``: raw rows converted here (a vault may hold
    tens of thousands; the ORM's and the column types' work per row cost more than the rules that read them).
    ``linked_items_only``: only the items that get a link, and the receipts that have one (the rest give
    compute_links nothing to do)."""
    if receipt_ids is not None:
        return [r for chunk in _chunks(receipt_ids) for r in _load_receipts(session, chunk, linked_items_only)]
    return _load_receipts(session, None, linked_items_only)


def _rows(session: Session, sql: str) -> Sequence[tuple[Any, ...]]:
    """The rows of a query as the driver gives them, in the session's transaction: plain tuples, for the reads of
    every receipt, item or link (SQLAlchemy's result rows cost more per row than the work done with them)."""
    session.flush()  # what the session holds unwritten is read too, as its own queries would
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _id_list(ids: Iterable[int]) -> str:
    """Ids written into a query ("3, 5, 8"): integers only, so nothing but numbers reaches the SQL."""
    return ", ".join(str(int(i)) for i in ids)


def _load_receipts(session: Session, ids: list[int] | None, linked_items_only: bool) -> list[rules.Receipt]:
    where = [] if ids is None else [f"receipt_id IN ({_id_list(ids)})"]
    if linked_items_only:
        where.append(_LINKED_ITEMS)
    items_by_receipt: dict[int, list[rules.Item]] = {}
    for receipt_id, item_id, description, amount, category, needs_lmn in _rows(
        session,
        "SELECT receipt_id, id, description, amount, category, needs_lmn FROM lineitem"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY receipt_id, position",
    ):
        items_by_receipt.setdefault(receipt_id, []).append(
            rules.Item(
                id=item_id,
                description=description,
                amount=None if amount is None else Decimal(amount),
                category=category,
                needs_lmn=bool(needs_lmn),
            )
        )
    return [
        rules.Receipt(
            id=receipt_id,
            file=file_name,
            person_id=person_id,
            merchant=merchant,
            date=_day(day),
            total=None if total is None else Decimal(total),
            account_id=account_id,
            items=tuple(items_by_receipt.get(receipt_id, ())),
            document_sha256=sha256,
        )
        for receipt_id, file_name, person_id, merchant, day, total, account_id, sha256 in _rows(
            session,
            "SELECT r.id, d.file_name, r.person_id, r.merchant, r.date, r.total, d.account_id, d.sha256 "
            "FROM receipt r JOIN document d ON d.id = r.document_id"
            + ("" if ids is None else f" WHERE r.id IN ({_id_list(ids)})")
            + " ORDER BY r.id",
        )
        if not linked_items_only or receipt_id in items_by_receipt
    ]


def _resolve_people(session: Session, people: list[rules.Person], document_ids: Collection[int] | None = None) -> None:
    """Who each letter and receipt belongs to (of ``document_ids``, else all); redone because people can change."""
    letters_query = "SELECT id, patient_name, patient_dob, assigned_person_id, person_id FROM letter"
    receipts_query = (
        "SELECT r.id, r.patient, d.person_id, r.person_id FROM receipt r JOIN document d ON d.id = r.document_id"
    )
    if document_ids is not None:
        letters_query += f" WHERE document_id IN ({_id_list(document_ids)})"
        receipts_query += f" WHERE r.document_id IN ({_id_list(document_ids)})"
    known = {p.id for p in people}
    matched: dict[tuple[str | None, str | None], int | None] = {}  # letters of one patient print the same name
    changed_letters = []
    for letter_id, patient_name, patient_dob, assigned_id, current_id in _rows(session, letters_query):
        assigned = assigned_id if assigned_id in known else None
        printed = (patient_name, patient_dob)
        if printed not in matched:
            matched[printed] = rules.match_person(patient_name, _day(patient_dob), people)
        person_id = assigned or matched[printed]
        if current_id != person_id:
            changed_letters.append({"id": letter_id, "person_id": person_id})
    if changed_letters:
        session.execute(update(Letter), changed_letters)
    resolved: dict[tuple[str | None, int | None], int | None] = {}  # many receipts print the same patient
    changed = []
    for receipt_id, patient, document_person, current in _rows(session, receipts_query):
        key = (patient, document_person)
        if key not in resolved:
            resolved[key] = rules.resolve_receipt_person(patient, document_person, people)
        if resolved[key] != current:
            changed.append({"id": receipt_id, "person_id": resolved[key]})
    if changed:
        session.execute(update(Receipt), changed)


def _items_touched(
    session: Session,
    document_ids: Collection[int],
    item_ids: Collection[int],
    letters: list[rules.Letter],
    letters_before: Collection[rules.Letter] = (),
) -> set[int]:
    """Line items whose link a change of these documents (or of these items' manual links) can alter.

    The items of changed receipts. For a changed letter (``letters_before``: its terms before an edit), among
    the items of its categories or that it lists (old and new terms; any patient, since reasons name other
    people's letters): every one not covered now, every one covered on a day the letter is now in force (it
    may win), and every one linked or related to it. An item covered by another letter on a day this one
    is not in force keeps its link: the latest letter in force wins, and this one is not.
    """
    touched = set(item_ids)
    changed_ids: set[int] = set()
    for chunk in _chunks(document_ids):
        touched.update(
            session.exec(
                select(id_col(LineItem.id))
                .join(Receipt, id_col(Receipt.id) == col(LineItem.receipt_id))
                .where(col(Receipt.document_id).in_(chunk))
            )
        )
        changed_ids.update(session.exec(select(id_col(Letter.id)).where(col(Letter.document_id).in_(chunk))))
    changed = [l for l in letters if l.id in changed_ids]
    if not changed:
        return touched
    letter_ids = sorted(changed_ids)
    touched.update(
        session.exec(
            select(ItemLink.item_id).where(
                col(ItemLink.letter_id).in_(letter_ids) | col(ItemLink.related_letter_id).in_(letter_ids)
            )
        )
    )
    touched.update(session.exec(select(ManualLink.item_id).where(col(ManualLink.letter_id).in_(letter_ids))))
    terms = [*changed, *letters_before]
    categories = sorted({c for l in terms for c in l.categories})
    listed = [i for l in terms for i in l.items]
    descriptions = []
    if listed:
        descriptions = [
            d for d in session.exec(select(LineItem.description).distinct()) if item_matches_letter_items(d, listed)
        ]
    concerned = col(LineItem.category).in_(categories) | col(LineItem.description).in_(descriptions)
    # Every item that needs a letter has a link (each relink writes one per such item), so "not covered now"
    # is a link whose status is another; ids from three index-only reads, met here (a join probes each row).
    concerned_ids = set(session.exec(select(id_col(LineItem.id)).where(col(LineItem.category).in_(categories))))
    concerned_ids.update(session.exec(select(id_col(LineItem.id)).where(col(LineItem.description).in_(descriptions))))
    not_covered = set(session.exec(select(ItemLink.item_id).where(col(ItemLink.status).in_(UNCOVERED_STATUSES))))
    touched |= concerned_ids & not_covered
    for letter in changed:
        end = rules.effective_end(letter)
        if letter.issue_date is None or end is None or letter.person_id is None:
            continue  # in force on no day, or for no one in People: it covers nothing
        touched.update(
            session.exec(
                select(id_col(LineItem.id))
                .join(Receipt, id_col(Receipt.id) == col(LineItem.receipt_id))
                .where(
                    col(LineItem.needs_lmn),
                    concerned,
                    col(Receipt.date) >= letter.issue_date,
                    col(Receipt.date) <= end,
                )
            )
        )
    return touched


def letter_terms(row: Letter) -> rules.Letter:
    """A letter's categories and listed items as the rules see them (what an edit of it may change)."""
    return rules.Letter(id=row.id or 0, file="", categories=tuple(row.categories), items=tuple(row.items))


def recompute_links(
    vault: Vault,
    *,
    document_ids: Collection[int] | None = None,
    item_ids: Collection[int] = (),
    letters_before: Collection[rules.Letter] = (),
) -> list[rules.LinkResult]:
    """Relink line items to letters and store the results.

    With neither ``document_ids`` nor ``item_ids``: the whole vault (``links --recompute``, and after a
    change of people). Otherwise only the items these new or edited documents, or these manual links,
    can change (``letters_before``: an edited letter's terms before the edit, see ``letter_terms``); the
    result is the same as a full recompute (tests/services/test_links_incremental.py). Returns the results
    written.
    """
    full = document_ids is None and not item_ids
    with vault.session() as session:
        people = load_people(session)
        _resolve_people(session, people, None if full else list(document_ids or ()))
        letters = load_letters(session)
        touched: set[int] = set()
        if full:
            receipts = load_receipts(session, linked_items_only=True)
            manual_rows = list(session.exec(select(ManualLink)))
        else:
            touched = _items_touched(session, list(document_ids or ()), item_ids, letters, letters_before)
            receipt_ids: set[int] = set()
            manual_rows = []
            for chunk in _chunks(touched):
                receipt_ids.update(session.exec(select(LineItem.receipt_id).where(col(LineItem.id).in_(chunk))))
                manual_rows += session.exec(select(ManualLink).where(col(ManualLink.item_id).in_(chunk)))
            receipts = [
                replace(r, items=tuple(i for i in r.items if i.id in touched))
                for r in load_receipts(session, receipt_ids, linked_items_only=True)
            ]
        manual = [rules.ManualLink(item_id=m.item_id, letter_id=m.letter_id) for m in manual_rows]
        results = rules.compute_links(receipts, letters, manual, people=people)
        _write_links(session, results, None if full else touched)
        session.commit()
    events.publish(events.LINKS_CHANGED)
    return results


_LINK_COLUMNS = "item_id, letter_id, related_letter_id, status, reason, manual, outside_terms"


def _write_links(session: Session, results: list[rules.LinkResult], items: Collection[int] | None) -> None:
    """Store the links of ``items`` (None: of every item) as ``results`` say, writing only the rows that differ
    from the stored ones: a relink changes few links, and each written row costs its indexes and the receipt's
    count of uncovered items (migration 0009's triggers)."""
    connection = session.connection()
    stored: dict[int, tuple[Any, ...]] = {}
    query = f"SELECT {_LINK_COLUMNS} FROM itemlink"
    for chunk in [None] if items is None else _chunks(items):
        where = "" if chunk is None else f" WHERE item_id IN ({_id_list(chunk)})"
        stored.update((row[0], row) for row in _rows(session, query + where))
    changed = []
    for link in results:
        # as the columns hold them: manual 0/1, outside_terms JSON text (store.models.JSONList)
        row = (
            link.item_id,
            link.letter_id,
            link.related_letter_id,
            str(link.status),
            link.reason,
            int(link.status in USER_LINK_STATUSES),
            json.dumps(list(link.outside_terms)) if link.outside_terms else "[]",
        )
        if stored.pop(link.item_id, None) != row:
            changed.append(row)
    for chunk in _chunks(stored):  # links of items that no longer get one
        connection.exec_driver_sql(f"DELETE FROM itemlink WHERE item_id IN ({_id_list(chunk)})")
    if changed:
        connection.exec_driver_sql(
            f"INSERT INTO itemlink ({_LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _LINK_COLUMNS.split(", ")[1:]),
            changed,
        )


class OutsideTermsError(UserError):
    """A manual link the letter's own terms do not support; ``reasons`` says why. Confirm with force."""

    def __init__(self, message: str, reasons: tuple[str, ...]):
        super().__init__(message)
        self.reasons = reasons


def link_outside_terms(session: Session, item_id: int, letter_id: int) -> tuple[str, ...]:
    """Why linking this item to this letter goes beyond the letter's terms (empty: it does not)."""
    people = load_people(session)
    item, letter_row = session.get(LineItem, item_id), session.get(Letter, letter_id)
    receipt_row = session.get(Receipt, item.receipt_id) if item is not None else None
    if item is None or receipt_row is None or letter_row is None:
        raise UserError(f"There is no line item {item_id} or no letter {letter_id}.")
    _resolve_people(session, people, [receipt_row.document_id, letter_row.document_id])
    receipt = load_receipts(session, [item.receipt_id])[0]
    letter = next(l for l in load_letters(session) if l.id == letter_id)
    rule_item = next(i for i in receipt.items if i.id == item_id)
    return rules.outside_terms(letter, receipt, rule_item, {p.id: p for p in people})


def set_manual_link(vault: Vault, item_id: int, letter_id: int | None, *, force: bool = False) -> None:
    """Link an item to a letter by hand, or (letter_id None) unlink it; kept across recomputation.

    A link outside the letter's terms (category, dates, patient) raises OutsideTermsError unless
    ``force``; forced, the link keeps that mark and a manual_link_outside_terms warning."""
    with vault.session() as session:
        item = session.get(LineItem, item_id)
        if item is None:
            raise UserError(f"There is no line item {item_id}.")
        if letter_id is not None and session.get(Letter, letter_id) is None:
            raise UserError(f"There is no letter {letter_id}.")
        if letter_id is not None and not force:
            reasons = link_outside_terms(session, item_id, letter_id)
            if reasons:
                session.rollback()
                raise OutsideTermsError(
                    f"Letter {letter_id} does not cover item {item_id} ({item.description}): {'; '.join(reasons)}. "
                    "Nothing was changed. To link it anyway (it will be marked as outside the letter's terms "
                    "and warned about), use --force.",
                    reasons,
                )
        row = session.get(ManualLink, item_id) or ManualLink(item_id=item_id)
        row.letter_id = letter_id
        session.add(row)
        session.commit()
    recompute_links(vault, item_ids=[item_id])


def clear_manual_link(vault: Vault, item_id: int) -> None:
    """Forget the user's choice; the automatic link applies again."""
    with vault.session() as session:
        row = session.get(ManualLink, item_id)
        if row is not None:
            session.delete(row)
            session.commit()
    recompute_links(vault, item_ids=[item_id])


def stored_links(session: Session) -> list[ItemLink]:
    return list(session.exec(select(ItemLink).order_by(col(ItemLink.item_id))))


def links_as_results(session: Session, receipt_ids: Collection[int] | None = None) -> list[rules.LinkResult]:
    """The stored links (of the items of ``receipt_ids``, else all), in item order."""
    query = (
        columns(
            col(ItemLink.item_id),
            col(LineItem.receipt_id),
            col(ItemLink.letter_id),
            col(ItemLink.status),
            col(ItemLink.related_letter_id),
            col(ItemLink.reason),
            col(ItemLink.outside_terms),
        )
        .join(LineItem, id_col(LineItem.id) == col(ItemLink.item_id))
        .order_by(col(ItemLink.item_id))
    )
    chunks = (
        [query] if receipt_ids is None else [query.where(col(LineItem.receipt_id).in_(c)) for c in _chunks(receipt_ids)]
    )
    out = [
        rules.LinkResult(
            item_id=item_id,
            receipt_id=receipt_id,
            letter_id=letter_id,
            status=LinkStatus(status),
            related_letter_id=related,
            reason=reason,
            outside_terms=tuple(outside),
        )
        for chunk in chunks
        for item_id, receipt_id, letter_id, status, related, reason, outside in session.connection().execute(chunk)
    ]
    return out if len(chunks) <= 1 else sorted(out, key=lambda l: l.item_id)


def _chunks(ids: Collection[int], size: int = 20000) -> list[list[int]]:
    """Ids in slices SQLite takes as bound parameters (at most 32766 in one statement)."""
    ordered = sorted(ids)
    return [ordered[k : k + size] for k in range(0, len(ordered), size)]


def claimed_item_ids(session: Session) -> frozenset[int]:
    rows = session.exec(
        select(ClaimItem.item_id)
        .join(Claim, id_col(Claim.id) == col(ClaimItem.claim_id))
        .where(col(Claim.status).in_(CLAIMED_STATUSES))
    )
    return frozenset(rows)


def dismissed_keys(session: Session) -> frozenset[str]:
    return frozenset(w.key for w in session.exec(select(WarningState).where(WarningState.dismissed)))


def check(session: Session, *, as_of: date | None = None, include_dismissed: bool = True) -> list[rules.Warning]:
    """Every warning as of a day. Only the Dashboard leaves dismissed ones out (include_dismissed=False):
    a dismissal means "I have seen it", so every check that guards money still sees them.

    The rules run over the receipts that can carry a warning, found by indexed queries
    (``receipts_that_may_warn``), not over every receipt: the same warnings (tests/services/test_check_indexed.py).
    """
    as_of = as_of or date.today()
    accounts = load_accounts(session)
    expiring_days = config.get(session, "expiring_days")
    deadline_days = config.get(session, "deadline_days")
    receipt_ids = receipts_that_may_warn(session, accounts, as_of, deadline_days)
    warnings = rules.compute_warnings(
        receipts=load_receipts(session, receipt_ids),
        letters=load_letters(session),
        links=links_as_results(session, receipt_ids),
        accounts=accounts,
        people=load_people(session),
        as_of=as_of,
        expiring_days=expiring_days,
        deadline_days=deadline_days,
        claimed_item_ids=claimed_item_ids(session),
    )
    if not include_dismissed:
        dismissed = dismissed_keys(session)
        warnings = [w for w in warnings if warning_key(w) not in dismissed]
    return warnings


def receipts_that_may_warn(
    session: Session, accounts: list[rules.Account], as_of: date, deadline_days: int
) -> set[int]:
    """Every receipt a warning as of ``as_of`` can be about: those with an item linked with a problem (or by
    hand), dated before an HSA's start, sharing date and total with another receipt (a possible duplicate),
    or incurred in a plan year whose claim deadline is near. Letter warnings need no receipt."""
    ids = set(
        session.exec(
            select(LineItem.receipt_id)
            .join(ItemLink, col(ItemLink.item_id) == id_col(LineItem.id))
            .where(col(ItemLink.status).in_(WARNING_LINK_STATUSES))
            .distinct()
        )
    )
    established = [a.established for a in accounts if a.type == AccountType.HSA and a.established is not None]
    if established:
        ids.update(session.exec(select(id_col(Receipt.id)).where(col(Receipt.date) < max(established))))
    shared = (
        select(col(Receipt.date), col(Receipt.total))
        .where(col(Receipt.merchant).is_not(None), col(Receipt.date).is_not(None), col(Receipt.total).is_not(None))
        .group_by(col(Receipt.date), col(Receipt.total))
        .having(func.count() > 1)
        .subquery()
    )
    ids.update(
        session.exec(
            select(id_col(Receipt.id)).join(
                shared, (col(Receipt.date) == shared.c.date) & (col(Receipt.total) == shared.c.total)
            )
        )
    )
    horizon = as_of + timedelta(days=deadline_days)
    for account in accounts:
        for plan_year in rules.plan_years_due(account, as_of, horizon):
            first, last = rules.incurred_window(account, plan_year)
            ids.update(
                session.exec(select(id_col(Receipt.id)).where(col(Receipt.date) >= first, col(Receipt.date) <= last))
            )
    return ids


def warning_key(warning: rules.Warning) -> str:
    key = warning.key
    return key if isinstance(key, str) else "|".join(map(str, key))


def dismiss_warning(vault: Vault, key: str, dismissed: bool = True) -> None:
    dismiss_warnings(vault, [key], dismissed)


def dismiss_warnings(vault: Vault, keys: Iterable[str], dismissed: bool = True) -> None:
    """Dismiss (or, ``dismissed=False``, restore) these warnings in one transaction (the Dashboard's bulk action)."""
    with vault.session() as session:
        for key in dict.fromkeys(keys):
            row = session.get(WarningState, key) or WarningState(key=key)
            row.dismissed = dismissed
            session.add(row)
        session.commit()
    events.publish(events.LINKS_CHANGED)


def notified_keys(vault: Vault) -> set[str]:
    with vault.session() as session:
        return {w.key for w in session.exec(select(WarningState).where(WarningState.notified))}


def mark_notified(vault: Vault, keys: set[str]) -> None:
    with vault.session() as session:
        for key in keys:
            row = session.get(WarningState, key) or WarningState(key=key)
            row.notified = True
            session.add(row)
        session.commit()


def letter_checklist(missing: Iterable[str]) -> list[rules.ChecklistEntry]:
    """The administrator's checklist of a letter, element by element, from its ``missing`` keys."""
    return rules.audit_letter(missing)
