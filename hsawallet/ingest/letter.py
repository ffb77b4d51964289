"""Read a Letter of Medical Necessity (free letter, telehealth certificate or plan form).

Fields come from labelled lines ("Patient:", "Date of issue:", "NPI"), from the label line
of a form followed by its value line ("Provider name Credentials Phone" / "Jane Roe MD
(555) 555-0100"), and from the sentences letters use ("under my care for ...").
Identifiers are validated (NPI check digit, ICD-10-CM code set); then the letter is
audited against the checklist of elements administrators require.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from hsawallet.ingest.categories import Categories, load_categories
from hsawallet.ingest.dates import DateMatch, default_valid_through, find_dates
from hsawallet.ingest.model import LetterFields, PageText
from hsawallet.ingest.receipt import natural_name
from hsawallet.ingest.validate import describe_icd10, normalize_icd10, npi_is_valid

_I = re.IGNORECASE

CHECKLIST = (
    "patient_name", "patient_dob", "diagnosis", "icd10", "recommended_items", "duration",
    "medical_necessity_statement", "provider_name", "provider_credentials", "provider_license",
    "provider_npi", "provider_contact", "issue_date", "signature",
)

CREDENTIALS = (
    "MD", "DO", "NP", "PA-C", "PA", "DC", "PT", "DPT", "RD", "RDN", "LAc", "L.Ac.", "L.Ac", "APRN", "FNP",
    "FNP-C", "FNP-BC", "DNP", "CNP", "ANP", "DPM", "OD", "PhD", "PsyD", "LCSW", "RN", "ND", "NMD", "OTR",
    "OTR/L", "ATC", "CSCS", "MBBS", "DDS", "DMD", "LMT", "LPC", "MSW", "CNM",
)
_CRED_ALT = "|".join(re.escape(c) for c in sorted(CREDENTIALS, key=len, reverse=True))
_CRED = re.compile(rf"(?<![\w.])(?:{_CRED_ALT})(?![\w-])")
_PERSON = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-zA-Z'\-]+){1,3}"
_PHONE = re.compile(r"\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b")
_NPI_LABEL = re.compile(r"\bNPI\b\s*(?:#|no\.?|number)?\s*[:.]?\s*(\d{10})\b", _I)
_TEN_DIGITS = re.compile(r"(?<![\d\-])(\d{10})(?![\d\-])")
_LICENSE = re.compile(
    r"\blicen[sc]e\s*(?:no\.?|number|num|#)?\s*[:.]?\s*(?:[A-Z]{2}\s+)?(?P<lic>(?=[A-Z0-9.\-]*\d)[A-Z0-9][A-Z0-9.\-]{3,19})\b",
    _I,
)
_ICD_TOKEN = re.compile(r"(?<![A-Za-z0-9.])([A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?![A-Za-z0-9])")
_VAGUE = re.compile(
    r"\bmay\s+(help|benefit|be\s+helpful|improve|assist|support|find)|\bmight\s+(help|benefit)|\bcould\s+(help|benefit)"
    r"|general\s+(wellness|well-being|wellbeing|healthy\s+lifestyle)|overall\s+(well-?being|wellness|health)"
    r"|not\s+required\s+to\s+treat|\bif\s+desired\b|\boptional\b",
    _I,
)
_NECESSITY = re.compile(
    r"medically\s+necessary|medical(ly)?\s+necess|required\s+to\s+(treat|manage)|necessary\s+(to|for)\s+(treat|manage)"
    r"|\bto\s+treat\b|treatment\s+of\b|first-line\s+treatment|part\s+of\s+the\s+treatment|is\s+needed\s+to|prescrib",
    _I,
)
_SIGNED = re.compile(
    r"/s/|electronically\s+signed|e-?signed|digitally\s+signed|signed\s+electronically|\bsignature\s+on\s+file\b",
    _I,
)
_UNSIGNED = re.compile(r"\bunsigned\b|\bnot\s+signed\b|signature\s*:?\s*_{3,}\s*$", _I | re.M)
_FREQUENCY = re.compile(
    r"\b(\d+|one|two|three|four|five|once|twice|thrice)\s*(x|times?)?\s*(a|per|/|each|every)\s*(day|week|month|night)\b"
    r"|\b(once|twice)\s+(daily|weekly|monthly|nightly|a\s+day|a\s+week)\b"
    r"|\b(daily|nightly|weekly|monthly|every\s+day|every\s+night|as\s+needed|continuous(ly)?)\b(\s+(use|wear|visits?|sessions?|participation))?"
    r"|\b(continuous\s+nightly\s+use|nightly\s+use|daily\s+wear|weekly\s+participation|monthly\s+visits)\b",
    _I,
)
_DURATION = re.compile(r"\bfor\s+(?:a\s+period\s+of\s+)?(\d{1,2}|one|three|six|twelve)\s*(?:\(\d+\)\s*)?months?\b", _I)
_WORD_NUMBERS = {"one": 1, "three": 3, "six": 6, "twelve": 12}
_VALID_THROUGH = re.compile(
    r"valid\s+(?:through|thru|until|till|to)|good\s+(?:through|until)|remains?\s+in\s+effect\s+(?:until|through)"
    r"|expir(?:es|ation\s+date|y\s+date)|end\s+date|effective\s+(?:through|until)|certification\s+period\s+ends",
    _I,
)
_VALID_FOR = re.compile(r"valid\s+for\s+(\d{1,2}|six|twelve|one)\s+months?", _I)
_ISSUE_LABEL = re.compile(
    r"date\s+of\s+issue|issue\s+date|issued(\s+on)?|date\s+issued|letter\s+date|date\s+signed|signature\s+date"
    r"|provider\s+signature\b.*\bdate",
    _I,
)
_NOT_ISSUE = re.compile(
    r"birth|\bdob\b|most\s+recent\s+visit|last\s+visit|consultation\s+on|evaluated\s+on|valid|expir|until|through"
    r"|since|rev\.|form\b|effect",
    _I,
)


_CAPTION = re.compile(
    r"^\W*(patient\s+(name|date\s+of\s+birth)|(patient\s+)?date\s+of\s+birth|account\s+type|participant\s+name|"
    r"credentials|phone|frequency|state\s+licen[sc]e|npi|date\s+of\s+most\s+recent\s+visit|icd-?10\s+code|"
    r"practice\s+name|provider\s+(name|signature)|diagnosis|recommended\s+item|relationship\s+to|date)\W*"
    r"(\(mm/dd/yyyy\))?\W*$",
    _I,
)


class _Doc:
    def __init__(self, pages: list[PageText]):
        self.lines: list[str] = []
        for page in pages:
            for raw in page.text.replace("(cid:127)", "•").splitlines():
                line = " ".join(raw.split())
                if line:
                    self.lines.append(line)
        self.text = "\n".join(self.lines)
        self.flat = " ".join(self.lines)
        self.ocr = any(page.source == "ocr" for page in pages)
        self.scrawled = {" ".join(line.split()) for page in pages for line in page.scrawled_lines}

    def value_after_label(self, label: re.Pattern[str], within: int = 2) -> list[str]:
        """Lines following a form's label line (the values row under the captions), captions skipped."""
        found = []
        for index, line in enumerate(self.lines):
            if label.search(line):
                values = [v for v in self.lines[index + 1: index + 1 + within] if not _CAPTION.search(v)]
                found.extend(values[:1] if within == 1 else values)
        return found


