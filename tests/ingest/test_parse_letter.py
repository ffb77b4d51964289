"""Letters of Medical Necessity: fields, validation of NPI and ICD-10-CM codes, and the audit."""

from __future__ import annotations

from datetime import date

import pytest

from hsawallet.ingest.letter import CHECKLIST, parse_letter
from hsawallet.ingest.model import PageText
from hsawallet.ingest.validate import describe_icd10, normalize_icd10, npi_is_valid

VALID_NPI = "1234567893"  # the CMS example NPI; its check digit is right
BAD_NPI = "1234567890"


def pages(*texts: str, source: str = "text") -> list[PageText]:
    return [
        PageText(index=i, text=t, source=source, confidence=1.0 if source == "text" else 0.85)
        for i, t in enumerate(texts)
    ]


def physician_letter(
    *,
    icd: str = " (ICD-10-CM M54.50)",
    necessity: str = "In my medical opinion, the following is medically necessary to treat this condition:",
    valid: str = "",
    license_line: str = "Oregon License No. MD.4591177",
    npi: str = VALID_NPI,
    closing: str = "Sincerely,\n/s/ Anselm L. Whitcombe, MD",
) -> str:
    return f"""\
Cedar Valley Family Practice
8264 Larkspur Ave, Suite 325, Eugene, OR 97401
Tel (541) 555-0157 Fax (541) 555-0108
April 14, 2026
RE: Letter of Medical Necessity
Patient: Ruben R. Castellanos
Date of Birth: 08/08/1992
To Whom It May Concern:
I am writing on behalf of my patient, Ruben R. Castellanos, who is under my care for low back pain{icd}.
{necessity}
• Therapeutic massage therapy — once weekly for 12 months
• Custom orthopedic shoe inserts — daily wear for 12 months
{valid}
Please contact my office at (541) 555-0157 if you need additional information.
{closing}
Family Medicine
{license_line}
NPI: {npi}
"""


def test_complete_physician_letter():
    letter = parse_letter(pages(physician_letter()))
    assert letter.patient_name == "Ruben R. Castellanos"
    assert letter.patient_dob == date(1992, 8, 8)
    assert letter.provider_name == "Anselm L. Whitcombe"
    assert letter.provider_credentials == "MD"
    assert letter.provider_license == "MD.4591177"
    assert letter.provider_npi == VALID_NPI
    assert letter.provider_contact == "(541) 555-0157"
    assert letter.icd10 == ["M54.50"]
    assert letter.diagnosis and "low back pain" in letter.diagnosis
    assert letter.items == ["therapeutic massage therapy", "custom orthopedic shoe inserts"]
    assert letter.categories == ["massage", "orthopedic"]
    assert letter.duration_months == 12
    assert letter.issue_date == date(2026, 4, 14)
    assert letter.valid_through == date(2027, 4, 13)  # issue date + 12 months - 1 day
    assert letter.valid_through_stated is False
    assert letter.signed and letter.medical_necessity_statement
    assert letter.missing == []
    assert letter.confidence["provider_npi"] > 0.5


def test_stated_valid_through_wins_over_the_default():
    letter = parse_letter(
        pages(physician_letter(valid="This letter of medical necessity is valid through 10/13/2026."))
    )
    assert letter.valid_through == date(2026, 10, 13)
    assert letter.valid_through_stated is True


def test_validity_stated_in_months_is_not_a_printed_end_date():
    text = physician_letter(valid="This certification is valid for 12 months from the date of issue.")
    letter = parse_letter(pages(text))
    assert letter.valid_through == date(2027, 4, 13)
    assert letter.valid_through_stated is False


def test_no_icd_code():
    letter = parse_letter(pages(physician_letter(icd="")))
    assert letter.icd10 == []
    assert "icd10" in letter.missing
    assert "diagnosis" not in letter.missing


def test_vague_may_help_wording_is_no_necessity_statement():
    vague = "Ruben may benefit from the following, which could help overall well-being:"
    letter = parse_letter(pages(physician_letter(necessity=vague)))
    assert letter.medical_necessity_statement is False
    assert letter.missing == ["medical_necessity_statement"]


def test_no_license_number():
    letter = parse_letter(pages(physician_letter(license_line="")))
    assert letter.provider_license is None
    assert letter.missing == ["provider_license"]


def test_npi_with_a_bad_check_digit_is_not_kept():
    letter = parse_letter(pages(physician_letter(npi=BAD_NPI)))
    assert letter.provider_npi is None
    assert "provider_npi" in letter.missing


def test_unsigned_scanned_form():
    # OCR text of a scanned form whose signature row holds only the date
    unsigned_form = FORM.format(npi=VALID_NPI).replace("/s/ Marisol T. Eberhardt, PA-C 03/12/2026", "03/12/2026")
    letter = parse_letter(pages(unsigned_form, source="ocr"))
    assert letter.signed is False
    assert letter.missing == ["signature"]
    # the same form with ink on the row (OCR reads the scribble as debris)
    inked = unsigned_form.replace("\n03/12/2026", "\nmALIr~>L AD. 03/12/2026")
    assert parse_letter(pages(inked, source="ocr")).signed is True
    # OCR read only the date but saw handwriting beside it
    scrawled = PageText(index=0, text=unsigned_form, source="ocr", confidence=0.85, scrawled_lines=("03/12/2026",))
    letter = parse_letter([scrawled])
    assert letter.signed is True
    assert "signature" not in letter.missing


