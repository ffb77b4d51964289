"""E-mail messages built with Python's own ``email`` package, as mail programs save them."""

from __future__ import annotations

import io
import mailbox
from email.message import EmailMessage
from pathlib import Path

from PIL import Image

SENT = "Tue, 03 Mar 2026 10:00:00 -0500"

ORDER_HTML = """<html><head><style>td {{ padding: 4px }}</style></head><body>
<div style="display:none">Your order is on its way</div>
<h2>Order confirmation</h2>
<p>Thank you for your order #{number}. Order placed March 2, 2026.</p>
<table>
<tr><th>Item</th><th>Qty</th><th>Price</th></tr>
<tr><td>Compression knee sleeve</td><td>1</td><td>$24.99</td></tr>
<tr><td>Digital thermometer</td><td>1</td><td>$12.50</td></tr>
<tr><td>Subtotal</td><td></td><td>$37.49</td></tr>
<tr><td>Sales tax</td><td></td><td>$2.62</td></tr>
<tr><td><b>Order total</b></td><td></td><td><b>$40.11</b></td></tr>
</table>
<p>Paid with Visa ending in 4242.</p>
<p><a href="https://shop.example/unsubscribe">Unsubscribe</a></p>
</body></html>"""


def message(
    subject: str = "Your documents",
    sender: str = "Care Team <care@clinic.example>",
    date: str | None = SENT,
    body: str = "Attached are your documents.",
    html: bool = True,
) -> EmailMessage:
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "patient@example.com"
    m["Subject"] = subject
    if date:
        m["Date"] = date
    m.set_content(body)
    if html:
        m.add_alternative(f"<p>{body}</p>", subtype="html")
    return m


def attach_pdf(m: EmailMessage, data: bytes, filename: str = "letter.pdf") -> EmailMessage:
    m.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return m


def attach_image(m: EmailMessage, data: bytes, filename: str = "receipt.png", subtype: str = "png") -> EmailMessage:
    m.add_attachment(data, maintype="image", subtype=subtype, filename=filename)
    return m


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def logo_png() -> bytes:
    """A small signature logo (well under 10 kB)."""
    return png_bytes(Image.new("RGB", (80, 40), (20, 90, 160)))


def order_confirmation(number: int = 1001, subject: str = "Order confirmation") -> EmailMessage:
    """An HTML-only order confirmation with a small inline logo, as web shops send them."""
    m = EmailMessage()
    m["From"] = "Orders <orders@shop.example>"
    m["To"] = "patient@example.com"
    m["Subject"] = f"{subject} #{number}"
    m["Date"] = SENT
    m.set_content(ORDER_HTML.format(number=number), subtype="html")
    m.add_related(logo_png(), maintype="image", subtype="png", cid="<logo@shop.example>")
    return m


def forwarded(inner: EmailMessage, subject: str = "Fwd: letter") -> EmailMessage:
    outer = message(
        subject=subject,
        sender="Me <patient@example.com>",
        date="Fri, 06 Mar 2026 08:00:00 +0000",
        body="Forwarding the letter.",
        html=False,
    )
    outer.add_attachment(inner)  # message/rfc822
    return outer


def smime_encrypted() -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Billing <billing@clinic.example>"
    m["Subject"] = "Encrypted statement"
    m["Date"] = SENT
    m.set_content(
        b"0\x82\x05\x1f\x06\x09*\x86H\x86\xf7\r\x01\x07\x03" + bytes(range(256)) * 8,
        maintype="application",
        subtype="pkcs7-mime",
        params={"smime-type": "enveloped-data"},
        disposition="attachment",
        filename="smime.p7m",
    )
    return m


def with_winmail() -> EmailMessage:
    m = message(subject="From Outlook", html=False)
    m.add_attachment(
        b"\x78\x9f\x3e\x22" + bytes(4000), maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    return m


MALFORMED = (
    b"From: Somebody <a@example.com>\r\nSubject: Broken\r\nDate: " + SENT.encode() + b"\r\n"
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"The parts of this message were cut away; no boundary line follows.\r\n"
)


def write_mbox(path: Path, messages: list[EmailMessage | bytes]) -> Path:
    box = mailbox.mbox(str(path))
    for m in messages:
        box.add(m)
    box.flush()
    box.close()
    return path