def _strip_dates(text: str, date_order: str) -> str:
    for match in reversed(find_dates(text, date_order)):
        text = text[: match.start] + text[match.end:]
    return text


def _clean_person(text: str, lenient: bool = False) -> str | None:
    """The first person's name in ``text``; ``lenient`` also takes OCR's lower-cased initials."""
    text = re.sub(r"[|\[\]{}()©®@*_~“”\"]+", " ", text)
    if lenient:
        text = re.sub(r"\b([a-z])(?=[a-z'\-]*\b)", lambda m: m.group(1).upper(), text)
    match = re.search(_PERSON, text)
    if not match:
        return None
    name = natural_name(match.group(0))
    return name if len(name.split()) >= 2 else None


def _patient(doc: _Doc, date_order: str) -> tuple[str | None, date | None, float]:
    name: str | None = None
    dob: date | None = None
    confidence = 0.0
    for line in doc.lines:
        match = re.match(r"^\W*(?:patient(?:'s)?(?:\s+full)?\s+name|patient|name\s+of\s+patient|re|regarding)\s*[:\-]\s*(.+)$", line, _I)
        if match and not re.search(r"letter\s+of|medical\s+necessity", match.group(1), _I):
            candidate = _clean_person(_strip_dates(match.group(1), date_order))
            if candidate:
                name, confidence = candidate, 0.9
                break
    if name is None:
        # form: "Patient name  Patient date of birth" above "Jane Q. Roe  01/02/1980"
        for value in doc.value_after_label(re.compile(r"^\W*patient\s+name\b", _I), within=3)[:1]:
            candidate = _clean_person(_strip_dates(value, date_order), lenient=True)
            if candidate:
                name, confidence = candidate, 0.85
                dates = find_dates(value, date_order)
                if dates:
                    dob = dates[0].value
                break
    if name is None:
        for pattern in (
            rf"certif(?:y|ies)\s+that\s+(?:my\s+patient,?\s+)?({_PERSON})",
            rf"(?:on\s+behalf\s+of|treating|evaluated)\s+(?:my\s+patient,?\s+)?({_PERSON})",
            rf"my\s+patient,?\s+({_PERSON})",
        ):
            match = re.search(pattern, doc.flat)
            if match:
                name, confidence = natural_name(match.group(1)), 0.75
                break
    if dob is None:
        for line in doc.lines:
            if re.search(r"date\s+of\s+birth|\bdob\b|d\.o\.b|birth\s*date|born", line, _I):
                labelled = re.search(r"(?:date\s+of\s+birth|\bdob\b|d\.o\.b\.?|birth\s*date|born)\W*(.*)$", line, _I)
                dates = find_dates(labelled.group(1) if labelled else line, date_order)
                if dates:
                    dob = dates[0].value
                    break
        if dob is None:
            for value in doc.value_after_label(re.compile(r"date\s+of\s+birth", _I), within=1):
                dates = find_dates(value, date_order)
                if dates:
                    dob = dates[0].value
                    break
    return name, dob, confidence


