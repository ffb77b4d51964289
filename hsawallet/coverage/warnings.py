"""Warnings that money may be lost: letter problems, claim deadlines, HSA start, duplicates.

One warning per (type, receipt, letter); each carries a stable ``key`` (see model.warning_key)
for dismissals and notification dedupe. Messages are for the user's own screen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from hsawallet.vocab import DEADLINE_ACCOUNT_TYPES, Category, Severity, WarningType

from .audit import describe_missing
from .deadlines import before_established, claim_deadline, incurred_window, plan_years_for_dates
from .link import effective_end, letter_label
from .model import (
    AFTER_EXPIRY,
    BEFORE_LETTER,
    COVERED,
    MANUAL,
    NO_LETTER,
    UNLINKED,
    Account,
    Letter,
    LinkResult,
    Person,
    Receipt,
    Warning,
)
from .people import parse_name

WARNING_TYPES = tuple(WarningType)  # the order warnings are listed in
# Categories that are never reimbursable, whatever the letter says.
NOT_ELIGIBLE = frozenset({Category.NOT_ELIGIBLE})
# A claim deadline this close is shown as an error rather than a warning.
URGENT_DAYS = 14
# Letters ending this soon are warned about when the caller gives no setting (config's expiring_days default).
DEFAULT_EXPIRING_DAYS = 60


def _money(amount: Decimal | None) -> str:
    return "an unknown amount" if amount is None else f"${amount:,.2f}"


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    known = [a for a in amounts if a is not None]
    return sum(known, Decimal("0.00")) if known else None


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _receipt_label(receipt: Receipt) -> str:
    merchant = receipt.merchant or receipt.file
    return f"{merchant}, {receipt.date.isoformat()}" if receipt.date else merchant


def _same_patient(a: Letter, b: Letter) -> bool:
    if a.person_id is not None or b.person_id is not None:
        return a.person_id == b.person_id
    return parse_name(a.patient_name) == parse_name(b.patient_name)


def superseded(letter: Letter, letters: Sequence[Letter]) -> bool:
    """True when a later letter for the same patient covers every category and runs longer."""
    end = effective_end(letter)
    if letter.issue_date is None or end is None:
        return False
    for other in letters:
        other_end = effective_end(other)
        if (
            other.id != letter.id
            and other.issue_date is not None
            and other_end is not None
            and other.issue_date > letter.issue_date
            and other_end > end
            and set(letter.categories) <= set(other.categories)
            and _same_patient(letter, other)
        ):
            return True
    return False


def _receipt_account(receipt: Receipt, accounts: dict[int, Account]) -> Account | None:
    if receipt.account_id is not None:
        return accounts.get(receipt.account_id)
    # A household with a single account: every expense belongs to it.
    return next(iter(accounts.values())) if len(accounts) == 1 else None


def _link_warnings(
    receipts: dict[int, Receipt], letters: dict[int, Letter], links: Iterable[LinkResult], people: dict[int, Person]
) -> list[Warning]:
    groups: dict[tuple[WarningType, int, int | None], list[LinkResult]] = defaultdict(list)
    for link in links:
        if link.status == BEFORE_LETTER:
            groups[(WarningType.PURCHASE_BEFORE_LETTER, link.receipt_id, link.related_letter_id)].append(link)
        elif link.status == AFTER_EXPIRY:
            groups[(WarningType.PURCHASE_AFTER_EXPIRY, link.receipt_id, link.related_letter_id)].append(link)
        elif link.status in (NO_LETTER, UNLINKED):
            groups[(WarningType.NEEDS_LMN_MISSING, link.receipt_id, None)].append(link)
        elif link.status == MANUAL and link.outside_terms:
            groups[(WarningType.MANUAL_LINK_OUTSIDE_TERMS, link.receipt_id, link.letter_id)].append(link)
    warnings = []
    for (type_, receipt_id, letter_id), group in groups.items():
        receipt = receipts.get(receipt_id)
        if receipt is None:
            continue
        items = {i.id: i for i in receipt.items}
        chosen = [items[l.item_id] for l in group if l.item_id in items]
        amount = _sum(i.amount for i in chosen)
        count = f"{len(chosen)} item" + ("s" if len(chosen) != 1 else "")
        letter = letters.get(letter_id) if letter_id is not None else None
        where = _receipt_label(receipt)
        if type_ == WarningType.PURCHASE_BEFORE_LETTER and letter is not None and receipt.date and letter.issue_date:
            days = (letter.issue_date - receipt.date).days
            message = (
                f"{where}: {count} bought {_days(days)} before {letter_label(letter)}. "
                "A letter must be dated on or before the purchase; administrators deny these."
            )
            severity = Severity.ERROR
        elif (
            type_ == WarningType.PURCHASE_AFTER_EXPIRY
            and letter is not None
            and receipt.date
            and (end := effective_end(letter)) is not None
        ):
            days = (receipt.date - end).days
            message = (
                f"{where}: {count} bought {_days(days)} after {letter_label(letter)} "
                f"ended on {end.isoformat()}. Ask the provider for a renewed letter."
            )
            severity = Severity.ERROR
        elif type_ == WarningType.NEEDS_LMN_MISSING:
            categories = sorted({i.category.replace("_", " ") for i in chosen})
            person = people.get(receipt.person_id) if receipt.person_id is not None else None
            patient = person.name if person is not None else None
            one = len(chosen) == 1
            message = (
                f"{where}: {count} ({', '.join(categories)}) {'needs' if one else 'need'} a letter of "
                "medical necessity"
                + (f" for {patient}" if patient else "")
                + f", and none covers {'it' if one else 'them'}."
            )
            severity = Severity.WARNING
        elif type_ == WarningType.MANUAL_LINK_OUTSIDE_TERMS and letter is not None:
            terms = sorted({t for l in group for t in l.outside_terms})
            one = len(chosen) == 1
            message = (
                f"{where}: {count} linked by hand to {letter_label(letter)}, outside the letter's terms "
                f"({'; '.join(terms)}). An administrator may deny {'it' if one else 'them'}; ask the "
                "provider for a letter that covers " + ("it." if one else "them.")
            )
            severity = Severity.WARNING
        else:
            continue
        warnings.append(
            Warning(
                type_,
                severity,
                message,
                receipt_id=receipt_id,
                item_id=chosen[0].id if chosen else None,
                letter_id=letter_id,
                due=None,
                amount=amount,
                item_ids=tuple(i.id for i in chosen),
            )
        )
    return warnings


def _letter_warnings(letters: Sequence[Letter], as_of: date, expiring_days: int) -> list[Warning]:
    warnings = []
    horizon = as_of + timedelta(days=expiring_days)
    for letter in letters:
        end = effective_end(letter)
        label = letter_label(letter)
        for_what = ", ".join(c.replace("_", " ") for c in letter.categories)
        # superseded() walks every letter: asked only of those ending near as_of.
        if (
            end is not None
            and as_of - timedelta(days=expiring_days) <= end <= horizon
            and not superseded(letter, letters)
        ):
            if as_of <= end <= horizon:
                days = (end - as_of).days
                warnings.append(
                    Warning(
                        WarningType.LETTER_EXPIRING_SOON,
                        Severity.WARNING,
                        f"{label} ({for_what}) ends on {end.isoformat()}, in {_days(days)}. "
                        "Ask the provider for a renewal before buying more.",
                        letter_id=letter.id,
                        due=end,
                    )
                )
            elif as_of - timedelta(days=expiring_days) <= end < as_of:
                # Only a recent expiry: purchases after older ones are flagged one by one.
                warnings.append(
                    Warning(
                        WarningType.LETTER_EXPIRED,
                        Severity.WARNING,
                        f"{label} ({for_what}) ended on {end.isoformat()} and no newer letter replaces it. "
                        "Purchases from now on are not covered.",
                        letter_id=letter.id,
                        due=end,
                    )
                )
        if letter.missing:
            warnings.append(
                Warning(
                    WarningType.LETTER_INCOMPLETE,
                    Severity.WARNING,
                    f"{label}: {describe_missing(letter.missing)}",
                    letter_id=letter.id,
                )
            )
    return warnings


def _unknown_person_warnings(letters: Sequence[Letter]) -> list[Warning]:
    """A letter whose patient is no one in People covers nothing until the user says who it is for."""
    warnings = []
    for letter in letters:
        if letter.person_id is not None:
            continue
        for_what = ", ".join(c.replace("_", " ") for c in letter.categories) or "no category read"
        if letter.patient_name:
            message = (
                f"{letter_label(letter)} ({for_what}) is for {letter.patient_name}, who is not in People, "
                f"so it covers nothing. Add {letter.patient_name} to People, or assign the letter to "
                "the person it is for."
            )
        else:
            message = (
                f"{letter_label(letter)} ({for_what}): no patient name was read, so it covers nothing. "
                "Assign the letter to the person it is for."
            )
        warnings.append(Warning(WarningType.LETTER_UNKNOWN_PERSON, Severity.WARNING, message, letter_id=letter.id))
    return warnings


def _claim_deadline_warnings(
    receipts: Sequence[Receipt],
    accounts: dict[int, Account],
    links: dict[int, LinkResult],
    as_of: date,
    deadline_days: int,
    claimed_item_ids: frozenset[int],
) -> list[Warning]:
    warnings = []
    horizon = as_of + timedelta(days=deadline_days)
    for account in accounts.values():
        if account.type not in DEADLINE_ACCOUNT_TYPES:
            continue
        # (date, receipt) of the dated receipts charged to this account
        own = [(day, r) for r in receipts if (day := r.date) is not None and _receipt_account(r, accounts) is account]
        for plan_year in plan_years_for_dates(account, [day for day, _r in own]):
            deadline = claim_deadline(account, plan_year)
            if deadline is None or not as_of <= deadline <= horizon:
                continue
            first, last = incurred_window(account, plan_year)
            items = []
            for day, receipt in own:
                if not first <= day <= last:
                    continue
                for item in receipt.items:
                    if item.id in claimed_item_ids or item.category in NOT_ELIGIBLE:
                        continue
                    if item.needs_lmn and (link := links.get(item.id)) and link.status not in (COVERED, MANUAL):
                        continue
                    if item.needs_lmn and item.id not in links:
                        continue
                    items.append(item)
            amount = _sum(i.amount for i in items)
            if not items or not amount:
                continue
            days = (deadline - as_of).days
            message = (
                f"{account.name}: claims for the plan year {plan_year[0].isoformat()} to {plan_year[1].isoformat()} "
                f"are due by {deadline.isoformat()} (in {_days(days)}); {len(items)} eligible "
                f"expense{'s' if len(items) != 1 else ''} of {_money(amount)} not claimed yet."
            )
            if last > plan_year[1]:
                message += f" The grace period counts expenses through {last.isoformat()}."
            if account.carryover:
                message += (
                    f" Up to {_money(account.carryover)} of unused money carries over to the next plan year; "
                    "the rest is forfeited."
                )
            warnings.append(
                Warning(
                    WarningType.CLAIM_DEADLINE,
                    Severity.ERROR if days <= URGENT_DAYS else Severity.WARNING,
                    message,
                    due=deadline,
                    amount=amount,
                    item_id=items[0].id,
                    item_ids=tuple(i.id for i in items),
                    account_id=account.id,
                    scope=plan_year[0].isoformat(),
                )
            )
    return warnings


def _hsa_warnings(receipts: Sequence[Receipt], accounts: dict[int, Account]) -> list[Warning]:
    warnings = []
    for receipt in receipts:
        account = _receipt_account(receipt, accounts)
        if (
            account is None
            or account.established is None
            or receipt.date is None
            or not before_established(account, receipt.date)
        ):
            continue
        days = (account.established - receipt.date).days
        amount = receipt.total if receipt.total is not None else _sum(i.amount for i in receipt.items)
        warnings.append(
            Warning(
                WarningType.BEFORE_HSA_ESTABLISHED,
                Severity.ERROR,
                f"{_receipt_label(receipt)}: dated {_days(days)} before {account.name} was established on "
                f"{account.established.isoformat()}; an HSA cannot reimburse expenses incurred before it existed.",
                receipt_id=receipt.id,
                amount=amount,
                account_id=account.id,
            )
        )
    return warnings


def _merchant_key(merchant: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", merchant.casefold())


def _duplicate_warnings(receipts: Sequence[Receipt]) -> list[Warning]:
    groups: dict[tuple[str, date, Decimal], list[Receipt]] = defaultdict(list)
    for receipt in receipts:
        if receipt.merchant and receipt.date and receipt.total is not None and _merchant_key(receipt.merchant):
            groups[(_merchant_key(receipt.merchant), receipt.date, receipt.total)].append(receipt)
    warnings = []
    for group in groups.values():
        group.sort(key=lambda r: r.id)
        first = group[0]
        for receipt in group[1:]:
            if receipt.document_sha256 and receipt.document_sha256 == first.document_sha256:
                continue  # the same file: exact duplicates are stored once
            warnings.append(
                Warning(
                    WarningType.POSSIBLE_DUPLICATE,
                    Severity.WARNING,
                    f"{_receipt_label(receipt)}: same merchant, date and total ({_money(receipt.total)}) as "
                    f"{first.file}. Claim the expense only once.",
                    receipt_id=receipt.id,
                    amount=receipt.total,
                    scope=str(first.id),
                )
            )
    return warnings


def compute_warnings(
    *,
    receipts: Iterable[Receipt],
    letters: Iterable[Letter],
    links: Iterable[LinkResult],
    accounts: Iterable[Account],
    people: Iterable[Person],
    as_of: date,
    expiring_days: int = DEFAULT_EXPIRING_DAYS,
    claimed_item_ids: frozenset[int] = frozenset(),
    deadline_days: int | None = None,
) -> list[Warning]:
    """Every warning as of ``as_of``, ordered by type (see WARNING_TYPES), then receipt and letter.
    ``expiring_days`` ahead for letters, ``deadline_days`` (else the same) for claim deadlines."""
    receipts = list(receipts)
    letters = list(letters)
    links = list(links)
    accounts_by_id = {a.id: a for a in accounts}
    warnings = (
        _link_warnings({r.id: r for r in receipts}, {l.id: l for l in letters}, links, {p.id: p for p in people})
        + _letter_warnings(letters, as_of, expiring_days)
        + _claim_deadline_warnings(
            receipts,
            accounts_by_id,
            {l.item_id: l for l in links},
            as_of,
            expiring_days if deadline_days is None else deadline_days,
            frozenset(claimed_item_ids),
        )
        + _hsa_warnings(receipts, accounts_by_id)
        + _duplicate_warnings(receipts)
        + _unknown_person_warnings(letters)
    )
    order = {t: i for i, t in enumerate(WARNING_TYPES)}

    def sort_key(w: Warning) -> tuple[int, int, int, int, str]:
        return (
            order[w.type],
            w.receipt_id if w.receipt_id is not None else -1,
            w.letter_id if w.letter_id is not None else -1,
            w.account_id or 0,
            w.scope,
        )

    return sorted(warnings, key=sort_key)
