import subprocess
import sys
from datetime import date

from hsawallet.coverage import CHECKLIST_KEYS, Person, audit_letter, match_person, resolve_receipt_person

HOUSEHOLD = [
    Person(1, "Brian R. Galloway", date(1989, 7, 6)),
    Person(2, "Heather M. Galloway", date(1981, 1, 11)),
    Person(3, "Wade Galloway", date(2011, 9, 11)),
    Person(4, "Wade R. Galloway", date(1960, 2, 2)),
    Person(5, "José O'Brien-Núñez", None),
]


def test_match_person_folds_case_order_and_middle_initials():
    assert match_person("BRIAN GALLOWAY", None, HOUSEHOLD) == 1
    assert match_person("Galloway, Brian R.", None, HOUSEHOLD) == 1
    assert match_person("GALLOWAY, HEATHER", None, HOUSEHOLD) == 2
    assert match_person("Heather Q. Galloway", None, HOUSEHOLD) is None  # another middle initial
    assert match_person("jose obrien nunez", None, HOUSEHOLD) == 5
    assert match_person("Mr. Brian Galloway Jr.", None, HOUSEHOLD) == 1
    assert match_person("H. Galloway", None, HOUSEHOLD) == 2
    assert match_person("Scott Delgado", None, HOUSEHOLD) is None
    assert match_person("", None, HOUSEHOLD) is None and match_person(None, None, HOUSEHOLD) is None


def test_match_person_tolerates_an_ocr_slip():
    assert match_person("Brian Gal1oway", None, HOUSEHOLD) == 1
    assert match_person("Heathre Galloway", None, HOUSEHOLD) == 2


def test_date_of_birth_disambiguates_and_must_agree():
    assert match_person("Wade Galloway", None, HOUSEHOLD) == 3  # the exact full name
    assert match_person("Wade Galloway", date(1960, 2, 2), HOUSEHOLD) == 4
    assert match_person("W. Galloway", date(2011, 9, 11), HOUSEHOLD) == 3
    assert match_person("Brian Galloway", date(2000, 1, 1), HOUSEHOLD) is None


def test_ambiguous_names_match_no_one():
    twins = [Person(1, "Alex Kim"), Person(2, "Alex Kim")]
    assert match_person("Alex Kim", None, twins) is None


def test_resolve_receipt_person_order():
    assert resolve_receipt_person("HEATHER GALLOWAY", 1, HOUSEHOLD) == 2  # printed wins
    assert resolve_receipt_person(None, 1, HOUSEHOLD) == 1  # chosen at import
    assert resolve_receipt_person("Someone Else", 3, HOUSEHOLD) == 3
    assert resolve_receipt_person(None, None, HOUSEHOLD) is None
    assert resolve_receipt_person(None, None, HOUSEHOLD[:1]) == 1  # the only person


def test_audit_letter_lists_the_checklist_in_order_with_reasons():
    entries = audit_letter(["icd10", "signature", "not_a_key"])
    assert [e.key for e in entries] == list(CHECKLIST_KEYS)
    assert CHECKLIST_KEYS[0] == "patient_name" and CHECKLIST_KEYS[-1] == "signature" and len(CHECKLIST_KEYS) == 14
    assert {e.key for e in entries if not e.ok} == {"icd10", "signature"}
    assert all(e.label and len(e.why) > 20 for e in entries)


def test_coverage_never_imports_qt():
    code = "import sys, hsawallet.coverage; sys.exit(any(m.startswith(('PySide6', 'PyQt')) for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