def _split_name_credentials(text: str) -> tuple[str | None, str | None]:
    text = re.sub(r"[|\[\]{}©®@*_~]+", " ", text)
    text = _PHONE.sub(" ", text)
    text = re.sub(r"^\W*(/s/|electronically\s+signed\s+by|e-?signed\s+by|signed\s+by|dr\.?)\s*", "", text.strip(), flags=_I)
    credentials = [m.group(0) for m in _CRED.finditer(text)]
    head = _CRED.split(text, maxsplit=1)[0]
    name = _clean_person(head.strip(" ,"))
    credential = None
    if credentials:
        credential = ", ".join(dict.fromkeys(credentials))
    return name, credential


def _provider(doc: _Doc) -> tuple[str | None, str | None, float]:
    # form values under "Provider name  Credentials  Phone"
    for value in doc.value_after_label(re.compile(r"provider\s+name\b", _I), within=1):
        name, credential = _split_name_credentials(value)
        if name:
            return name, credential, 0.85
    patterns = [
        re.compile(r"(?:electronically\s+signed|e-?signed|digitally\s+signed|signed)\s+by\s*:?\s*(.+)$", _I),
        re.compile(r"^\s*/s/\s*(.+)$", _I),
    ]
    for line in doc.lines:
        for pattern in patterns:
            match = pattern.search(line)
            if match:
                name, credential = _split_name_credentials(match.group(1))
                if name:
                    return name, credential, 0.85
    # a closing: "Sincerely," then (a signature) then "Jane Roe, MD"
    for index, line in enumerate(doc.lines):
        if re.match(r"^\W*(sincerely|respectfully|regards|best\s+regards|yours\s+(truly|sincerely))\b", line, _I):
            for following in doc.lines[index + 1: index + 5]:
                if _CRED.search(following):
                    name, credential = _split_name_credentials(following)
                    if name:
                        return name, credential, 0.85
            break
    for line in doc.lines:
        match = re.search(rf"({_PERSON}),?\s+(?:{_CRED_ALT})(?![\w-])", line)
        if match and not re.search(r"patient", line, _I):
            name, credential = _split_name_credentials(line[match.start():])
            if name:
                return name, credential, 0.6
    return None, None, 0.0


