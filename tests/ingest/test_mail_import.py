"""Importing e-mail into a real vault: documents, their source, per-file lines, duplicates, bad messages."""

from __future__ import annotations

import json

import pytest

from hsawallet.services import documents, records
from tests.conftest import RECEIPT_LINES
from tests.ingest.conftest import LETTER_LINES, page_image, text_pdf
from tests.ingest.mail_messages import (
    MALFORMED,
    attach_image,
    attach_pdf,
    message,
    order_confirmation,
    png_bytes,
    smime_encrypted,
    write_mbox,
)
from tests.test_cli import run as run_cli


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return text_pdf([LETTER_LINES])  # prints no date of its own


@pytest.fixture(scope="module")
def receipt_png() -> bytes:
    return png_bytes(page_image(RECEIPT_LINES))


def test_a_message_gives_one_document_per_attachment_with_its_source(vault, tmp_path, letter_pdf, receipt_png):
    eml = tmp_path / "message.eml"
    eml.write_bytes(
        bytes(
            attach_image(attach_pdf(message(subject="Your letter"), letter_pdf, "LMN.pdf"), receipt_png, "receipt.png")
        )
    )
    lines = []
    outcomes = documents.import_files(
        vault, [eml], progress=lambda done, total, o: lines.append(o.as_json()), workers=1
    )
    assert sorted((o.file, o.status, o.kind, o.container) for o in outcomes) == [
        ("LMN.pdf", "imported", "letter", "message.eml"),
        ("receipt.png", "imported", "receipt", "message.eml"),
    ]
    final = [line for line in lines if line["status"] != "error" or line["error"]]
    assert {tuple(sorted(line)) for line in final} == {("container", "document_id", "error", "file", "kind", "status")}
    with vault.session() as session:
        listed = records.list_documents(session)
        assert sorted(d["file"] for d in listed) == ["LMN.pdf", "receipt.png"]
        letter_doc = next(d for d in listed if d["kind"] == "letter")
        shown = records.show_document(session, letter_doc["id"])
        receipt_doc = next(d for d in listed if d["kind"] == "receipt")
        receipt = records.show_document(session, receipt_doc["id"])["receipt"]
    assert receipt["date"] == "2026-03-02"  # its printed date wins over the message's (03-03)
    assert shown["source"] == {
        "kind": "email",
        "date": "2026-03-03",
        "from": "Care Team <care@clinic.example>",
        "subject": "Your letter",
        "file": "message.eml",
    }
    # The letter prints no date: the message's date stands in, with its default 12-month validity.
    assert shown["letter"]["issue_date"] == "2026-03-03"
    assert shown["letter"]["valid_through"] == "2027-03-02"
    assert "issue_date" in shown["letter"]["missing"]  # the letter itself still shows none


def test_a_file_imported_directly_has_no_source(vault, tmp_path, letter_pdf):
    path = tmp_path / "LMN.pdf"
    path.write_bytes(letter_pdf)
    [outcome] = documents.import_files(vault, [path], workers=1)
    with vault.session() as session:
        shown = records.show_document(session, outcome.document_id)
    assert shown["source"] is None and outcome.container is None
    assert shown["letter"]["issue_date"] is None


def test_the_same_message_twice_in_a_mailbox_gives_only_duplicates(vault, tmp_path, letter_pdf):
    m = attach_pdf(message(), letter_pdf, "LMN.pdf")
    eml = tmp_path / "message.eml"
    eml.write_bytes(bytes(m))
    [first] = documents.import_files(vault, [eml], workers=1)
    assert first.status == "imported"
    outcomes = documents.import_files(vault, [write_mbox(tmp_path / "mail.mbox", [m, m])], workers=1)
    assert [(o.status, o.document_id, o.container) for o in outcomes] == [
        ("duplicate", first.document_id, "mail.mbox")
    ] * 2
    with vault.session() as session:
        assert len(records.list_documents(session)) == 1


def test_the_same_attachment_in_two_messages_of_one_mailbox_is_one_document(vault, tmp_path, letter_pdf):
    box = write_mbox(
        tmp_path / "mail.mbox",
        [
            attach_pdf(message(subject="first"), letter_pdf, "LMN.pdf"),
            attach_pdf(message(subject="again"), letter_pdf, "LMN copy.pdf"),
        ],
    )
    outcomes = documents.import_files(vault, [box], workers=1)
    assert len({o.document_id for o in outcomes}) == 1 and all(o.error is None for o in outcomes)
    with vault.session() as session:
        [listed] = records.list_documents(session)
        assert listed["file"] == "LMN.pdf"
        assert records.show_document(session, listed["id"])["source"]["subject"] == "first"


