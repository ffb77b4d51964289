"""The merchant of a receipt, from candidates and evidence.

Candidates are the name-like stretches of the header region (the first lines of the first page,
split where a wide gap separates two columns). Evidence for one: print larger than the body,
a business word or legal suffix, the same name said again elsewhere ("Receipt from ...",
"sold by ...", a page title), a short logo line that a fuller name line repeats and extends.
A web domain stands for the merchant when no name line does. The name is given without its
legal suffix ("Acme Supply, Inc." -> "Acme Supply").
"""

from __future__ import annotations

import re

from hsawallet.ingest.candidates import Line, body_size, domain_candidates
from hsawallet.ingest.dates import find_dates
from hsawallet.ingest.model import DOUBTFUL
from hsawallet.ingest.money import find_amounts

_I = re.IGNORECASE

HEADER_LINES = 12  # the merchant is printed in the first lines of the first page
# Weights of the evidence for a name line (find_merchant); print size adds _size_bonus.
NAME_LINE = 1.0  # a plausible name line in the header
LINE_DOWN = 0.1  # less for each line further down: the name comes first
DOMAIN_AS_NAME = 0.55  # a bare web address near the top: the name only when no line is better
HAS_LEGAL_FORM = 0.5  # "Inc.", "Sdn Bhd": a company's registered name
HAS_BUSINESS_WORD = 0.3  # "Pharmacy", "Clinic": a line that names a business
ONLY_TRADE_WORDS = 0.6  # "Pharmacy & Wellness": the trade under a name, not the name
FEW_LETTERS = 0.4  # under five letters: an abbreviation or debris
DEBRIS = 0.8  # times the share of tokens that are not word-like (OCR debris)
LONG_NAME, TOO_LONG = 45, 0.3  # over 45 characters: a sentence or two columns run together
SAID_AGAIN = 0.6  # the document names it again ("Receipt from ...", its web domain)
CLEAR_MARGIN = 0.5  # lead over the runner-up below which an unconfirmed name stays doubtful
UNCONFIRMED = DOUBTFUL  # confidence of a name no second piece of evidence confirms
LOGO_REACH = 2  # a logo line and the fuller name under it stand within this many lines
LOGO_GIVES_WAY = 0.6  # a short line that a fuller one repeats and extends is the logo, not the whole name
FULLER_NAME = 0.4  # the line that repeats a short name and goes on is the name in full
# A name is printed in capitals or with capital initials; in small letters it is a one-word logo at
# most ("tidewell"), and a line of several words in small letters is a note, a slogan or a name
# written on the slip, however large.
LOWER_CASE_LOGO = 0.5
LOWER_CASE_WORDS = 1.0