def _credentials_elsewhere(doc: _Doc, name: str) -> str | None:
    """Credentials printed after the provider's surname anywhere else ("/s/ Jane Roe, NP")."""
    surname = name.split()[-1]
    for match in re.finditer(rf"{re.escape(surname)}\s*,?\s*((?:{_CRED_ALT})(?![\w-]))", doc.text):
        return match.group(1)
    return None


def _npi(doc: _Doc) -> tuple[str | None, bool, float]:
    """(valid NPI or None, whether an NPI was printed at all, confidence)."""
    printed = False
    for match in _NPI_LABEL.finditer(doc.flat):
        printed = True
        if npi_is_valid(match.group(1)):
            return match.group(1), True, 0.95
    labelled = [i for i, line in enumerate(doc.lines) if re.search(r"\bNPI\b", line)]
    for index in labelled:
        for line in doc.lines[index: index + 3]:
            for match in _TEN_DIGITS.finditer(re.sub(r"[|\[\]]", " ", line)):
                printed = True
                if npi_is_valid(match.group(1)):
                    return match.group(1), True, 0.9
    return None, printed or bool(labelled and re.search(r"\bNPI\b\s*[:#]?\s*\d", doc.flat)), 0.0


def _license(doc: _Doc) -> tuple[str | None, float]:
    for line in doc.lines:
        match = _LICENSE.search(line)
        if match and not re.fullmatch(r"\d{10}", match.group("lic")):
            return match.group("lic").rstrip(".-"), 0.85
    # form values under "State license #  NPI": "AZ DR.9821411 1695411045"
    for value in doc.value_after_label(re.compile(r"licen[sc]e\s*(#|no|number)", _I), within=1):
        cleaned = re.sub(r"[|\[\]]", " ", value)
        tokens = [t.strip(".,;") for t in cleaned.split()]
        for token in tokens:
            if re.fullmatch(r"[A-Z]{1,5}[.\-]?\d{3,10}|\d{4,9}|[A-Z]{1,3}\d{4,}", token, _I) and not re.fullmatch(r"\d{10}", token):
                return token, 0.75
    return None, 0.0


_OCR_ICD_TOKEN = re.compile(r"(?<![A-Za-z0-9.])([A-Z0-9\[|l][0-9OIlS|][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?![A-Za-z0-9/])")
_OCR_LETTER = {"1": "I", "[": "I", "|": "I", "l": "I", "0": "O", "5": "S", "8": "B", "6": "G"}
_OCR_DIGIT = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5"}


def _ocr_icd_candidate(token: str) -> str:
    """Undo OCR's usual confusions in a code's letter and digit positions ("110" -> "I10")."""
    first = _OCR_LETTER.get(token[0], token[0])
    second = _OCR_DIGIT.get(token[1], token[1])
    return first + second + token[2:]


def _icd10(doc: _Doc) -> tuple[list[str], float]:
    codes: list[str] = []
    text = doc.text
    icd_spans = [(m.start(), m.end() + 160) for m in re.finditer(r"ICD|diagnos\w*\s+code|dx\s+code", text, _I)]
    for match in _ICD_TOKEN.finditer(text):
        token = match.group(1)
        near_label = any(start <= match.start() <= end for start, end in icd_spans)
        if "." not in token and not near_label:
            continue
        if not near_label:
            # a dotted code outside any ICD context must read like one in a sentence
            before = text[max(0, match.start() - 30): match.start()]
            if not re.search(r"\(|code|dx|diagnos|,\s*$|and\s*$", before, _I):
                continue
        dotted = normalize_icd10(token)
        if dotted and dotted not in codes:
            codes.append(dotted)
    if not codes and doc.ocr:
        for start, end in icd_spans:
            for match in _OCR_ICD_TOKEN.finditer(text[start:end]):
                token = match.group(1)
                if token[0].isalpha() and token[0] != "l" and token[1].isdigit():
                    continue  # read fine already, and not a code
                dotted = normalize_icd10(_ocr_icd_candidate(token))
                if dotted and dotted not in codes:
                    codes.append(dotted)
    return codes, (0.9 if codes else 0.0) if not doc.ocr else (0.8 if codes else 0.0)