def test_an_order_confirmation_without_attachments_is_a_receipt_document(vault, tmp_path):
    eml = tmp_path / "order.eml"
    eml.write_bytes(bytes(order_confirmation(2002)))
    [outcome] = documents.import_files(vault, [eml], workers=1)
    assert (outcome.status, outcome.kind, outcome.file) == ("imported", "receipt", "Order confirmation #2002.pdf")
    with vault.session() as session:
        shown = records.show_document(session, outcome.document_id)
        hits = documents.search(session, "thermometer")
    assert shown["media_type"] == "application/pdf"
    assert shown["receipt"]["total"] == "40.11"
    assert shown["source"]["subject"] == "Order confirmation #2002"
    assert [doc_id for doc_id, _ in hits] == [outcome.document_id]  # the text is kept for search and reading


def test_bad_messages_get_their_own_lines_and_the_batch_goes_on(vault, tmp_path, letter_pdf, receipt_png):
    box = write_mbox(
        tmp_path / "mail.mbox", [MALFORMED, smime_encrypted(), attach_pdf(message(subject="ok"), letter_pdf, "LMN.pdf")]
    )
    other = tmp_path / "photo.png"
    other.write_bytes(receipt_png)
    plain = tmp_path / "hello.eml"
    plain.write_bytes(bytes(message(subject="hello", body="See you Friday.")))
    outcomes = documents.import_files(vault, [box, plain, other], workers=1)
    by_status = sorted((o.status, o.file, o.error or "") for o in outcomes)
    assert [(s, f) for s, f, _ in by_status] == [
        ("error", "hello.eml"),
        ("error", "mail.mbox"),
        ("error", "mail.mbox"),
        ("imported", "LMN.pdf"),
        ("imported", "photo.png"),
    ]
    errors = [e for s, _, e in by_status if s == "error"]
    assert "no PDF or image attachment" in errors[0]
    assert errors[1].startswith("message 1 of 3: the message is malformed")
    assert errors[2].startswith("message 2 of 3: the message is encrypted with S/MIME")


def test_the_message_date_is_evidence_for_an_undated_receipt(vault, tmp_path):
    undated = text_pdf([[line for line in RECEIPT_LINES if not line.startswith("Date")]])
    eml = tmp_path / "r.eml"
    eml.write_bytes(bytes(attach_pdf(message(date="Wed, 18 Feb 2026 12:00:00 +0000"), undated, "receipt.pdf")))
    [outcome] = documents.import_files(vault, [eml], workers=1)
    with vault.session() as session:
        receipt = records.show_document(session, outcome.document_id)["receipt"]
    assert receipt["date"] == "2026-02-18"
    assert receipt["confidence"]["date"] == documents.MESSAGE_DATE_CONFIDENCE


def test_cli_import_lines_for_a_message(tmp_path, letter_pdf):
    def run(*args):
        return run_cli(tmp_path, *args)

    assert run("init").returncode == 0
    eml = tmp_path / "message.eml"
    eml.write_bytes(bytes(attach_pdf(message(), letter_pdf, "LMN.pdf")))
    result = run("import", str(eml), "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {
            "file": "LMN.pdf",
            "status": "imported",
            "document_id": 1,
            "kind": "letter",
            "error": None,
            "container": "message.eml",
        }
    ]
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["source"]["kind"] == "email" and shown["source"]["date"] == "2026-03-03"
    encrypted = tmp_path / "secret.eml"
    encrypted.write_bytes(bytes(smime_encrypted()))
    result = run("import", str(encrypted))
    assert result.returncode == 4
    assert "secret.eml: the message is encrypted with S/MIME" in result.stdout


def test_a_vault_of_the_previous_schema_gains_the_source_table(tmp_path):
    from sqlalchemy import inspect, text

    from hsawallet.store import keys, migrations
    from hsawallet.store.engine import Vault, create_vault_file, make_engine
    from hsawallet.store.vault import open_vault

    path = tmp_path / "old.db"
    key = keys.derive_key("pw", keys.new_salt())
    create_vault_file(path, key)
    old = Vault(path=path, key=key, engine=make_engine(path, key))
    migrations.upgrade(old, "0003")  # before documents had a source
    with old.engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO document (file_name, size, sha256, imported_at, status) "
                "VALUES ('a.pdf', 1, 'abc', '2026-01-01 00:00:00', 'read')"
            )
        )
    old.close()
    upgraded = open_vault(path, key)
    with upgraded.session() as session:
        assert "documentsource" in inspect(session.connection()).get_table_names()
        assert records.show_document(session, 1)["source"] is None
    upgraded.close()
