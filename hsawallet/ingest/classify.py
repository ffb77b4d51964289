"""Say whether a document is a receipt, a Letter of Medical Necessity, or something else.

"Other" covers papers that look like receipts but do not substantiate a purchase:
explanations of benefits, account statements and bills, marketing. The decision is a
weighted vote of cue phrases, with a few decisive cues ("this is not a bill").
"""

from __future__ import annotations

import re

from hsawallet.ingest.model import PageText
from hsawallet.ingest.payment_words import CARD_BRANDS

# (pattern, weight); patterns are searched case-insensitively in the whole text.
_LETTER_CUES = [
    (r"letter\s+of\s+medical\s+necessity", 6),
    (r"certificate\s+of\s+medical\s+necessity", 6),
    (r"certificate\s+of\s+need", 3),
    (r"\bLMN\b", 3),
    (r"medical(ly)?\s+necess", 3),
    (r"to\s+whom\s+it\s+may\s+concern", 2),
    (r"\bICD[\s-]*10", 3),
    (r"\bdiagnos[ie]s", 2),
    (r"\bNPI\b", 2),
    (r"\blicen[sc]e\s*(no|number|#)", 1),
    (r"\bsincerely\b", 1),
    (r"recommended\s+(item|service|use|treatment)", 2),
    (r"\bdate\s+of\s+birth\b|\bDOB\b", 1),
    (r"\bmy\s+patient\b|\bthis\s+patient\b", 2),
    (r"provider\s+(signature|certification)", 2),
    (r"valid\s+(through|until|for)", 1),
    (r"\b(i|we)\s+(attest|certify)\b", 2),
    (r"\btreatment\s+plan\b|\bplan\s+of\s+care\b", 2),
    (r"\b(i\s+have\s+prescribed|i\s+(strongly\s+)?recommend|i\s+am\s+prescribing)\b", 2),
    (r"\b(practitioner|prescriber|clinician)\b", 1),
]

_RECEIPT_CUES = [
    (r"\breceipt\b", 2),
    (r"\bsub\s*-?\s*total\b", 3),
    (r"\btotal\b", 2),
    (r"\b(sales\s+)?tax\b", 1),
    (r"\b(" + CARD_BRANDS + r"|debit|credit)\b", 2),
    (r"\b(cash|change\s+due|change)\b", 1),
    (r"\bauth(orization)?\s*(code|#|no)", 2),
    (r"\border\s+(confirmation|total|placed|number|#)", 3),
    (r"\b(paid|payment\s+method|amount\s+paid|total\s+paid)\b", 2),
    (r"\bcashier\b|\breg(ister)?\s*#?\s*\d|\btrans(action)?\b|\bTRN\b", 2),
    (r"\bitems?\s+sold\b|\bqty\b", 1),
    (r"\binvoice\b", 1),
    (r"\bthank\s+you\b", 1),
    (r"\bending\s+(in\s+)?\d{4}\b|[x*#]{2,}\s*\d{4}\b|\blast\s*(4|four)\b", 2),
    # a payment made: the amount drafted / charged / debited, or a card charged
    (r"\b(amount|total)\s+(drafted|charged|debited|collected|received|processed)\b", 3),
    (r"\b(drafted|charged|debited)\s+(\S+\s+)?(to|from|on)\b", 2),
]