def _diagnosis(doc: _Doc, codes: list[str]) -> str | None:
    for value in doc.value_after_label(re.compile(r"^\W*diagnosis\b(?!.*\bcode)", _I), within=1):
        cleaned = value.strip(" :|")
        if re.search(r"[a-z]{3}", cleaned, _I) and not re.search(r"icd|code", cleaned, _I):
            return cleaned
    match = re.search(r"\bdiagnos(?:is|ed\s+with)\s*[:\-]\s*([^\n]+)", doc.text, _I)
    if match and re.search(r"[a-z]{3}", match.group(1), _I):
        return match.group(1).strip()
    for pattern in (
        r"(?:under\s+my\s+care|being\s+treated|treated|followed)\s+for\s+(.+?)(?:\s*\(|\.\s|$)",
        r"for\s+the\s+treatment\s+of\s+(.+?)(?:\s*\(|\.\s|$)",
        r"(?:suffers|suffering)\s+from\s+(.+?)(?:\s*\(|\.\s|$)",
    ):
        match = re.search(pattern, doc.flat, _I)
        if match and 3 <= len(match.group(1)) <= 160:
            return match.group(1).strip(" ,.")
    described = [d for d in (describe_icd10(c) for c in codes) if d]
    return "; ".join(described) if described else None


def _split_item_frequency(text: str) -> tuple[str, str | None]:
    text = text.strip(" •*¢©·-–—:|")
    text = re.sub(r"^(?:[eo©¢*•+\-]\s+)", "", text)
    parts = re.split(r"\s+[—–]\s+|\s+-\s+|:\s+", text, maxsplit=1)
    if len(parts) == 2 and (_FREQUENCY.search(parts[1]) or _DURATION.search(parts[1])):
        return parts[0].strip(" ,."), parts[1].strip(" ,.")
    match = _FREQUENCY.search(text)
    if match and match.start() > 3:
        return text[: match.start()].strip(" ,.;"), text[match.start():].strip(" ,.")
    return text.strip(" ,."), None


def _items(doc: _Doc, categories: Categories) -> tuple[list[str], list[str]]:
    items: list[str] = []
    frequencies: list[str] = []

    def add(item: str, frequency: str | None) -> None:
        item = item.strip()
        if len(re.findall(r"[A-Za-z]", item)) < 4 or item.lower() in (i.lower() for i in items):
            return
        items.append(item[:1].lower() + item[1:] if not item[:2].isupper() else item)
        if frequency:
            frequencies.append(frequency)

    # form rows: "Recommended item or service 1  Frequency" / "<item>  <frequency>"
    for value in doc.value_after_label(re.compile(r"^\W*(recommended\s+(item|service|treatment|equipment)|items?\s*(or|/)\s*services?)\b", _I), within=1):
        if re.search(r"recommended\s+item|duration\s+of|certification|is\s+the\s+item", value, _I):
            continue
        item, frequency = _split_item_frequency(value)
        add(item, frequency)
    if not items:
        # bullets under a recommendation sentence
        start = None
        for index, line in enumerate(doc.lines):
            if re.search(r"following|recommended\s+use|recommend(ed)?\s*:|prescribing|treatment\s+plan\s*:", line, _I):
                start = index
                break
        if start is not None:
            for line in doc.lines[start + 1: start + 8]:
                if re.match(r"^\s*[•*¢©·\-–e+]\s+\S|^\s*\d+[.)]\s+\S", line):
                    item, frequency = _split_item_frequency(line)
                    add(item, frequency)
                elif items:
                    break
    if not items:
        match = re.search(
            r"(?:evaluation|opinion|assessment),?\s+(.+?)\s+(?:is|are)\s+medically\s+necessary", doc.flat, _I
        )
        if match and len(match.group(1)) < 120:
            add(match.group(1), None)
    if not items:
        # prose: "I recommend a supervised gym membership." / "I am prescribing massage therapy ..."
        match = re.search(
            r"\bI\s+(?:strongly\s+)?(?:recommend|prescribe|am\s+prescribing|am\s+recommending)\s+"
            r"(?:that\s+(?:the\s+patient|he|she|they)\s+\w+\s+)?(?:an?\s+|the\s+)?([^.;:]{4,100}?)"
            r"(?=\s+(?:for|to|as|in\s+order)\b|[.;]|$)",
            doc.flat, _I,
        )
        if match:
            add(match.group(1), None)
    return items, frequencies


