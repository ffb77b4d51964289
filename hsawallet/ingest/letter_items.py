"""What a letter recommends: items and services with their frequency, the treatment's
duration, their categories, and whether the letter states medical necessity.

Items come from wherever a letter puts them: the rows of a table under an item/frequency
header, bullets under a recommending sentence, a labelled field, or the prose itself ("I have
prescribed A (daily) and B (weekly)", "I recommend that she use A", "A is medically necessary").
"""

from __future__ import annotations

import re

from hsawallet.ingest.categories import Categories
from hsawallet.ingest.letter_dates import number
from hsawallet.ingest.letter_doc import LetterDoc
from hsawallet.ingest.letter_roles import CLOSING

_I = re.IGNORECASE

FREQUENCY = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|once|twice|thrice)\s*(?:x|times?|sessions?|visits?|classes)?\s*(?:a|per|/|each|every)\s*(?:day|week|month|night|other\s+week)\b"
    r"|\b(?:once|twice)\s+(?:daily|weekly|monthly|nightly|a\s+day|a\s+week)\b"
    r"|\bat\s+least\s+\w+\s+(?:days?|times?|sessions?)\b|\bevery\s+(?:other\s+)?(?:day|night|week|month|morning|evening)\b"
    r"|\b(?:one|two|three|1|2|3)\s+(?:each|a|per)\s+(?:day|night|week|month)\b"
    r"|\b(?:daily|nightly|weekly|monthly|biweekly|as\s+needed|continuous(?:ly)?|prn)\b"
    r"|\b(?:used|worn|wear|use|taken|replaced|applied)\s+(?:every|each|daily|nightly|whenever|at|during|as|day|while|with|per|once|twice)\b"
    r"|\b\d+\s*(?:x|times)\s*(?:/|per)?\s*(?:wk|week|day|month)(?:ly)?\b",
    _I,
)
DURATION = re.compile(
    r"\bfor\s+(?:a\s+period\s+of\s+|the\s+next\s+)?(\d{1,2}|one|two|three|six|nine|twelve|eighteen)\s*(?:\(\d+\)\s*)?months?\b"
    r"|\b(\d{1,2}|one|three|six|nine|twelve)[\s-]*months?\s+(?:course|program|programme|plan|supply|treatment|trial|period)\b"
    r"|\b(?:length\s+of\s+(?:need|treatment|therapy|use)|duration(?:\s+of\s+(?:treatment|need|therapy|use))?)\s*:?\s*(\d{1,2})\s*months?\b",
    _I,
)
_ITEM_HEADER = re.compile(
    r"\b(item|service|intervention|treatment|equipment|product|therap(?:y|ies)|supplies|prescribed|recommend\w*)\b", _I
)
_FREQUENCY_HEADER = re.compile(r"\b(frequency|how\s+often|duration|length|dosage|quantity|schedule|sig)\b", _I)
_ROW_STOP = re.compile(
    r"^\s*(?:\d{1,2}\s?\.\s?[A-Za-z]|(?:medical\s+necessity|comments?|explanation|diagnosis|duration\s+of|goals?|notes?"
    r"|certification|valid\w*|signature|provider|physician|practitioner|is\s+the|type\s+of|part\s+\d|section)(?=\s|:|$)"
    r"|[A-Z][a-z]+(?:\s+[a-z]+)?\s*:\s|(?:I|We|This|These|The\s+patient|Please|If)\s)",
    _I,
)
# a sentence of prose, not a row: it has a verb of its own
_SENTENCE_VERB = re.compile(r"\b(?:is|are|was|were|will|must|should|shall|have|has|attest|certify|confirm)\b", _I)
_RECOMMEND_LEAD = re.compile(
    r"following|recommended\s+use|recommend(?:ed|ation)?s?\s*:|prescribing|prescribed\s*:|treatment\s+plan\s*:|\bplan\s*:|orders?\s*:",
    _I,
)
_BULLET = re.compile(r"^\s*(?:[•*¢©·\-–+»o]|e(?=\s)|\d+[.)])\s+\S")
_PROSE_VERBS = re.compile(
    r"\b(?:I\s+(?:have\s+|am\s+)?(?:strongly\s+)?(?:prescrib\w*|recommend\w*|order\w*|refer\w*|advis\w*)"
    r"|(?:is|are)\s+(?:prescribed|recommended|ordered)\s*:?|may\s+find|would\s+(?:\w+ly\s+)?benefit\s+(?:\w+ly\s+)?from|(?:should|to)\s+(?:use|begin|start|continue|receive|attend)"
    r"|request(?:ing)?\s+(?:coverage|reimbursement|approval|authori[sz]ation)\s+(?:of|for)|(?:he|she|they|patient)\s+(?:requires|needs|will\s+need))\s+",
    _I,
)
_LEAD_WORDS = re.compile(
    r"^(?:that\s+(?:the\s+patient|he|she|they|[A-Z][a-z]+)\s+(?:use|uses|start|starts|begin|begins|continue|continues|receive|receives|attend|attends|participate\s+in|try|tries|obtain|obtains)\s+"
    r"|the\s+following\s*:?\s*|(?:an?|the)\s+)",
    _I,
)
_PROSE_END = re.compile(
    r",\s*which\b|;|\s+(?:is|are)\s+(?:medically|necessary|needed|required|appropriate)|\s+useful\b|\s+helpful\b"
    r"|\s+for\s+(?:a|an|the|this|his|her|their|its|my)\s+|\s+as\s+(?:part|treatment)|\s+in\s+order\b|\s+to\s+(?:treat|manage|help|improve|relieve|reduce)|$",
    _I,
)
_NECESSITY = re.compile(
    r"medically\s+necessary|medical(?:ly)?\s+necess|required\s+to\s+(?:treat|manage|unload|correct|control)|necessary\s+(?:to|for)\s+(?:treat|manage)"
    r"|\bto\s+treat\b|\btreat(?:s|ing)?\s+(?:the|this|a|his|her|their)\s+(?:diagnosed\s+)?(?:condition|disease|disorder)|treatment\s+of\b"
    r"|first-line\s+treatment|part\s+of\s+(?:\w+\s+){0,2}treat|is\s+needed\s+to|needed\s+to\s+(?:treat|relieve|correct)|prescrib"
    r"|mainly\s+for\s+treating[^?]*\?\s*(?:[✓✔xX☒■]|\[\s*[xX✓]\s*\])\s*yes",
    _I,
)
_VAGUE = re.compile(
    r"\bmay\s+(?:help|benefit|be\s+(?:helpful|useful|beneficial)|improve|assist|support|find)|\bmight\s+(?:help|benefit|find)"
    r"|\bcould\s+(?:help|benefit)|general\s+(?:wellness|well-being|wellbeing|health|healthy\s+lifestyle)|generally\s+healthier"
    r"|overall\s+(?:well-?being|wellness|health)|not\s+required\s+to\s+treat|\bif\s+desired\b|\boptional\b|nice\s+to\s+have",
    _I,
)
# "not for general well-being", "ordinary food advice cannot replace it": denials of vagueness
_DENIED_VAGUE = re.compile(
    r"\bnot\s+(?:\w+\s+){0,2}(?:for|about|a\s+matter\s+of)\s+(?:general|overall|cosmetic)[^.;]*", _I
)


