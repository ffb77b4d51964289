"""Prepared vaults for the record-view tests: real PDFs made with reportlab, imported for real,
or rows inserted directly when a test needs exact values for the rules."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import letter as LETTER_PAGE
from reportlab.pdfgen.canvas import Canvas

from tests.stored_rows import store_document, store_receipt

PATIENT = "Dana Whitfield"
PATIENT_DOB = date(1981, 6, 14)


def _pdf(lines: list[str], *, size: float = 11, leading: float = 16) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER_PAGE)
    _width, height = LETTER_PAGE
    y = height - 72
    for line in lines:
        if line.startswith("# "):
            canvas.setFont("Helvetica-Bold", size + 5)
            canvas.drawString(72, y, line[2:])
            y -= leading + 6
            continue
        canvas.setFont("Helvetica", size)
        if "\t" in line:  # description <tab> amount: amount right-aligned
            left, right = line.split("\t", 1)
            canvas.drawString(72, y, left)
            canvas.drawRightString(540, y, right)
        else:
            canvas.drawString(72, y, line)
        y -= leading
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def receipt_pdf(
    *,
    merchant: str = "Harborview Fitness Club",
    on: date = date(2026, 4, 20),
    patient: str = PATIENT,
    items: tuple[tuple[str, str], ...] = (
        ("Personal training session (60 min)", "85.00"),
        ("Therapeutic massage 60 min", "95.00"),
    ),
    card_last4: str = "4417",
) -> bytes:
    subtotal = sum(Decimal(amount) for _, amount in items)
    lines = [
        f"# {merchant}",
        "218 Harbor Street, Portland, ME 04101",
        "Tel (207) 555-0142",
        "",
        "SALES RECEIPT",
        f"Date: {on.strftime('%m/%d/%Y')}",
        "Receipt #: 20417",
        f"Patient: {patient}",
        "",
    ]
    lines += [f"{description}\t${amount}" for description, amount in items]
    lines += [
        "",
        f"Subtotal\t${subtotal:.2f}",
        "Tax\t$0.00",
        f"Total\t${subtotal:.2f}",
        "",
        f"VISA ending in {card_last4}",
        "Thank you for your visit!",
    ]
    return _pdf(lines)


def letter_pdf(
    *, patient: str = PATIENT, dob: date = PATIENT_DOB, issued: date = date(2026, 3, 2), with_license: bool = True
) -> bytes:
    lines = [
        "# Letter of Medical Necessity",
        "Cedar Point Family Medicine",
        "41 Elm Avenue, Portland, ME 04102 - Phone (207) 555-0188",
        "",
        f"Date: {issued.strftime('%B %d, %Y').replace(' 0', ' ')}",
        "",
        f"Patient name: {patient}",
        f"Date of birth: {dob.strftime('%m/%d/%Y')}",
        "",
        "Diagnosis: Chronic low back pain",
        "ICD-10 code: M54.50",
        "",
        "I examined the patient and recommend the following treatment, which is medically",
        "necessary to treat the diagnosed condition:",
        "- Personal training sessions, 2 times per week",
        "- Therapeutic massage, once per week",
        "Duration of treatment: 12 months",
        "",
        "These services are required to treat the condition and are not for general health.",
        "",
        "Sincerely,",
        "/s/ Laura M. Bennett, MD",
        "Laura M. Bennett, MD",
        "NPI: 1234567893",
    ]
    if with_license:
        lines.append("State license #: ME MD.204981")
    return _pdf(lines)


@dataclass
class Prepared:
    """What a prepared vault holds (ids), for assertions."""

    person_id: int
    account_id: int
    receipt_ids: list[int] = field(default_factory=list)
    letter_ids: list[int] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)
    document_ids: dict[str, int] = field(default_factory=dict)


def add_household(vault, *, account_type: str = "hsa") -> tuple[int, int]:
    from hsawallet.services import people

    with vault.session() as session:
        person = people.add_person(session, name=PATIENT, dob=PATIENT_DOB)
        if account_type == "hsa":
            account = people.add_account(session, name="Family HSA", type="hsa", established=date(2024, 1, 1))
        else:
            account = people.add_account(
                session,
                name="Health FSA",
                type="fsa",
                plan_start=date(2026, 1, 1),
                plan_end=date(2026, 12, 31),
                runout_end=date(2027, 3, 31),
            )
        return person.id, account.id


def import_documents(
    vault, folder: Path, named: dict[str, bytes], *, person_id=None, account_id=None
) -> dict[str, int]:
    """Write the generated documents (synthetic test data, not user data) and import them for real."""
    from hsawallet.services import documents

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in named.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    outcomes = documents.import_files(vault, paths, person_id=person_id, account_id=account_id, workers=1)
    bad = [o for o in outcomes if o.status != "imported"]
    assert not bad, f"import failed: {[(o.file, o.status, o.error) for o in bad]}"
    return {o.file: o.document_id for o in outcomes}


def prepare_imported_vault(
    vault,
    folder: Path,
    *,
    receipt_date: date = date(2026, 4, 20),
    letter_issued: date = date(2026, 3, 2),
    with_letter: bool = True,
    with_license: bool = True,
) -> Prepared:
    """A household with one gym/massage receipt and (optionally) its letter, imported from PDFs."""
    from sqlmodel import select

    from hsawallet.store.models import Letter, LineItem, Receipt

    person_id, account_id = add_household(vault)
    named = {"receipt-harborview.pdf": receipt_pdf(on=receipt_date)}
    if with_letter:
        named["letter-bennett.pdf"] = letter_pdf(issued=letter_issued, with_license=with_license)
    ids = import_documents(vault, folder, named, account_id=account_id)
    prepared = Prepared(person_id=person_id, account_id=account_id, document_ids=ids)
    with vault.session() as session:
        prepared.receipt_ids = [r.id for r in session.exec(select(Receipt).order_by(Receipt.id))]
        prepared.letter_ids = [l.id for l in session.exec(select(Letter).order_by(Letter.id))]
        prepared.item_ids = [
            i.id for i in session.exec(select(LineItem).order_by(LineItem.receipt_id, LineItem.position))
        ]
    return prepared


def insert_receipt(
    vault,
    *,
    document_name: str,
    merchant: str,
    on: date | None,
    person_id: int | None,
    account_id: int | None,
    items: list[tuple[str, str, str, bool]],
    patient: str | None = None,
    confidence: dict | None = None,
) -> tuple[int, int, list[int]]:
    """A receipt row set straight into the vault (items: description, amount, category, needs_lmn).

    Returns (document id, receipt id, item ids). The stored bytes are a real PDF so the viewer works."""
    data = (
        receipt_pdf(merchant=merchant, on=on or date(2026, 1, 1), items=tuple((d, a) for d, a, _, _ in items))
        + document_name.encode()
    )
    total = sum((Decimal(a) for _, a, _, _ in items), Decimal("0"))
    with vault.session() as session:
        doc_id = store_document(
            session, document_name, data, kind="receipt", person_id=person_id, account_id=account_id
        )
        receipt_id, item_ids = store_receipt(
            session,
            doc_id,
            items,
            item_confidence=0.9,
            merchant=merchant,
            date=on,
            subtotal=total,
            tax=Decimal("0"),
            patient=patient,
            person_id=person_id,
            confidence=confidence or {"merchant": 0.95, "date": 0.95, "total": 0.95},
        )
        session.commit()
        return doc_id, receipt_id, item_ids


def insert_blurry_receipt(vault, *, total_confidence: float) -> int:
    """blurry.pdf in a new household: a massage receipt whose merchant was read with low confidence, its date
    with high; the receipt's id."""
    person_id, account_id = add_household(vault)
    _doc, receipt_id, _items = insert_receipt(
        vault,
        document_name="blurry.pdf",
        merchant="Bayside Massage",
        on=date(2026, 5, 2),
        person_id=person_id,
        account_id=account_id,
        items=[("Massage 60 min", "90.00", "massage", True)],
        confidence={"merchant": 0.42, "date": 0.95, "total": total_confidence},
    )
    return receipt_id