def _duration_months(doc: _Doc, frequencies: list[str]) -> int | None:
    # a form's checkbox row: "Duration of treatment: 3 months 6 months X 12 months"
    for line in doc.lines:
        if re.search(r"duration\s+of\s+treatment", line, _I):
            # the ticked box: "X 12 months", "[X] 12 months", OCR's "{XJ 12 months"
            match = re.search(r"(?<![A-WYZa-wyz])[xX✓✔]{1,2}\s*[\])}J|]?\s*(\d{1,2})\s*months?", line)
            if match:
                return int(match.group(1))
            match = re.search(r"duration\s+of\s+treatment\s*:?\s*(\d{1,2})\s*months?\s*$", line, _I)
            if match:
                return int(match.group(1))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", doc.text) if not re.search(r"valid|effect|expir|certif", s, _I)]
    for text in frequencies + sentences:
        match = _DURATION.search(text)
        if match:
            value = match.group(1).lower()
            return _WORD_NUMBERS.get(value) or int(value)
    return None


def _labelled_date(doc: _Doc, label: re.Pattern[str], date_order: str, avoid: re.Pattern[str] | None = None) -> DateMatch | None:
    for index, line in enumerate(doc.lines):
        match = label.search(line)
        if not match:
            continue
        tail = line[match.end():]
        if avoid is not None and avoid.search(tail[:25]):
            continue
        dates = find_dates(tail, date_order)
        if dates:
            return dates[0]
        for following in doc.lines[index + 1: index + 3]:
            dates = find_dates(following, date_order)
            if dates:
                return dates[-1]
    return None


def _issue_date(doc: _Doc, date_order: str) -> tuple[date | None, float]:
    found = _labelled_date(doc, _ISSUE_LABEL, date_order)
    if found:
        return found.value, 0.9
    # a free letter dates itself on a line of its own near the top
    for line in doc.lines[:15]:
        dates = find_dates(line, date_order)
        if dates and len(line) - (dates[0].end - dates[0].start) <= 6 and not _NOT_ISSUE.search(line):
            return dates[0].value, 0.8
    for line in doc.lines:
        if re.search(r"^\W*date\s*[:\-]", line, _I) and not _NOT_ISSUE.search(line):
            dates = find_dates(line, date_order)
            if dates:
                return dates[0].value, 0.7
    return None, 0.0


def _valid_through(doc: _Doc, date_order: str) -> date | None:
    for index, line in enumerate(doc.lines):
        match = _VALID_THROUGH.search(line)
        if not match:
            continue
        dates = find_dates(line[match.end():], date_order)
        if dates:
            return dates[0].value
        if index + 1 < len(doc.lines) and len(line[match.end():].strip(" :")) == 0:
            dates = find_dates(doc.lines[index + 1], date_order)
            if dates:
                return dates[0].value
    return None


def _signed(doc: _Doc) -> tuple[bool, float]:
    if _SIGNED.search(doc.text):
        return True, 0.95
    if _UNSIGNED.search(doc.text):
        return False, 0.8
    if not doc.ocr:
        # a text layer does not carry a drawn signature; nothing says it is absent
        return True, 0.5
    lines = doc.lines
    for index, line in enumerate(lines):
        if re.search(r"provider\s+signature|signature\s+of\s+provider|physician\s+signature", line, _I):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if following in doc.scrawled:
                return True, 0.7  # handwriting in the signature row, beside the date
            rest = _strip_dates(following, "mdy")
            if find_dates(following) and len(re.findall(r"[A-Za-z]", rest)) == 0:
                return False, 0.6
            return True, 0.6
    # Nothing between a closing and the typed name proves nothing: OCR drops a faint or
    # scribbled signature. Only an empty signature row of a form counts as unsigned.
    return True, 0.4


def _contact(doc: _Doc) -> str | None:
    for line in doc.lines:
        if re.search(r"provider|office|tel\b|phone|support|practice|clinic|contact", line, _I):
            match = _PHONE.search(line)
            if match and not re.search(r"\b1-8\d\d", line[max(0, match.start() - 3): match.end()]):
                return match.group(0)
    for line in doc.lines:
        match = _PHONE.search(line)
        if match and not re.search(r"fax", line[: match.start()], _I):
            return match.group(0)
    return None