def split_frequency(text: str) -> tuple[str, str | None]:
    """("Vitamin D3 tablets", "one each day") from a row or bullet that holds both."""
    text = re.sub(r"^[\s•*¢©·\-–—:|+»]+", "", text)
    text = re.sub(r"^(?:[eo©¢*•+\-]\s+|\d+[.)]\s+)", "", text).strip()
    parts = re.split(r"\s+[—–]\s+|\s+-\s+|:\s+", text, maxsplit=1)
    if len(parts) == 2 and (FREQUENCY.search(parts[1]) or DURATION.search(parts[1])):
        return parts[0].strip(" ,.;"), parts[1].strip(" ,.;")
    match = re.search(r"\(([^)]*)\)\s*$", text)
    if match and (FREQUENCY.search(match.group(1)) or DURATION.search(match.group(1))):
        return text[: match.start()].strip(" ,.;"), match.group(1).strip()
    candidates = [m for m in (FREQUENCY.search(text), DURATION.search(text)) if m and m.start() > 3]
    if candidates:
        first = min(candidates, key=lambda m: m.start())
        return text[: first.start()].strip(" ,.;"), text[first.start() :].strip(" ,.;")
    return text.strip(" ,.;"), None


class _Items:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.frequencies: list[str] = []

    def add(self, item: str, frequency: str | None) -> None:
        item = re.sub(r"\s+", " ", item).strip(" ,.;:|")
        if len(re.findall(r"[A-Za-z]", item)) < 4 or len(item) > 120:
            return
        if item.lower() in (i.lower() for i in self.items):
            return
        self.items.append(item[:1].lower() + item[1:] if not item[:2].isupper() else item)
        if frequency:
            self.frequencies.append(frequency)


