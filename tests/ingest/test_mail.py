"""Opening e-mail (hsawallet.ingest.mail): messages built with the email package, read in this process."""

from __future__ import annotations

from datetime import date

import pytest

from hsawallet.ingest.mail import MAX_MAILBOX_BYTES, open_mail, split_mbox
from hsawallet.ingest.model import IngestError
from hsawallet.ingest.pipeline import read_document
from hsawallet.ingest.sniff import MBOX, MESSAGE, mail_kind, sniff
from tests.conftest import RECEIPT_LINES
from tests.ingest.conftest import LETTER_LINES, page_image, text_pdf
from tests.ingest.mail_messages import (
    MALFORMED,
    attach_image,
    attach_pdf,
    forwarded,
    logo_png,
    message,
    order_confirmation,
    png_bytes,
    smime_encrypted,
    with_winmail,
    write_mbox,
)


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return text_pdf([LETTER_LINES])


@pytest.fixture(scope="module")
def receipt_png() -> bytes:
    return png_bytes(page_image(RECEIPT_LINES))


def test_each_pdf_and_image_attachment_is_a_document_and_the_body_is_not(letter_pdf, receipt_png):
    m = attach_image(attach_pdf(message(), letter_pdf, "LMN.pdf"), receipt_png, "receipt.png")
    contents = open_mail(bytes(m), filename="message.eml")
    assert [d.name for d in contents.documents] == ["LMN.pdf", "receipt.png"]
    assert [d.data for d in contents.documents] == [letter_pdf, receipt_png]
    assert not any(d.from_body for d in contents.documents)
    assert contents.problems == []
    source = contents.documents[0].source
    assert (source.date, source.sender, source.subject) == (
        date(2026, 3, 3),
        "Care Team <care@clinic.example>",
        "Your documents",
    )


def test_an_html_order_confirmation_becomes_a_pdf_that_reads_as_a_receipt():
    contents = open_mail(bytes(order_confirmation(1001)))
    assert len(contents.documents) == 1  # the inline logo is under 10 kB: skipped
    document = contents.documents[0]
    assert document.from_body and document.name == "Order confirmation #1001.pdf"
    assert sniff(document.data) == "application/pdf"
    result = read_document(document.data, filename=document.name)
    assert result.kind == "receipt"
    text = result.pages[0].text
    assert "Compression knee sleeve" in text and "$40.11" in text
    assert "on its way" not in text  # hidden preheader text is not drawn
    assert str(result.receipt.total) == "40.11"


def test_in_multipart_alternative_the_html_receipt_is_read_when_the_plain_part_is_a_stub():
    from tests.ingest.mail_messages import ORDER_HTML

    m = message(subject="Thanks for your order", body="View this e-mail in your browser.", html=False)
    m.add_alternative(ORDER_HTML.format(number=7), subtype="html")
    assert m.get_content_type() == "multipart/alternative"
    [document] = open_mail(bytes(m)).documents
    result = read_document(document.data, filename=document.name)
    assert result.kind == "receipt" and str(result.receipt.total) == "40.11"
    assert "View this e-mail" not in result.pages[0].text


def test_a_plain_text_receipt_body_is_read_when_there_is_no_html():
    body = "\n".join(
        [
            "Order confirmation",
            "Order placed 03/02/2026",
            "Heating pad            29.99",
            "Subtotal               29.99",
            "Tax                     0.00",
            "Order total            29.99",
            "Paid with Visa ending in 1111",
        ]
    )
    contents = open_mail(bytes(message(subject="Receipt", body=body, html=False)))
    assert len(contents.documents) == 1
    assert read_document(contents.documents[0].data, filename="x.pdf").kind == "receipt"


def test_a_message_that_is_neither_attachment_nor_receipt_says_so():
    m = message(subject="Lunch?", body="Are we still on for lunch on Friday?")
    contents = open_mail(bytes(m))
    assert contents.documents == []
    assert len(contents.problems) == 1
    assert "no PDF or image attachment" in contents.problems[0].message