def test_a_closing_without_visible_ink_is_not_called_unsigned():
    letter = parse_letter(pages(physician_letter(closing="Sincerely,\nAnselm L. Whitcombe, MD"), source="ocr"))
    assert letter.provider_name == "Anselm L. Whitcombe"
    assert letter.signed is True  # a drawn signature cannot be ruled out from text alone


FORM = """\
Example Health Savings Bank
Letter of Medical Necessity (LMN) Form
Part 1 - Participant information
Patient name Patient date of birth (MM/DD/YYYY)
Harriet Osei 03/01/1984
Part 2 - Medical information (completed by the health care provider)
Diagnosis / medical condition
Obesity; Hyperlipidemia
ICD-10 code(s) Date of most recent visit
E66.9, E78.5 03/05/2026
Recommended item or service 1 Frequency
Personal training sessions with a certified trainer 3 times per week
Recommended item or service 2 Frequency
Nutritional counseling with a registered dietitian monthly visits
Duration of treatment: 3 months 6 months X 12 months
Certification valid through: 03/11/2027
Is the item/service used to treat the condition listed above? X Yes No
Comments:
Regular structured exercise is a first-line treatment for this condition.
Part 3 - Provider certification
Provider name Credentials Phone
Marisol T. Eberhardt PA-C (218) 555-0127
State license # NPI
MN PA.1329517 {npi}
Practice name and address
Larch Street Medical Group, 9424 Riverside Dr, Suite 127, Duluth, MN 55802
Provider signature Date
/s/ Marisol T. Eberhardt, PA-C 03/12/2026
"""


def test_plan_form_with_label_rows():
    letter = parse_letter(pages(FORM.format(npi=VALID_NPI)))
    assert letter.patient_name == "Harriet Osei"
    assert letter.patient_dob == date(1984, 3, 1)
    assert letter.provider_name == "Marisol T. Eberhardt"
    assert letter.provider_credentials == "PA-C"
    assert letter.provider_license == "PA.1329517"
    assert letter.provider_npi == VALID_NPI
    assert letter.icd10 == ["E66.9", "E78.5"]
    assert letter.diagnosis == "Obesity; Hyperlipidemia"
    assert letter.categories == ["fitness", "nutrition"]
    assert letter.duration_months == 12
    assert letter.issue_date == date(2026, 3, 12)  # the signature date, not the visit
    assert letter.valid_through == date(2027, 3, 11) and letter.valid_through_stated
    assert letter.missing == []


def test_day_first_letter_dates():
    text = FORM.format(npi=VALID_NPI).replace("03/12/2026", "12/03/2026").replace("03/11/2027", "11/03/2027")
    letter = parse_letter(pages(text), date_order="dmy")
    assert letter.issue_date == date(2026, 3, 12)
    assert letter.valid_through == date(2027, 3, 11)


TELEHEALTH = """\
Brightline Virtual Care
Certificate of Medical Necessity
This letter certifies that Tobias A. Lindqvist (date of birth 11/01/1963) was evaluated by a licensed
clinician during a telehealth consultation on September 6, 2026. Based on this evaluation, vitamin
D3 supplementation (2,000 IU daily) is medically necessary for the treatment of celiac disease and
migraine (ICD-10-CM: K90.0, G43.909).
This certification is valid for 12 months from the date of issue.
Date of issue: September 13, 2026
Electronically signed by Anouk H. Marchetti, PA-C
Oregon license PA.8613967 | NPI {npi}
Support: (303) 555-0162
"""


def test_telehealth_certificate_without_frequency():
    letter = parse_letter(pages(TELEHEALTH.format(npi=VALID_NPI)))
    assert letter.patient_name == "Tobias A. Lindqvist"
    assert letter.patient_dob == date(1963, 11, 1)
    assert letter.provider_name == "Anouk H. Marchetti"
    assert letter.provider_credentials == "PA-C"
    assert letter.icd10 == ["K90.0", "G43.909"]
    assert letter.categories == ["supplements"]
    assert letter.issue_date == date(2026, 9, 13)  # not the consultation date
    assert letter.valid_through == date(2027, 9, 12)
    assert letter.duration_months is None
    assert letter.missing == ["duration"]


def test_missing_uses_checklist_keys_only():
    letter = parse_letter(pages("Letter of Medical Necessity\nTo whom it may concern:\nThis may help.\n"))
    assert set(letter.missing) <= set(CHECKLIST)
    assert {"patient_name", "icd10", "provider_npi", "issue_date", "recommended_items"} <= set(letter.missing)
    assert "medical_necessity_statement" in letter.missing


@pytest.mark.parametrize(
    "npi, valid", [(VALID_NPI, True), (BAD_NPI, False), ("123456789", False), ("12345678a3", False), (None, False)]
)
def test_npi_check_digit(npi, valid):
    assert npi_is_valid(npi) is valid


def test_icd10_codes_against_the_official_code_set():
    assert normalize_icd10("E669") == "E66.9"
    assert normalize_icd10("i10") == "I10"
    assert normalize_icd10("B12") is None  # shaped like a code, not in ICD-10-CM
    assert normalize_icd10("Q99.99") is None
    assert describe_icd10("G47.33").lower().startswith("obstructive sleep apnea")
    assert describe_icd10("ZZZ") is None