def _table_rows(doc: LetterDoc, found: _Items) -> None:
    """Rows under an item/frequency header ("Item or service  How often  Length of need")."""
    texts = doc.texts
    for index, text in enumerate(texts):
        if not (_ITEM_HEADER.search(text) and _FREQUENCY_HEADER.search(text)) or len(text.split()) > 12:
            continue
        if re.search(r"[.?]\s*$|\d{2}", text) and not re.search(r"\b\d\s*$", text):
            continue
        for row in texts[index + 1 : index + 9]:
            if (
                _ROW_STOP.match(row)
                or (_ITEM_HEADER.search(row) and _FREQUENCY_HEADER.search(row))
                or CLOSING.match(row)
            ):
                break  # the table ends at another section, another table or the letter's closing
            if len(row.split()) > 20 or row.rstrip().endswith((".", ":")) and not FREQUENCY.search(row):
                break
            item, frequency = split_frequency(row.strip(" |"))
            if _SENTENCE_VERB.search(item):
                break
            found.add(item, frequency)


def _bullets(doc: LetterDoc, found: _Items) -> None:
    texts = doc.texts
    for index, text in enumerate(texts):
        if not _RECOMMEND_LEAD.search(text):
            continue
        taken = 0
        for line in texts[index + 1 : index + 10]:
            if _BULLET.match(line):
                item, frequency = _bullet_item(re.sub(r"^\s*(?:[•*¢©·\-–+»o]|e(?=\s)|\d+[.)])\s+", "", line))
                found.add(item, frequency)
                taken += 1
            elif taken:
                break


def _split_list(text: str) -> list[str]:
    """Items of an English list, commas inside parentheses kept ("A (daily, 12 months), B and C")."""
    parts, depth, current = [], 0, ""
    tokens = re.split(r"(\(|\)|,\s+and\s+|,\s+or\s+|,\s+|\s+and\s+)", text)
    for token in tokens:
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        if depth == 0 and re.fullmatch(r",\s+and\s+|,\s+or\s+|,\s+|\s+and\s+", token or ""):
            parts.append(current)
            current = ""
        else:
            current += token or ""
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:minutes?|mins?|hours?|hrs?|mg|mcg|g|ml|iu|units?|capsules?|tablets?|sessions?|visits?|days?|weeks?|months?)\b.*",
    _I,
)
_ACTION_LEAD = re.compile(
    r"^(?:enrol+(?:ment)?\s+in|start(?:ing)?|begin(?:ning)?|continue|use\s+of|use|obtain|order|prescribe|refer(?:ral)?\s+(?:to|for)|trial\s+of|add)\s+(?:an?\s+|the\s+)?",
    _I,
)


def _bullet_item(line: str) -> tuple[str, str | None]:
    """A bullet's item; a plan line "Diagnosis (code) - action" gives the action's object."""
    parts = re.split(r"\s+[—–-]\s+|:\s+", line, maxsplit=1)
    if len(parts) == 2 and re.search(r"\b[A-TV-Z]\d{2}(?:\.\w{1,4})?\b", parts[0]):
        line = parts[1]
    item, frequency = split_frequency(line)
    return _ACTION_LEAD.sub("", item), frequency