# Legal forms ending a company name. A Malaysian "Sdn Bhd" / "Bhd" stays: that is how such a
# firm is named on its receipts and in its register.
_LEGAL_SUFFIX_END = re.compile(
    r"[\s,]+(inc|incorporated|llc?|l\.l\.c|llp|pllc|p\.?c|corp|corporation|co|ltd|limited|plc|gmbh|pty|l\.?p)\.?\s*$",
    _I,
)
_KEEPS_SUFFIX = re.compile(r"\b(sdn|bhd|berhad)\b", _I)
LEGAL_FORM = re.compile(
    r"\b(sdn\.?\s*bhd|bhd|berhad|s/b|llc|l\.l\.c|inc|corp(oration)?|ltd|limited|plc|gmbh|pty|co\.|p\.c\.|pllc)(?!\w)",
    _I,
)
# Words that name a kind of business: a line carrying one reads as a business name.
BUSINESS_WORD = re.compile(
    r"\b(pharmacy|drug|drugs|rx|chemist|apothecary|market|mart|supermarket|supercenter|store|stores|shop|outlet|"
    r"warehouse|grocery|grocer|provisions|trading|enterprise|restaurant|restoran|cafe|bistro|bar|grill|bakery|clinic|medical|medicine|"
    r"health|healthcare|care|hospital|center|centre|practice|associates|group|studio|fitness|gym|athletic|yoga|pilates|"
    r"spa|massage|therapy|therapeutics|bodywork|chiropractic|acupuncture|optometry|optical|optics|vision|eye|dental|"
    r"dentistry|orthodontics|pediatrics|nutrition|wellness|sleep|supply|supplies|labs?|laboratory|sports|hardware|"
    r"books?|electrical|company|co|house|post|club|direct|online|services)\b",
    _I,
)
# Lines made only of words like these are headings of the document, not a name.
_HEADING_WORDS = {
    "receipt",
    "receipts",
    "sales",
    "order",
    "orders",
    "details",
    "detail",
    "summary",
    "invoice",
    "tax",
    "statement",
    "statements",
    "account",
    "activity",
    "information",
    "info",
    "payment",
    "payments",
    "method",
    "shipping",
    "billing",
    "customer",
    "customers",
    "copy",
    "merchant",
    "duplicate",
    "original",
    "official",
    "your",
    "my",
    "the",
    "of",
    "and",
    "&",
    "for",
    "also",
    "bought",
    "viewed",
    "items",
    "item",
    "patient",
    "superbill",
    "bill",
    "services",
    "service",
    "membership",
    "member",
    "confirmation",
    "purchase",
    "transaction",
    "record",
    "thank",
    "you",
    "welcome",
    "cash",
    "sale",
    "simplified",
    "history",
    "date",
    "paid",
    "amount",
    "total",
    "address",
    "ship",
    "to",
    "from",
    "description",
    "qty",
    "price",
    "charges",
    "charge",
    "new",
    "visit",
    "visits",
    "client",
    "home",
    "page",
}
_ADDRESS = re.compile(
    r"^\W*\d+[\w\-/]*\s+\w+.*\b(st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pkwy|parkway|"
    r"hwy|highway|suite|ste|ter|terrace|pl|place|loop|trl|trail|pike|cir|circle|sq|square|jalan|jln|lorong|taman|no)\b"
    r"|\b[A-Z][a-z]+,?\s+[A-Z]{2}\s+\d{5}\b|\b\d{5}\s+[A-Z]"
    r"|^\W*(no\.?|lot|level|unit)\s*\d",
    _I,
)
# "Cedar Falls, IA 50613" (OCR may smudge the state: "|A52401", "1A 50309") ending a line
_CITY_STATE_ZIP_END = re.compile(r",\s*[A-Za-z|1]{1,2}[\s.\-]*\d{5}(?:-\d{4})?[\W_]*$")
_SAID_FROM = re.compile(r"^\W*(?:receipt|invoice|order|purchase|payment|statement)\s+from\s+(?P<name>\S.*)$", _I)
_STREET_START = re.compile(r"\s\d{1,6}\s+[A-Z][a-z]+\s")  # "Strength House 1500 Lookout View Dr ..."
_PHONE = re.compile(r"\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b|\b(tel|phone|fax|ph)\b\s*[:.]?", _I)
_WEB = re.compile(r"\b[\w-]+\.(com|net|org|example|co|my|shop|store|us)\b|@|www", _I)
# a web address standing for the name ("shop.example"); its last part is letters ("80.00" is an amount)
_DOMAIN_NAME = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", _I)
_NOT_NAME = re.compile(
    r"\b(thank|cashier|reg|trn|receipt\s*#|tel|gst\s*(id|no|reg)|table\s*(no|#|:)|salesperson|payment|visa|"
    r"mastercard|card|date|time|page|\d+\s*of\s*\d+|questions|contact|call|help|apt|suite)\b"
    r"|\b(dds|md|do|dpt|lmt|rdn|np|pa-c|l\.ac|dom|od|dc|cpt|pma-cpt|rn|lcsw)\b\.?\s*(,|$|·|-)",
    _I,
)
# where a document names its merchant in words: "Receipt from X", "sold by X", "X is operated by"
_NAMED = re.compile(
    r"\b(?:receipt|invoice|order|purchase|payment)\s+from\s+(?P<a>[^|·•\n]+?)\s*$"
    r"|\b(?:sold|shipped|fulfilled|provided)\s+by:?\s+(?P<b>[^|·•\n,]+?)\s*(?:[|·•,]|$)"
    r"|\bseller:\s*(?P<c>[^|·•\n,]+?)\s*(?:[|·•,]|$)"
    r"|\b(?:thank\s+you\s+for\s+(?:shopping|visiting|choosing|dining)\s+(?:at|with)|welcome\s+to)\s+(?P<e>[^|·•\n!,.]+)"
    r"|\|\s*(?P<d>[^|\n]+?)\s*$",
    _I,
)