def test_a_forwarded_message_is_opened_and_its_letter_keeps_the_original_sender(letter_pdf):
    inner = attach_pdf(
        message(
            subject="Letter of medical necessity",
            sender="Dr. Rivera <office@clinic.example>",
            date="Mon, 02 Feb 2026 09:30:00 -0800",
        ),
        letter_pdf,
        "LMN.pdf",
    )
    contents = open_mail(bytes(forwarded(inner)))
    assert [d.name for d in contents.documents] == ["LMN.pdf"]
    source = contents.documents[0].source
    assert source.date == date(2026, 2, 2)
    assert source.sender == "Dr. Rivera <office@clinic.example>"
    assert source.subject == "Letter of medical necessity"


def test_an_mbox_of_three_messages(tmp_path, letter_pdf, receipt_png):
    path = write_mbox(
        tmp_path / "mail.mbox",
        [
            attach_pdf(message(subject="one"), letter_pdf, "LMN.pdf"),
            message(subject="two", body="Nothing attached here, just hello."),
            attach_image(message(subject="three"), receipt_png, "photo.png"),
        ],
    )
    data = path.read_bytes()
    assert mail_kind(data) == MBOX
    assert len(split_mbox(data)) == 3
    contents = open_mail(data, filename="mail.mbox")
    assert contents.messages == 3
    assert [(d.name, d.source.subject) for d in contents.documents] == [("LMN.pdf", "one"), ("photo.png", "three")]
    assert contents.problems == []  # in a mailbox, a message without documents is passed over


def test_a_body_line_starting_with_from_does_not_split_a_message(tmp_path, letter_pdf):
    m = attach_pdf(message(subject="quoted", body="From the desk of the doctor:\nsee attached", html=False), letter_pdf)
    data = write_mbox(tmp_path / "one.mbox", [m]).read_bytes()
    assert len(split_mbox(data)) == 1  # the writer quoted it as ">From "
    assert len(open_mail(data).documents) == 1


def test_malformed_and_encrypted_messages_get_their_own_lines_and_the_mailbox_goes_on(tmp_path, letter_pdf):
    path = write_mbox(
        tmp_path / "mail.mbox",
        [MALFORMED, smime_encrypted(), with_winmail(), attach_pdf(message(subject="good"), letter_pdf, "LMN.pdf")],
    )
    contents = open_mail(path.read_bytes(), filename="mail.mbox")
    assert [d.name for d in contents.documents] == ["LMN.pdf"]
    problems = {p.where: p for p in contents.problems}
    assert set(problems) == {"message 1 of 4", "message 2 of 4", "message 3 of 4"}
    assert "malformed" in problems["message 1 of 4"].message
    assert "S/MIME" in problems["message 2 of 4"].message
    assert "winmail.dat" in problems["message 3 of 4"].message
    assert problems["message 3 of 4"].attachment == "winmail.dat"


def test_an_encrypted_eml_says_it_is_encrypted():
    contents = open_mail(bytes(smime_encrypted()))
    assert contents.documents == []
    assert [p.message.split(",")[0] for p in contents.problems] == [
        "the message is encrypted with S/MIME (or signed in S/MIME's opaque form)"
    ]


def test_small_inline_images_are_skipped_but_attached_ones_and_large_inline_ones_are_not(receipt_png):
    m = message(subject="pictures")
    m.get_body(("html",)).add_related(logo_png(), maintype="image", subtype="png", cid="<sig@clinic.example>")
    assert len(receipt_png) > 10 * 1024
    attach_image(m, logo_png(), "tiny-but-attached.png")
    m.add_attachment(receipt_png, maintype="image", subtype="png", disposition="inline", filename="inline-big.png")
    names = [d.name for d in open_mail(bytes(m)).documents]
    assert names == ["tiny-but-attached.png", "inline-big.png"]