def _prose(doc: LetterDoc, found: _Items) -> None:
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", doc.flat)
    for sentence in sentences:
        for match in _PROSE_VERBS.finditer(sentence):
            rest = sentence[match.end() :]
            rest = _LEAD_WORDS.sub("", rest, count=1)
            end = _PROSE_END.search(rest)
            segment = rest[: end.start()] if end else rest
            segment = segment.strip(" .:")
            if not segment or len(segment) > 300:
                continue
            for part in _split_list(segment):
                part = re.sub(r"^(?:an?|the)\s+", "", part, flags=_I)
                item, frequency = split_frequency(part)
                if found.items and (
                    not item or _QUANTITY.fullmatch(item) or FREQUENCY.match(part) or DURATION.match(part)
                ):
                    found.frequencies.append(part)  # "60 minutes", "once weekly": the last item's terms
                    continue
                found.add(item, frequency)
    if not found.items:
        stated = re.search(
            r"(?:evaluation|opinion|assessment),?\s+(.+?)\s+(?:is|are)\s+medically\s+necessary", doc.flat, _I
        )
        if stated and len(stated.group(1)) < 120:
            found.add(stated.group(1), None)


def _labelled(doc: LetterDoc, found: _Items) -> None:
    label = re.compile(
        r"^\W*(?:recommended\s+(?:items?|services?|treatments?|equipment)(?:\s+or\s+services?)?|items?(?:\s*(?:or|/)\s*services?)?"
        r"|rx|prescription|prescribed|recommendations?|orders?|treatment|therapy|equipment|supplies)"
        r"(?:\s+(?:ordered|prescribed|recommended|requested|needed))?(?:\s*\d)?\s*[:\-]\s*(\S.*)$",
        _I,
    )
    for text in doc.texts:
        match = label.match(text)
        if match:
            for part in re.split(r"\s*;\s*", match.group(1)):  # "CPAP; full face mask; filters monthly"
                item, frequency = split_frequency(part)
                found.add(item, frequency)


def _caption_rows(doc: LetterDoc, found: _Items) -> None:
    """Rows under a caption that names them ("Recommended item or service 1", "9. Items or
    services prescribed"), up to the next caption or field."""
    caption = re.compile(
        r"^\W*(?:\d{1,2}\s?\.\s*)?(?:recommended\s+(?:items?|services?|treatments?|equipment)|items?\s*(?:or|/|and)\s*services?)\b",
        _I,
    )
    for index, text in enumerate(doc.texts):
        if not caption.search(text) or re.search(r":\s*\S", text):
            continue
        for row in doc.texts[index + 1 : index + 9]:
            if (
                caption.search(row)
                or _ROW_STOP.match(row)
                or CLOSING.match(row)
                or re.search(r"duration\s+of|certification|is\s+the\s+item", row, _I)
            ):
                break
            if _ITEM_HEADER.search(row) and _FREQUENCY_HEADER.search(row):
                continue  # the table's own header under the caption
            item, frequency = split_frequency(row.strip(" |"))
            if _SENTENCE_VERB.search(item) or len(row.split()) > 20:
                break
            found.add(item, frequency)


def recommended_items(doc: LetterDoc) -> tuple[list[str], list[str], str]:
    """(items, frequencies, how they were found)."""
    stages = (
        ((_table_rows, _caption_rows), "table"),
        ((_labelled,), "label"),
        ((_bullets,), "bullets"),
        ((_prose,), "prose"),
    )
    for finders, how in stages:
        found = _Items()
        for finder in finders:
            finder(doc, found)
        if found.items:
            return found.items, found.frequencies, how
    return [], [], "none"