def strip_legal_suffix(name: str) -> str:
    """ "Acme Supply, Inc." -> "Acme Supply"; a Malaysian "... Sdn Bhd" keeps its form."""
    if _KEEPS_SUFFIX.search(name):
        return name
    stripped = name
    for _ in range(2):  # "Foo Co., Ltd."
        shorter = _LEGAL_SUFFIX_END.sub("", stripped).rstrip(" ,")
        if shorter == stripped or len(re.sub(r"\W", "", shorter)) < 3:
            break
        stripped = shorter
    return stripped


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9&]+", " ", text.lower()).strip()


# Where a line is cut into columns, in word heights: a gap this wide, or a change of print size
# with a gap wider than a word space. An OCR word's box is its ink, so a word with a capital and a
# descender stands taller than one without: a change of size alone is no column.
COLUMN_GAP = 1.5
SIZE_CHANGE = 0.3
SPACED = 1.0


def _min_height(*words) -> float:
    return min(word.height for word in words)


def _segments(line: Line) -> list[str]:
    """The line cut where a wide gap separates columns (measured boxes only), else the whole line."""
    if not line.measured or len(line.words) < 2:
        return [line.text]
    parts: list[list[str]] = [[line.words[0].text]]
    for before, word in zip(line.words, line.words[1:]):
        gap = word.x0 - before.x1
        resized = abs(word.height - before.height) > SIZE_CHANGE * before.height
        if gap > COLUMN_GAP * max(before.height, word.height) or (resized and gap > SPACED * _min_height(before, word)):
            parts.append([])
        parts[-1].append(word.text)
    return [" ".join(p) for p in parts]


def _cut_address_tail(text: str) -> str:
    """A name with the next column's address glued on by the reading:
    "Clearview Optometry Springfield, IL 62701" -> "Clearview Optometry"."""
    match = _STREET_START.search(text)
    if match and match.start() > 3:
        return text[: match.start()].strip()
    tail = _CITY_STATE_ZIP_END.search(text)
    if not tail:
        return text
    words = text[: tail.start()].split()
    # the city is the last word or two; the name ends at its last business word when it has one
    for keep in range(len(words) - 1, 0, -1):
        if BUSINESS_WORD.fullmatch(words[keep - 1].strip(",.")) and len(words) - keep <= 3:
            return " ".join(words[:keep])
    return " ".join(words[:-1]) if len(words) > 2 else text


# marks at a line's end that are debris of the page's edge or shadow ("<y", "i;", "|")
_EDGE_DEBRIS = re.compile(r"[^\w&)]+|[a-z]{1,2}[^\w\s]*|[A-Za-z]?[^\w\s$#(]+[a-z]?")


_SUFFIX_LINE = re.compile(r"^\W*(co\.|company\b|sdn\b|bhd\b|\(m\)|inc\b|llc\b|ltd\b|limited\b)", _I)
_NAME_LABEL = re.compile(r"^\W*[A-Za-z ]{3,20}:\s*(?=\S)")  # "Owned by: ..." before a registered name