def parse_letter(
    pages: list[PageText], *, date_order: str = "mdy", categories: Categories | None = None
) -> LetterFields:
    """The fields of a Letter of Medical Necessity, with the checklist items it lacks."""
    categories = categories or load_categories()
    doc = _Doc(pages)
    result = LetterFields()
    confidence: dict[str, float] = {}

    result.patient_name, result.patient_dob, confidence["patient_name"] = _patient(doc, date_order)
    confidence["patient_dob"] = 0.85 if result.patient_dob else 0.0
    result.provider_name, result.provider_credentials, confidence["provider_name"] = _provider(doc)
    if result.provider_name and not result.provider_credentials:
        result.provider_credentials = _credentials_elsewhere(doc, result.provider_name)
    confidence["provider_credentials"] = 0.8 if result.provider_credentials else 0.0
    result.provider_npi, _, confidence["provider_npi"] = _npi(doc)
    result.provider_license, confidence["provider_license"] = _license(doc)
    result.provider_contact = _contact(doc)
    confidence["provider_contact"] = 0.8 if result.provider_contact else 0.0
    result.icd10, confidence["icd10"] = _icd10(doc)
    result.diagnosis = _diagnosis(doc, result.icd10)
    confidence["diagnosis"] = 0.7 if result.diagnosis else 0.0
    result.items, frequencies = _items(doc, categories)
    confidence["items"] = 0.8 if result.items else 0.0
    result.frequency = "; ".join(dict.fromkeys(frequencies)) if frequencies else None
    result.duration_months = _duration_months(doc, frequencies)

    item_categories = []
    for item in result.items:
        category, _ = categories.categorize(item)
        if category not in item_categories:
            item_categories.append(category)
    result.categories = item_categories
    confidence["categories"] = 0.8 if item_categories else 0.0

    result.issue_date, confidence["issue_date"] = _issue_date(doc, date_order)
    stated = _valid_through(doc, date_order)
    if stated is not None:
        result.valid_through, result.valid_through_stated = stated, True
        confidence["valid_through"] = 0.9
        if result.issue_date is None:
            # a letter that prints only its end date: assume the usual 12-month validity
            result.issue_date = stated - relativedelta(months=12) + relativedelta(days=1)
            confidence["issue_date"] = 0.3
    elif result.issue_date is not None:
        months = 12
        match = _VALID_FOR.search(doc.flat)
        if match:
            value = match.group(1).lower()
            months = _WORD_NUMBERS.get(value) or int(value)
        result.valid_through = default_valid_through(result.issue_date, months)
        confidence["valid_through"] = round(confidence["issue_date"] * 0.95, 2)
    else:
        confidence["valid_through"] = 0.0

    result.signed, confidence["signed"] = _signed(doc)
    vague = bool(_VAGUE.search(doc.flat))
    result.medical_necessity_statement = not vague and bool(_NECESSITY.search(doc.flat))
    confidence["medical_necessity_statement"] = 0.8

    present = {
        "patient_name": result.patient_name is not None,
        "patient_dob": result.patient_dob is not None,
        "diagnosis": result.diagnosis is not None or bool(result.icd10),
        "icd10": bool(result.icd10),
        "recommended_items": bool(result.items),
        "duration": result.frequency is not None or result.duration_months is not None,
        "medical_necessity_statement": result.medical_necessity_statement,
        "provider_name": result.provider_name is not None,
        "provider_credentials": result.provider_credentials is not None,
        "provider_license": result.provider_license is not None,
        "provider_npi": result.provider_npi is not None,
        "provider_contact": result.provider_contact is not None,
        "issue_date": result.issue_date is not None,
        "signature": result.signed,
    }
    result.missing = [key for key in CHECKLIST if not present[key]]
    ocr_factor = min([1.0] + [max(0.5, p.confidence) for p in pages if p.source == "ocr"])
    result.confidence = {k: round(v * ocr_factor, 2) if v else 0.0 for k, v in confidence.items()}
    return result


__all__ = ["CHECKLIST", "parse_letter"]