def insert_letter(
    vault,
    *,
    document_name: str,
    person_id: int | None,
    patient_name: str = PATIENT,
    issued: date,
    categories: list[str],
    missing: list[str] | None = None,
    valid_through: date | None = None,
    stated: bool = False,
    items: list[str] | None = None,
) -> tuple[int, int]:
    """A letter row set straight into the vault; returns (document id, letter id)."""
    from hsawallet.store.models import Letter

    data = letter_pdf(issued=issued) + document_name.encode()
    end = valid_through or (issued.replace(year=issued.year + 1) - timedelta(days=1))
    with vault.session() as session:
        doc_id = store_document(session, document_name, data, kind="letter")
        letter = Letter(
            document_id=doc_id,
            patient_name=patient_name,
            patient_dob=PATIENT_DOB,
            provider_name="Laura M. Bennett",
            provider_credentials="MD",
            diagnosis="Low back pain",
            icd10=["M54.50"],
            items=list(items if items is not None else categories),
            categories=categories,
            duration_months=12,
            issue_date=issued,
            valid_through=end,
            valid_through_stated=stated,
            signed=True,
            medical_necessity_statement=True,
            missing=list(missing or []),
            person_id=person_id,
            confidence={"issue_date": 0.95},
        )
        session.add(letter)
        session.commit()
        return doc_id, letter.id


def show_list_view(qtbot, view):
    """``view`` (Receipts or Letters) shown at the tests' size once its list holds its first record."""
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.model.record(view.model.id_at(0)) is not None)
    return view


def select_shown(qtbot, view, kind: str, record_id: int, current) -> None:
    """Select the record in ``view`` and wait until its form shows it (``current``: the record it shows)."""
    view.select_record(kind, record_id)
    qtbot.waitUntil(lambda: view.form.document_id is not None and getattr(current(), "id", None) == record_id)


def recompute(vault) -> None:
    from hsawallet.services.coverage import recompute_links

    recompute_links(vault)


# ---------------------------------------------------------------- fixtures (import them into a test module)

import pytest  # noqa: E402

_TEMPLATE: dict[str, tuple[Path, Prepared]] = {}


@pytest.fixture(scope="session")
def imported_template(tmp_path_factory):
    """One real import (worker processes are slow to start), copied for each test that needs it.

    Cached here too: each test module imports the fixture, and pytest would run it once per module."""
    from hsawallet.store.vault import create_vault

    if "template" in _TEMPLATE:
        return _TEMPLATE["template"]
    folder = tmp_path_factory.mktemp("imported-template")
    vault = create_vault(folder / "template.db", passphrase="test")
    prepared = prepare_imported_vault(vault, folder / "docs")
    vault.checkpoint()
    vault.close()
    _TEMPLATE["template"] = (folder / "template.db", prepared)
    return _TEMPLATE["template"]


@pytest.fixture
def imported_ctx(qapp, imported_template, tmp_path):
    """An AppContext over a fresh copy of the imported vault, and what it holds."""
    import shutil

    from hsawallet.store.vault import unlock_vault
    from hsawallet.ui import ops
    from hsawallet.ui.context import AppContext

    template, prepared = imported_template
    path = tmp_path / "vault.db"
    shutil.copyfile(template, path)
    vault = unlock_vault(path, passphrase="test")
    context = AppContext(vault)
    yield context, prepared
    ops.wait_idle()
    context.close()
    vault.close()
    context.deleteLater()