def clean_name(text: str) -> str:
    label = _NAME_LABEL.match(text)
    if label and len(text) - label.end() > 5:
        text = text[label.end() :]
    text = re.sub(r"\s*[\[(][^)\]]*\d[^)\]]*[)\]]?\s*$", "", text)  # a registration number "(519537-X)"
    text = re.sub(r"\s+\d{5,}\s*$", "", text)
    tokens = text.split()
    # reading debris before the name: "ee ela Green Table ...", ". Hawkeye", "| gel"
    while len(tokens) > 1 and (
        re.fullmatch(r"[^\w&]+", tokens[0])
        or (re.fullmatch(r"[a-z]{1,4}", tokens[0]) and any(t[:1].isupper() for t in tokens[1:]))
        or (re.fullmatch(r"[\d|lI]", tokens[0]) and tokens[1][:1].isupper() and len(tokens[1]) > 1)
    ):
        tokens.pop(0)
    while len(tokens) > 1 and (
        (_EDGE_DEBRIS.fullmatch(tokens[-1]) and not LEGAL_FORM.fullmatch(tokens[-1]) and tokens[-1] != "&")
        or (re.fullmatch(r"[A-Z]", tokens[-1]) and tokens[-2].endswith("."))  # "Corp. F": a stray mark read as a letter
    ):
        tokens.pop()
    tokens = [t for t in tokens if not (_WEB.search(t) and "." in t.strip("."))] or tokens  # "shop.example"
    # a full stop read inside a name ("NORTHSTAR. HEALTH")
    tokens = [t[:-1] if re.fullmatch(r"[A-Za-z]{4,}\.", t) and i < len(tokens) - 1 else t for i, t in enumerate(tokens)]
    # a capital that the reading set apart from the rest of its word ("N utriCart Online")
    text = re.sub(r"(?<![\w.&'])([A-Z]) (?=[a-z]{2,})", r"\1", " ".join(tokens)).replace("_", " ")
    text = re.sub(r"^[^\w(]+|[^\w).]+$", "", text.strip())
    # a company's registration number after its name ("... Sdn Bhd 1110644-W")
    text = re.sub(r"(?<=\D)\s+\d{5,}(?:-?[A-Z])?$", "", text)
    return " ".join(text.split())


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _name_quality(text: str) -> float:
    tokens = text.split()
    if not tokens:
        return 0.0
    wordlike = sum(
        1 for t in tokens if re.fullmatch(r"[A-Za-z][A-Za-z'&.\-]{2,},?|&|[A-Z]\.?|\(?[A-Z]\)|\d{1,4}|Rx", t)
    )
    return wordlike / len(tokens)