def test_pictures_of_unsupported_types_in_the_body_are_passed_over_but_attached_ones_are_said(letter_pdf):
    import io

    from PIL import Image

    gif = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 30)).save(gif, "GIF")
    m = attach_pdf(message(subject="banner"), letter_pdf, "LMN.pdf")
    m.get_body(("html",)).add_related(gif.getvalue(), maintype="image", subtype="gif", cid="<banner@shop.example>")
    contents = open_mail(bytes(m))
    assert [d.name for d in contents.documents] == ["LMN.pdf"] and contents.problems == []
    attach_image(m, gif.getvalue(), "receipt.gif", subtype="gif")
    contents = open_mail(bytes(m))
    assert [(p.attachment, "GIF" in p.message) for p in contents.problems] == [("receipt.gif", True)]


def test_attachment_names_lose_folders_and_unnamed_ones_get_one(letter_pdf):
    m = message()
    m.add_attachment(letter_pdf, maintype="application", subtype="pdf", filename="../../etc/LMN.pdf")
    m.add_attachment(letter_pdf, maintype="application", subtype="octet-stream")
    names = [d.name for d in open_mail(bytes(m)).documents]
    assert names == ["LMN.pdf", "attachment 2.pdf"]


def test_an_attachment_named_as_a_document_that_is_not_one_is_said(letter_pdf):
    m = attach_pdf(message(), b"<html>not really a pdf</html>", "scan.pdf")
    contents = open_mail(bytes(m))
    assert contents.documents == []
    assert contents.problems[0].attachment == "scan.pdf"
    assert "web page" in contents.problems[0].message


def test_a_huge_mailbox_is_refused_with_its_size():
    data = b"From x@example.com Tue Mar  3 10:00:00 2026\nFrom: x@example.com\nSubject: big\n\n"
    data += b"x" * (MAX_MAILBOX_BYTES + 1)
    with pytest.raises(IngestError, match=r"mailbox is too large .* limit is 64 MB"):
        open_mail(data)


def test_mail_is_told_apart_from_text_files_and_documents(letter_pdf):
    assert mail_kind(bytes(message())) == MESSAGE
    assert mail_kind(b"Store: Corner Shop\nDate: 03/02/2026\nTotal 4.00\n") is None
    assert mail_kind(letter_pdf) is None
    # a damaged header line further down does not make a message a text file
    assert mail_kind(b"From: a@example.com\nSubject: hi\nthis line lost its name\n\nbody") == MESSAGE
    with pytest.raises(IngestError, match="e-mail message"):
        sniff(bytes(message()))


def test_a_body_drawn_into_a_pdf_keeps_accents_and_the_euro_sign_and_its_columns():
    from hsawallet.ingest.mail import text_to_pdf
    from hsawallet.ingest.pipeline import extract_pages

    text = "Café crème      \u20ac4.50\nTotal \u2014 paid   \u20ac4.50\n\u65e5\u672c          1.00"
    [page] = extract_pages(text_to_pdf(text), "application/pdf")
    lines = page.text.splitlines()
    assert lines[0].startswith("Café crème") and lines[0].endswith("€4.50")
    assert lines[1].startswith("Total - paid")
    assert lines[2].startswith("??") and lines[2].endswith("1.00")  # a glyph Courier lacks keeps its place


def test_an_outlook_msg_file_is_told_to_be_saved_as_eml():
    # a compound file whose directory names Outlook's property streams, as every .msg file does
    directory = "".join(f"__substg1.0_{tag}" for tag in ("0037001F", "1000001F")).encode("utf-16-le")
    msg = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory + bytes(1024)
    with pytest.raises(IngestError, match=r"Outlook message \(\.msg\).*save the message as \.eml"):
        sniff(msg)
    with pytest.raises(IngestError, match="old Microsoft Office document"):
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