_OTHER_CUES = [
    (r"explanation\s+of\s+benefits", 8),
    (r"this\s+is\s+not\s+a\s+bill", 8),
    (r"this\s+is\s+not\s+a\s+receipt", 8),
    (r"not\s+a\s+request\s+for\s+payment", 8),
    (r"not\s+a\s+receipt", 5),
    (r"\bplan\s+(paid|pays|discount)\b", 3),
    (r"\ballowed\s+amount\b", 3),
    (r"\bclaim\s+(number|#|no)", 2),
    (r"\bmember\s+id\b", 2),
    (r"\byou\s+(may\s+)?owe\b", 3),
    (r"\b(account\s+)?statement\s+(date|period)\b", 2),
    (r"\bprevious\s+balance\b|\bbalance\s+forward\b|\bnew\s+balance\b", 4),
    (r"\b(amount|payment|balance)\s+due\b", 2),
    (r"\bplease\s+(pay|remit)\b|\bremit(tance)?\b|\bdue\s+date\b|\bpay\s+by\b", 3),
    (r"\bminimum\s+payment\b", 4),
    (r"\b(save|savings\s+of)\s+\d+\s*%|\d+\s*%\s+off\b", 3),
    (r"\buse\s+code\b|\bpromo(tion(al)?)?\s+code\b|\bcoupon\b", 3),
    (r"\b(shop|order)\s+(now|online|today)\b|\bstock\s+up\b", 2),
    (r"\bunsubscribe\b|\blimited\s+time\b|\boffer\s+(ends|valid)\b", 3),
    (r"\breg\.\s*\$", 2),
    (r"\bdear\s+(valued\s+)?(customer|member|[A-Z][a-z]+,)", 1),
    # insurance cards, bank statements, appointment reminders
    (r"\bRx\s*BIN\b|\bRx\s*PCN\b|\bRx\s*GRP\b|\b(group|grp)\s*(no\.?|number|#)?\s*:?\s*\d{3,}", 3),
    (r"\b(beginning|ending|opening|closing|available|daily)\s+balance\b", 4),
    (
        r"\bappointment\s+(reminder|confirmation)|\bvisit\s+reminder\b|\byou('re|\s+are)\s+scheduled\b|\breply\s+\S+\s+to\s+confirm\b",
        4,
    ),
]


# A payment taken: a letter never records one.
_PAYMENT_MADE = re.compile(
    r"\bpayment\s+(received|applied|taken)\b|\b(amount|total)\s+paid\b|\bpaid\s+(by|with|in\s+full|today)\b|\bchange\s+due\b"
    r"|\b(" + CARD_BRANDS + r")\b[^\n]{0,30}\b\d{4}\b",
    re.IGNORECASE,
)


def _score(text: str, cues: list[tuple[str, int]]) -> int:
    return sum(weight for pattern, weight in cues if re.search(pattern, text, re.IGNORECASE))


def classify(pages: list[PageText]) -> tuple[str, float]:
    """("receipt" | "letter" | "other", confidence 0-1) of a document's page texts."""
    text = "\n".join(page.text for page in pages)
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 3:
        return "other", 0.3
    letter = _score(text, _LETTER_CUES)
    receipt = _score(text, _RECEIPT_CUES)
    other = _score(text, _OTHER_CUES)
    # A letter quotes no till lines; a receipt at a clinic may name a diagnosis code.
    titled_letter = re.search(r"letter\s+of\s+medical\s+necessity|certificate\s+of\s+medical\s+necessity", text, re.I)
    if titled_letter:
        letter += 4
    elif _PAYMENT_MADE.search(text) and not re.search(
        r"not\s+a\s+(bill|receipt|request\s+for\s+payment)|explanation\s+of\s+benefits", text, re.I
    ):
        # a clinic's bill or superbill with the payment taken is a receipt, whatever codes it cites
        receipt += 6
    # a till slip in any language: a labelled total and a date, several amounts
    if (
        receipt < 4
        and re.search(r"\btotal\b[^\n]*\d+[.,]\d{2}", text, re.I)
        and len(re.findall(r"\d+[.,]\d{2}\b", text)) >= 3
    ):
        receipt += 2
    scores = {"letter": letter, "receipt": receipt, "other": other}
    kind = max(scores, key=lambda k: scores[k])
    best = scores[kind]
    if best < 4:
        return "other", 0.4
    runner_up = max(v for k, v in scores.items() if k != kind)
    margin = (best - runner_up) / best
    confidence = 0.5 + 0.5 * min(1.0, margin * 1.5)
    return kind, round(min(0.99, confidence), 2)


def reads_as_letter(text: str) -> bool:
    """Whether one page's text has more of a letter's cues than a receipt's (a page of a
    letter alone, e.g. its signature page, may not carry the title)."""
    return _score(text, _LETTER_CUES) > _score(text, _RECEIPT_CUES)