def item_categories(items: list[str], categories: Categories) -> tuple[list[str], bool]:
    """Categories of the items, in order, and whether every item had one (not the default)."""
    result: list[str] = []
    every = True
    for item in items:
        category, _ = categories.categorize(item)
        if not categories.needs_lmn(category):
            # a letter recommends what needs a letter: "CPAP with heated humidifier" is CPAP supplies
            wanted = {c: w for c, w in categories.keyword_weights(item).items() if categories.needs_lmn(c)}
            if wanted:
                category = max(wanted, key=lambda c: wanted[c])
        if category == categories.default:
            every = False
            continue
        if category not in result:
            result.append(category)
    return result, every


_RECOMMENDING = re.compile(r"recommend|prescri|necessar|order|request|treat|therapy|use\b|require|need", _I)
_DIAGNOSIS_LINE = re.compile(r"\b[A-TV-Z]\d{2}(?:\.\w{1,4})?\b|diagnos|condition|icd", _I)


def categories_from_text(doc: LetterDoc, categories: Categories) -> list[str]:
    """Categories named anywhere in the letter's recommending sentences, when no item was found
    as such: each sentence that recommends, prescribes or calls something necessary, but not one
    that names the diagnosis, nor a denial ("not for general fitness")."""
    found: list[str] = []
    text = _DENIED_VAGUE.sub(" ", doc.flat)
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if not _RECOMMENDING.search(sentence) or _DIAGNOSIS_LINE.search(sentence):
            continue
        category, _ = categories.categorize(sentence)
        if category != categories.default and categories.needs_lmn(category) and category not in found:
            found.append(category)
    return found


def duration_months(doc: LetterDoc, frequencies: list[str], items: tuple[str, ...] | list[str] = ()) -> int | None:
    # a form's checkbox row: "Duration of treatment: 3 months 6 months X 12 months"
    for line in doc.texts:
        if re.search(r"duration\s+of\s+(?:treatment|need|therapy)", line, _I):
            match = re.search(r"(?<![A-WYZa-wyz])[xX✓✔]{1,2}\s*[\])}J|]?\s*(\d{1,2})\s*months?", line)
            if match:
                return int(match.group(1))
            match = re.search(r"duration\s+of\s+(?:treatment|need|therapy)\s*:?\s*(\d{1,2})\s*months?\s*$", line, _I)
            if match:
                return int(match.group(1))
    sentences = [
        s
        for s in re.split(r"(?<=[.!?])\s+|\n", doc.text)
        if not re.search(r"valid|effect|expir|certif|relied|letter|max", s, _I)
    ]
    for text in frequencies + sentences:
        match = DURATION.search(text)
        if match:
            value = next(g for g in match.groups() if g)
            return number(value)
    for item in items:
        # "a 12-month membership"
        match = re.search(r"\b(\d{1,2})[\s-]months?\b", item, _I)
        if match:
            return int(match.group(1))
    for text in frequencies:
        # a table's "Length of need" column: the row ends with its months
        match = re.search(r"\b(\d{1,2})\s*months?\s*$", text, _I)
        if match:
            return int(match.group(1))
    return None


# A form's question whether the item treats the condition ("Is the expense mainly for treating
# the condition above?"): it certifies necessity unless "No" is the box ticked.
_TREATS_QUESTION = re.compile(r"[^.?!]*\b(?:treat\w*|medically\s+necessary)\b[^.?!]*\?(?P<answer>[^.?!]{0,40})", _I)
_TICKED_NO = re.compile(r"(?:[✓✔☒■]|\[\s*[xX✓✔]\s*\]|(?<![A-Za-z])[xX])\s*No\b")


def necessity_stated(doc: LetterDoc) -> bool:
    text = _DENIED_VAGUE.sub(" ", doc.flat)
    answered_yes = False
    for match in _TREATS_QUESTION.finditer(text):
        answered_yes = answered_yes or not _TICKED_NO.search(match.group("answer"))
    statements = _TREATS_QUESTION.sub(" ", text)
    if _VAGUE.search(statements):
        return False
    return answered_yes or bool(_NECESSITY.search(statements))


__all__ = [
    "DURATION",
    "FREQUENCY",
    "categories_from_text",
    "duration_months",
    "item_categories",
    "necessity_stated",
    "recommended_items",
    "split_frequency",
]