def _only_trade_words(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and all(BUSINESS_WORD.fullmatch(w) or w.lower() in ("and", "of", "the") for w in words)


def _is_heading(text: str) -> bool:
    words = re.findall(r"[a-z&]+", text.lower())
    return bool(words) and all(w in _HEADING_WORDS for w in words)


def _plausible(text: str) -> bool:
    letters = _letters(text)
    if letters < 3 or letters < 0.5 * len(text.replace(" ", "")):
        return False
    if _is_heading(text) or _NOT_NAME.search(text) or _PHONE.search(text) or _ADDRESS.search(text):
        return False
    if find_dates(text) or find_amounts(text):
        return False
    if re.match(r"\W*(sub\s*-?\s*)?t[o0]ta[l1]\b", text, _I):
        return False
    return not (_WEB.search(text) and " " not in text.strip())


def _named_elsewhere(lines: list[Line]) -> list[str]:
    """Names the document states in words ("Receipt from X", "Seller: X", a page title "... | X")."""
    found = []
    for line in lines:
        for match in _NAMED.finditer(line.text):
            name = next(g for g in match.groups() if g)
            name = clean_name(name)
            if 3 <= len(name) <= 60 and not find_amounts(name) and not find_dates(name):
                found.append(name)
    return found


def find_merchant(lines: list[Line]) -> tuple[str | None, float]:
    """(merchant, confidence) of a receipt's lines."""
    if not lines:
        return None, 0.0
    first_page = lines[0].page
    head = [line for line in lines if line.page == first_page][:HEADER_LINES]
    body = body_size(lines)
    named = [_fold(strip_legal_suffix(n)) for n in _named_elsewhere(lines)]
    domains: list[str] = [c.value for c in domain_candidates(lines)]

    candidates: list[tuple[float, int, str, float]] = []  # score, line, text, its print-size bonus
    for position, line in enumerate(head):
        following = head[position + 1].text if position + 1 < len(head) else ""
        for segment in _segments(line):
            said = _SAID_FROM.match(segment)
            if said:
                segment = said.group("name")  # "Receipt from Acme": the name is what follows
            text = clean_name(_cut_address_tail(segment.strip(" .,;:|'\"")))
            # a legal name broken over two lines ("POPULAR BOOK" / "CO. (M) SDN BHD")
            if _SUFFIX_LINE.match(following) and not re.search(r"\d", following) and not _SUFFIX_LINE.match(text):
                text = f"{text} {clean_name(following)}"
            elif position > 0 and _SUFFIX_LINE.match(text):
                previous = clean_name(head[position - 1].text)
                if _letters(previous) >= 3 and not _ADDRESS.search(previous) and not _PHONE.search(previous):
                    text = f"{previous} {text}"
            if not _plausible(text):
                if _DOMAIN_NAME.fullmatch(text.strip()) and position < 3:
                    size = _size_bonus(line, body)
                    candidates.append((DOMAIN_AS_NAME + size, position, text.lower(), size))
                continue
            score = NAME_LINE - LINE_DOWN * position
            if LEGAL_FORM.search(text):
                score += HAS_LEGAL_FORM
            if _only_trade_words(text):
                score -= ONLY_TRADE_WORDS
            elif BUSINESS_WORD.search(text):
                score += HAS_BUSINESS_WORD
            if text == text.lower():
                score -= LOWER_CASE_WORDS if len(re.findall(r"[a-z]{2,}", text)) > 1 else LOWER_CASE_LOGO
            if _letters(text) < 5:
                score -= FEW_LETTERS
            score -= DEBRIS * (1.0 - _name_quality(text))
            if len(text) > LONG_NAME:
                score -= TOO_LONG
            size = _size_bonus(line, body)
            candidates.append((score + size, position, text, size))
    if not candidates:
        if domains:
            return domains[0], 0.5
        return None, 0.0

    # a short logo line ("ACME") that a fuller name line below repeats and extends ("Acme Health Supply Co.")
    scored: list[tuple[float, int, str]] = []
    for score, position, text, size in candidates:
        for _, other_position, other, other_size in candidates:
            if not 0 < abs(other_position - position) <= LOGO_REACH:
                continue
            if other_position > position and extends_name(other, text):
                score -= LOGO_GIVES_WAY
            if extends_name(text, other):
                score += FULLER_NAME
                if other_position < position and _says_the_business(text, other):
                    # the logo's display print names the business that this line names in full
                    score += max(0.0, other_size - size)
        scored.append((score, position, text))
    score, best_position, text = max(scored, key=lambda c: (c[0], -c[1]))
    completed = _completed_by_next_line(text, head, best_position)
    if not completed and best_position > 0:
        # the line above may be the display name that this one completes
        above = [t for _, p, t in scored if p == best_position - 1]
        if above and _fold(text) in _fold(_completed_by_next_line(above[0], head, best_position - 1) or ""):
            completed = _completed_by_next_line(above[0], head, best_position - 1)
    if completed:
        text = completed
    name = strip_legal_suffix(text)
    # agreement: the document says the same name again in words or in its web domain
    key = _fold(name)
    said_again = any(n == key or n.startswith(key + " ") for n in named)
    in_domain = any(
        re.sub(r"[^a-z0-9]", "", key) and re.sub(r"[^a-z0-9]", "", key) in d.replace(".", "") for d in domains
    )
    if said_again or in_domain:
        score += SAID_AGAIN
    runner_up = max((s for s, p, t in scored if _fold(strip_legal_suffix(t)) != key), default=-9.0)
    margin = score - runner_up
    confidence = 0.45 + 0.2 * min(score, 1.5) + 0.15 * min(margin, 1.0)
    if (not (said_again or in_domain) and margin < CLEAR_MARGIN) or completed:
        confidence = min(confidence, UNCONFIRMED)
    return name, round(max(0.3, min(0.92, confidence)), 2)


def extends_name(fuller: str, short: str) -> bool:
    """``fuller`` starts with all of ``short``'s words and goes on with more ("Acme Health Supply
    Co." after "ACME"). Compared on letters and digits alone, since a line reader may drop the
    spaces ("ACMEHEALTH"); ``short`` must then end where a word of ``fuller`` ends (a space, a
    comma, or a capital after a small letter: "AcmeHealth"), not at a dot ("acme.example")."""
    key = re.sub(r"[^a-z0-9&]", "", short.lower())
    if len(key) < 3:
        return False
    seen = 0
    for index, char in enumerate(fuller):
        if re.fullmatch(r"[A-Za-z0-9&]", char):
            if seen == len(key):
                before = fuller[index - 1]
                boundary = before in " ,&" or (before.islower() and char.isupper())
                rest = re.sub(r"[^a-z0-9]", "", fuller[index:].lower())
                return boundary and len(rest) >= 2
            if char.lower() != key[seen]:
                return False
            seen += 1
    return False


def _says_the_business(fuller: str, short: str) -> bool:
    """What ``fuller`` adds to ``short`` says what the business is: a trade or a legal form
    ("... Trading Post Co."), not a branch or a place ("... Paradigm Mall")."""
    added = fuller[len(short) :] if len(fuller) > len(short) else ""
    return bool(BUSINESS_WORD.search(added) or LEGAL_FORM.search(added) or _LEGAL_SUFFIX_END.search(fuller))


def _completed_by_next_line(text: str, head: list[Line], position: int) -> str | None:
    """A short display name without a business word ("BLUE HERON") completed by the line set under
    it, flush with it, that says what kind of business it is ("Hearing Studio"): "BLUE HERON Hearing Studio".
    Not when that line repeats the name (the legal name under a logo), is only trade words
    ("Pharmacy & Wellness"), a person with credentials, or an address."""
    if position + 1 >= len(head) or BUSINESS_WORD.search(text) or LEGAL_FORM.search(text) or len(text.split()) > 4:
        return None
    if re.search(r"\d", text) or _letters(text) < 5 or _name_quality(text) < 1.0:
        return None
    if not all(w[:1].isupper() or w == "&" for w in text.split()):
        return None
    line, below = head[position], head[position + 1]
    segment = _segments(below)[0]
    following = clean_name(_cut_address_tail(segment.strip(" .,;:|'\"")))
    words = following.split()
    if not (1 <= len(words) <= 4) or not all(w[:1].isupper() or w == "&" for w in words):
        return None
    if not BUSINESS_WORD.search(following) or _only_trade_words(following) or not _plausible(following):
        return None
    if re.search(r"[\d,]", following) or _fold(following).startswith(_fold(text)):
        return None
    if line.measured and below.measured and abs(line.words[0].x0 - below.words[0].x0) > 2 * below.words[0].height:
        return None  # not flush under the name
    return f"{text} {following}"


def _size_bonus(line: Line, body: float) -> float:
    """Print larger than the body text: a name set in display type."""
    if not body or not line.size:
        return 0.0
    ratio = line.size / body
    return 0.0 if ratio < 1.2 else min(1.0, 0.5 * (ratio - 1.0) + 0.3)
