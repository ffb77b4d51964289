"""Each evidence rule of letter reading, on letter layouts built here: entities first (names,
NPIs, ICD-10-CM codes, credentials, licenses), then their roles (patient, provider, issue date,
validity, items, signature) and the confidence that says whether the evidence agrees."""

from __future__ import annotations

import io
from datetime import date

import pytest

from hsawallet.ingest.classify import classify
from hsawallet.ingest.letter import parse_letter
from hsawallet.ingest.letter_entities import icd10_codes, license_value
from hsawallet.ingest.model import PageText
from hsawallet.ingest.names import credentials_after, name_at, names_in
from hsawallet.ingest.pdftext import extract_pdf_pages

NPI = "1234567893"  # check digit right (Luhn over 80840 + the first nine digits)
OTHER_NPI = "1245319599"  # also right
BAD_NPI = "1234567890"


def ocr(text: str) -> list[PageText]:
    return [PageText(index=0, text=text, source="ocr", confidence=0.9)]


def text(text: str) -> list[PageText]:
    return [PageText(index=0, text=text, source="text", confidence=1.0)]


# ---- entities -----------------------------------------------------------------------------


def test_person_names_in_any_order_and_stopping_at_label_words():
    assert name_at("OYELARAN, BEATRIX M. 5. Relationship").text == "Beatrix M. Oyelaran"
    assert name_at("Casimir Ndiaye Birth date 1/2/1970").text == "Casimir Ndiaye"
    assert name_at("Willowmere Family Medicine") is None  # an organisation, not a person
    assert [n.text for n in names_in("seen by Dr. Ilse Vantongeren and Ottilie Brandvold today")] == [
        "Ilse Vantongeren",
        "Ottilie Brandvold",
    ]


@pytest.mark.parametrize(
    "line, credentials",
    [
        ("Ilse Vantongeren, DPT", "DPT"),
        ("Ilse Vantongeren LAc", "LAc"),
        ("Ilse Vantongeren, RD, LDN", "RD, LDN"),
        ("Ilse Vantongeren, FNP-BC", "FNP-BC"),
        ("Ilse Vantongeren, Director", None),
        ("| Ilse Vantongeren | | DPT | | (555) 555-0100", "DPT"),  # a form's cells as OCR reads their borders
    ],
)
def test_credentials_after_a_name(line, credentials):
    span = name_at(line)
    assert credentials_after(line, span.end) == credentials


def test_icd10_codes_with_or_without_the_dot():
    assert icd10_codes("Dx codes: M7661 ; G4730") == ["M76.61", "G47.30"]
    assert icd10_codes("Reference E669 appears on the invoice") == []  # undotted, no code label
    assert icd10_codes("chronic plantar fasciitis (M72.2), lumbar strain (S39.012A)") == ["M72.2", "S39.012A"]
    assert icd10_codes("ICD-10: [10 hypertension", ocr=True) == ["I10"]  # OCR's [ for I


@pytest.mark.parametrize(
    "after_label, value",
    [
        (" TX 12345-A", "12345-A"),
        (" #: A-55123 (CA)", "A-55123"),
        (" in Ohio: 35.098765", "35.098765"),
        (" pending", None),
        (" –", None),
    ],
)
def test_license_value_after_its_label(after_label, value):
    assert license_value(after_label) == value


# ---- roles --------------------------------------------------------------------------------

PROSE = """\
Willowmere Family Medicine
412 Orchard Row, Springfield, IL 62701 | office (217) 555-0143
Dated: 2/9/2026
To the claims reviewer,
Ottilie Brandvold (DOB 7/14/1958) has been under my care since 2021 for knee osteoarthritis, M17.0.
I have prescribed aquatic exercise classes (twice a week) and a custom knee brace (worn daily),
which are medically necessary to treat her condition.
This recommendation is valid for 6 months.
Kind regards,
Ilse Vantongeren, DPT
Illinois Lic. 070.012345
NPI {npi}
"""


def test_prose_letter_roles_from_evidence():
    letter = parse_letter(text(PROSE.format(npi=NPI)))
    assert letter.patient_name == "Ottilie Brandvold"
    assert letter.patient_dob == date(1958, 7, 14)
    assert letter.provider_name == "Ilse Vantongeren"
    assert letter.provider_credentials == "DPT"
    assert letter.provider_license == "070.012345"
    assert letter.provider_npi == NPI
    assert letter.icd10 == ["M17.0"]
    assert letter.categories == ["fitness", "orthopedic"]
    assert letter.issue_date == date(2026, 2, 9)
    assert letter.valid_through == date(2026, 8, 8)  # "valid for 6 months"
    assert letter.valid_through_stated is False
    assert letter.medical_necessity_statement


def test_validity_in_other_phrasings():
    through = PROSE.replace("This recommendation is valid for 6 months.", "Coverage period: 2/9/2026 to 11/30/2026.")
    assert parse_letter(text(through.format(npi=NPI))).valid_through == date(2026, 11, 30)
    duration = PROSE.replace("This recommendation is valid for 6 months.", "Continue for the duration of treatment.")
    assert parse_letter(text(duration.format(npi=NPI))).valid_through == date(2027, 2, 8)  # the 12-month default
    months_from = PROSE.replace(
        "This recommendation is valid for 6 months.", "Please honour this for 9 months from the date of signature."
    )
    assert parse_letter(text(months_from.format(npi=NPI))).valid_through == date(2026, 11, 8)


def test_unlabelled_npi_is_kept_but_doubtful():
    letter = parse_letter(text(PROSE.format(npi=NPI).replace("NPI ", "")))
    assert letter.provider_npi == NPI
    assert letter.confidence["provider_npi"] < 0.8
    labelled = parse_letter(text(PROSE.format(npi=NPI)))
    assert labelled.confidence["provider_npi"] >= 0.8
    invalid = parse_letter(text(PROSE.format(npi=BAD_NPI)))
    assert invalid.provider_npi is None and "provider_npi" in invalid.missing


CARE_SUMMARY = """\
Care Summary
Seen on: 03/02/2026    Treating physician: Casimir Ndiaye, MD
Client: Beatrix Oyelaran   Birth date: 1990-05-30
Problem list
G47.33 Obstructive sleep apnea
Treatment          Schedule
Auto-titrating CPAP machine with heated tubing     nightly
Wedge pillow     every night
Provider license: MD-204417 | National Provider Identifier: {npi}
Digitally signed by Casimir Ndiaye, MD on 03/04/2026
"""


def test_care_summary_labels_table_and_digital_signature():
    letter = parse_letter(text(CARE_SUMMARY.format(npi=NPI)))
    assert letter.patient_name == "Beatrix Oyelaran"
    assert letter.patient_dob == date(1990, 5, 30)
    assert letter.provider_name == "Casimir Ndiaye"
    assert letter.provider_credentials == "MD"
    assert letter.provider_license == "MD-204417"
    assert letter.provider_npi == NPI
    assert letter.categories == ["cpap", "sleep"]
    assert letter.issue_date == date(2026, 3, 4)  # signed, not the visit
    assert letter.signed is True and letter.confidence["signed"] >= 0.8
    assert letter.confidence["patient_name"] >= 0.8


def test_a_form_date_under_its_signature_caption():
    form = """\
Practitioner statement
Patient (last, first) BRANDVOLD, OTTILIE   DOB 07/14/1958
Name Ilse Vantongeren   Credentials DPT   NPI {npi}
Item or service      How often     Length of need
Aquatic exercise classes    twice a week    6 months
Is this expense mainly to treat the condition? Yes
03/18/2026
Practitioner signature   Date signed
"""
    letter = parse_letter(ocr(form.format(npi=NPI)))
    assert letter.patient_name == "Ottilie Brandvold"
    assert letter.provider_name == "Ilse Vantongeren"
    assert letter.provider_credentials == "DPT"
    assert letter.issue_date == date(2026, 3, 18)
    assert letter.duration_months == 6
    assert letter.medical_necessity_statement


def test_two_patients_named_make_the_patient_doubtful():
    doubtful = PROSE.replace("Ottilie Brandvold (DOB", "Patient: Wendeline Farquhar\nOttilie Brandvold (DOB")
    letter = parse_letter(text(doubtful.format(npi=NPI)))
    assert letter.confidence["patient_name"] < 0.8


def test_may_find_useful_is_no_necessity_statement_but_still_lists_items():
    vague = PROSE.replace(
        "I have prescribed aquatic exercise classes (twice a week) and a custom knee brace (worn daily),\n"
        "which are medically necessary to treat her condition.",
        "Ottilie may find a custom knee brace (worn daily) useful for general well-being.",
    )
    letter = parse_letter(text(vague.format(npi=NPI)))
    assert letter.categories == ["orthopedic"]
    assert letter.medical_necessity_statement is False
    assert "medical_necessity_statement" in letter.missing
    denied = PROSE.replace(
        "which are medically necessary to treat her condition.",
        "which are medically necessary; this is not for general fitness.",
    )
    assert parse_letter(text(denied.format(npi=NPI))).medical_necessity_statement is True


def _letter_pdf(signature_stroke: bool) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.setFont("Helvetica", 11)
    lines = PROSE.format(npi=NPI).splitlines()
    y = 720
    for line in lines:
        if line.startswith("Ilse Vantongeren"):
            if signature_stroke:  # a hand signature: a freehand curve above the typed name
                c.bezier(80, y + 4, 120, y + 30, 160, y - 10, 220, y + 14)
            y -= 30
        c.drawString(72, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_text_pdf_signature_is_a_drawing_near_the_signature_block():
    signed = parse_letter(extract_pdf_pages(_letter_pdf(signature_stroke=True)))
    assert signed.signed is True
    unsigned = parse_letter(extract_pdf_pages(_letter_pdf(signature_stroke=False)))
    assert unsigned.signed is False
    assert "signature" in unsigned.missing


# ---- classification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, kind",
    [
        (
            "Riverbend Climbing Gym\nMembership activity\nMonthly dues 64.00\nAmount charged $64.00\n"
            "Charged to MASTERCARD on file, last 4: 0042",
            "receipt",
        ),
        (
            "Prairie Mutual Health Plan\nMember ID ZX0012345\nGroup 88213\nRx BIN 610014 Rx PCN HLTH\nCopay PCP $25",
            "other",
        ),
        (
            "First Lakeshore Credit Union\nStatement period 01/01/2026 - 01/31/2026\nBeginning balance 1,204.11\n"
            "01/05 POS DEBIT HARBOR DRUG 12.40\nEnding balance 1,191.71",
            "other",
        ),
        (
            "Harbor Physical Therapy\nAppointment reminder\nYou're scheduled for Monday, March 2 at 9:00.\n"
            "Reply Y to confirm.",
            "other",
        ),
        (
            "Harbor Health Plan\nClaim summary - not a request for payment\nService 03/02/2026 Physical therapy\n"
            "Amount billed 120.00  Amount paid by plan 80.00\nYou may owe 40.00",
            "other",
        ),
        (
            "Plan of care\nPatient: Beatrix Oyelaran\nDiagnosis: lumbar radiculopathy (M54.16)\nI have prescribed "
            "aquatic therapy twice a week.\nIlse Vantongeren, DPT\nNPI " + NPI,
            "letter",
        ),
    ],
)
def test_classification_by_evidence(body, kind):
    assert classify(text(body))[0] == kind


# ---- wordings and layouts of other letters ------------------------------------------------

REQUEST = """\
HOLLOWAY SPORTS MEDICINE, P.C.
1200 Alder Way, Suite 4 | Tacoma, WA 98402 | Tel: 253-555-0110
October 3, 2026
RE: Medical necessity for massage therapy
Patient Name: Thornbury, Eloise       DOB: 04/11/1977
Dear Sir or Madam:
Ms. Thornbury is a patient in my practice with chronic myofascial pain syndrome (M79.18).
I am requesting coverage for therapeutic massage, 60 minutes, once weekly for six months.
This treatment is medically necessary to reduce pain and restore function.
This letter will remain valid for one year from the date signed.
Thank you,
Dr. Rafferty Okonjo-Blake
Rafferty Okonjo-Blake, NP-C
WA License AP60123456
NPI: {npi}
"""


def test_request_for_coverage_with_last_first_name_and_a_title():
    letter = parse_letter(text(REQUEST.format(npi=NPI)))
    assert letter.patient_name == "Eloise Thornbury"  # "Last, First" in mixed case; "Ms." is no name
    assert letter.patient_dob == date(1977, 4, 11)
    assert letter.provider_name == "Rafferty Okonjo-Blake"
    assert letter.provider_credentials == "NP-C"
    assert letter.provider_license == "AP60123456"
    assert letter.items == ["therapeutic massage"]  # "60 minutes" and "once weekly" are its terms
    assert letter.categories == ["massage"]
    assert letter.duration_months == 6
    assert letter.valid_through == date(2027, 10, 2)  # one year from the date


STATEMENT = """\
Statement of Medical Necessity
Member: Aurelio Fenwick-Dunn    Member DOB: 1989-02-17
Prescribing clinician: Noor Haddadin, ND
Diagnosis: Iron deficiency anemia (D50.9)
Rx: Iron bisglycinate 25 mg, 1 capsule daily x 90 days
Start date: 2026-01-10   Stop date: 2026-04-10
NPI {npi}    License ND-00871 (OR)
"""


def test_statement_with_member_rx_line_and_stop_date():
    letter = parse_letter(text(STATEMENT.format(npi=NPI)))
    assert letter.patient_name == "Aurelio Fenwick-Dunn"  # the member with a date of birth beside
    assert letter.provider_name == "Noor Haddadin"
    assert letter.provider_credentials == "ND"
    assert letter.categories == ["supplements"]
    assert letter.issue_date == date(2026, 1, 10)
    assert letter.valid_through == date(2026, 4, 10) and letter.valid_through_stated


def test_plan_lines_name_the_diagnosis_then_the_action():
    note = """\
Patient: Ignatius Q. Mbeki-Rowe
Date of service: 08/02/2026
Assessment and Plan:
1. Obesity, BMI 35 (E66.9) - Enroll in medically supervised weight management program, weekly, 12 months.
2. Prediabetes (R73.03) - Nutrition counseling with registered dietitian, monthly.
I certify that the above services are medically necessary for the treatment of the listed diagnoses.
Electronically signed: Priyanka Wetherell, MD 08/05/2026 14:02
"""
    letter = parse_letter(text(note))
    assert letter.patient_name == "Ignatius Q. Mbeki-Rowe"
    assert letter.provider_name == "Priyanka Wetherell"
    assert letter.categories == ["weight_loss", "nutrition"]
    assert letter.issue_date == date(2026, 8, 5)  # signed, not the date of service
    assert letter.duration_months == 12
    assert letter.signed and letter.medical_necessity_statement


def test_categories_from_the_recommending_sentences_when_no_item_stands_out():
    note = """\
Patient: Casper Lindqvist-Moe
Sleep apnea, obstructive (G47.33).
Nightly positive airway pressure with a CPAP machine is medically necessary for this patient.
This is not for general fitness or wellness.
Hazel Ngata, NP-C
"""
    letter = parse_letter(text(note))
    assert letter.categories == ["cpap"]
    assert letter.confidence["categories"] < 0.8


def test_a_vault_persons_name_printed_anywhere_is_evidence_for_the_patient():
    note = """\
Ilse Vantongeren, DPT - Willowmere Physical Therapy
The exercise program below is medically necessary after knee surgery for BRANDVOLD, OTTILIE.
Aquatic exercise classes twice a week.
"""
    alone = parse_letter(text(note))
    assert alone.patient_name is None or alone.confidence["patient_name"] < 0.8
    known = parse_letter(text(note), people=("Ottilie Brandvold", "Edgar Brandvold"))
    assert known.patient_name == "Ottilie Brandvold"
    assert known.confidence["patient_name"] >= 0.8
    # a household member named beside a labelled patient is no rival for the label
    labelled = parse_letter(text(PROSE.format(npi=NPI)), people=("Wendeline Farquhar",))
    assert labelled.patient_name == "Ottilie Brandvold"


def test_a_form_in_sections_with_plain_name_labels():
    form = """\
Flexible Spending Account - Letter of Medical Necessity
PATIENT INFORMATION
Name: Philippa Achterberg
Employer: Quillfeather Analytics
PROVIDER INFORMATION
Name: Tobiah Feldkamp
Credentials: DC
NPI: {npi}
License #: CHI-44120
Condition: Lumbar disc herniation   ICD-10: M51.26
Recommended treatment: Orthotic shoe inserts, custom molded
Length of treatment: 12 months
I certify that the above treatment is medically necessary.
Provider signature: /s/ Tobiah Feldkamp   Date: 5th March 2026
"""
    letter = parse_letter(text(form.format(npi=NPI)))
    assert letter.patient_name == "Philippa Achterberg"
    assert letter.provider_name == "Tobiah Feldkamp"
    assert letter.provider_credentials == "DC"
    assert letter.provider_license == "CHI-44120"
    assert letter.categories == ["orthopedic"]
    assert letter.duration_months == 12
    assert letter.issue_date == date(2026, 3, 5)


def test_signature_words_inside_other_words_are_no_signature():
    from hsawallet.ingest.letter_roles import SIGNATURE_CUE

    assert SIGNATURE_CUE.search("a program designed for joint pain") is None
    assert SIGNATURE_CUE.search("E-signature on file: Ilse Vantongeren") is not None


def test_certificate_with_a_titled_physician_and_equipment_list():
    certificate = """\
CERTIFICATE OF MEDICAL NECESSITY
Patient: Hollis Grimsrud              Date of birth: 11-22-1970
Diagnosis: Obstructive sleep apnea, severe (G47.33)
Equipment ordered: CPAP with heated humidifier; full face mask; replacement cushions monthly
Physician: Dr. Marguerite Oyelowo-Tran    NPI: {npi}
As part of his treatment plan these supplies are required.
Date signed: 01/15/2026
"""
    letter = parse_letter(ocr(certificate.format(npi=NPI)))
    assert letter.patient_name == "Hollis Grimsrud"
    assert letter.provider_name == "Marguerite Oyelowo-Tran"  # the title is not part of the name
    assert letter.items == ["CPAP with heated humidifier", "full face mask", "replacement cushions"]
    assert letter.categories == ["cpap"]  # a humidifier for a CPAP: the category that needs the letter
    assert letter.issue_date == date(2026, 1, 15)
    assert letter.medical_necessity_statement


def test_the_patients_birth_date_among_several():
    form = """\
Account holder: Edgar Brandvold   Account holder DOB: 03/03/1955
Patient: Ottilie Brandvold   Patient DOB: 07/14/1958
"""
    letter = parse_letter(text(form))
    assert letter.patient_dob == date(1958, 7, 14)
    unclear = parse_letter(text("Edgar Brandvold, DOB 03/03/1955\nOttilie Brandvold, DOB 07/14/1958\n"))
    assert unclear.confidence["patient_dob"] < 0.8


def test_a_superbill_with_its_payment_is_a_receipt_despite_its_codes():
    superbill = """\
Cedarline Chiropractic  NPI 1234567893  Tax ID 12-3456789
SUPERBILL / STATEMENT OF SERVICES
Patient: Ottilie Brandvold   DOB 07/14/1958
Diagnosis codes (ICD-10): M54.50, M99.03
CPT 98940 Chiropractic manipulation 1 unit 65.00
Total charges 110.00
Payment received - Visa ending 4421 110.00
Provider signature: Ilse Vantongeren, DC
"""
    assert classify(text(superbill))[0] == "receipt"


# ---- phrasings and layouts of other writers -------------------------------------------------

PLAIN = """\
Harborline Integrative Clinic
41 Quay Street, Bayport, ME 04101 · (207) 555-0190
{top}
{salute}
{body}
Diagnosis: knee osteoarthritis (M17.0).
I recommend a supervised exercise program at a fitness facility, three times weekly.
This is medically necessary to treat the condition above.
{validity}
Sincerely,
{signature}
NPI 1234567893 · License ME 44120
"""
ABOUT = "Marisol Quintanilla (date of birth 04/12/1979) is under my care."


def plain(top="", salute="To whom it may concern:", body=ABOUT, validity="", signature="Thaddeus Ekwueme, MD"):
    return parse_letter(text(PLAIN.format(top=top, salute=salute, body=body, validity=validity, signature=signature)))


def test_the_patient_is_whom_the_letter_is_for_but_that_alone_is_doubtful():
    letter = plain(
        top="Letter of Medical Necessity for Marisol Quintanilla", body="I have treated this patient since 2024."
    )
    assert letter.patient_name == "Marisol Quintanilla"
    assert letter.confidence["patient_name"] < 0.8  # a title-case heading puts other words after "for" too
    # evidence of another kind agreeing makes it surer
    agreed = plain(top="Prepared for: Marisol Quintanilla", body=ABOUT)
    assert agreed.patient_name == "Marisol Quintanilla"
    assert agreed.confidence["patient_name"] > plain(body=ABOUT).confidence["patient_name"] >= 0.8
    # a heading's capitalised words after "for" never overrule the patient's label
    heading = plain(top="Certification for Eligible Expenses\nPatient: Marisol Quintanilla", body="")
    assert heading.patient_name == "Marisol Quintanilla"
    assert heading.confidence["patient_name"] >= 0.8


def test_the_person_the_prose_describes_by_age():
    letter = plain(body="Ms. Marisol Quintanilla is a 46-year-old woman I treat for knee pain.")
    assert letter.patient_name == "Marisol Quintanilla"


@pytest.mark.parametrize(
    "signature",
    [
        "Thaddeus Ekwueme, MD\nMarch 3, 2026",  # under the typed name
        "Thaddeus Ekwueme, MD        03/03/2026",  # on the signature line
        "Signed this 3rd day of March, 2026\nThaddeus Ekwueme, MD",  # an attestation's words
    ],
)
def test_the_issue_date_beside_the_signature(signature):
    letter = plain(signature=signature)
    assert letter.issue_date == date(2026, 3, 3)
    assert letter.confidence["issue_date"] >= 0.8
    assert letter.valid_through == date(2027, 3, 2)


def test_a_license_expiry_in_the_signature_block_is_no_issue_date():
    letter = plain(top="February 27, 2026", signature="Thaddeus Ekwueme, MD   License exp. 12/31/2027")
    assert letter.issue_date == date(2026, 2, 27)


def test_a_dateline_after_the_place_is_the_issue_date_but_doubtful_alone():
    letter = plain(top="Bayport, Maine, March 3, 2026", salute="Dear Plan Administrator,")
    assert letter.issue_date == date(2026, 3, 3)
    assert letter.confidence["issue_date"] < 0.8  # "Jane Roe, March 3, 1979" has the same shape
    agreed = plain(top="Bayport, Maine, March 3, 2026", signature="Thaddeus Ekwueme, MD   03/03/2026")
    assert agreed.confidence["issue_date"] >= 0.8


@pytest.mark.parametrize(
    "validity, end, stated",
    [
        ("This recommendation applies through December 31, 2026.", date(2026, 12, 31), True),
        ("It may be relied on until 09/30/2026.", date(2026, 9, 30), True),
        ("This letter carries a 6-month validity.", date(2026, 9, 2), False),
        ("This letter expires in six months.", date(2026, 9, 2), False),
        ("Please consider it current for a period of 9 months.", date(2026, 12, 2), False),
        ("This letter remains valid for one year.", date(2027, 3, 2), False),
        ("Treatment continued until 02/20/2026, when we last met.", date(2027, 3, 2), False),  # no validity
    ],
)
def test_validity_in_any_phrasing(validity, end, stated):
    letter = plain(top="March 3, 2026", validity=validity)
    assert letter.valid_through == end
    assert letter.valid_through_stated is stated


def test_a_table_of_items_ends_at_the_letters_closing():
    table = "Item / Service    Frequency    Duration\nMassage therapy    weekly    6 months\nFitness center membership    3x weekly    12 months"
    letter = plain(body=ABOUT + "\n" + table)
    assert letter.items == ["massage therapy", "fitness center membership"]  # not the signature under it
    assert letter.categories == ["massage", "fitness"]
    assert "3x weekly 12 months" in letter.frequency


def test_items_the_prose_says_the_patient_would_benefit_from():
    letter = plain(
        body=ABOUT + " She would benefit medically from a gym membership and a structured weight loss program."
    )
    assert letter.categories == ["fitness", "weight_loss"]


PLAN_FORM = """\
Flexible Spending Account - Letter of Medical Necessity
Participant name: Rosalind Achterberg    Employer: Kestrel Logistics
{who}
Condition: obstructive sleep apnea (G47.33)
Item: CPAP machine and supplies
Provider name: Cornelius Vandersloot    Credentials: DO
License # ME-7781    NPI 1234567893    Phone (207) 555-0177
Provider signature: Cornelius Vandersloot    Date: 04/02/2026
"""


@pytest.mark.parametrize(
    "who",
    [
        "Name of person receiving treatment: Benedikt Achterberg   Date of birth: 09/09/2012",
        "Dependent name: Benedikt Achterberg   DOB: 09/09/2012",
        "Patient (if other than participant): Benedikt Achterberg   Birth date 09/09/2012",
        "Individual treated: Benedikt Achterberg (DOB 09/09/2012)",
    ],
)
def test_a_plan_form_names_the_person_treated_apart_from_the_account_holder(who):
    letter = parse_letter(text(PLAN_FORM.format(who=who)))
    assert letter.patient_name == "Benedikt Achterberg"
    assert letter.patient_dob == date(2012, 9, 9)
    assert letter.confidence["patient_name"] >= 0.8
    assert letter.categories == ["cpap"]  # "Item:" labels what the form recommends


def test_the_account_holder_alone_is_the_patient_doubtfully():
    letter = parse_letter(text(PLAN_FORM.format(who="Patient is the participant: Yes")))
    assert letter.patient_name == "Rosalind Achterberg"
    assert letter.confidence["patient_name"] < 0.8


FORM_WITH_DATES = """\
Harborline Integrative Clinic
Patient: Marisol Quintanilla   DOB 04/12/1979
Last office visit: 02/20/2026
{line}
I recommend a supervised exercise program for knee osteoarthritis (M17.0); it is medically necessary.
{validity}
Thaddeus Ekwueme, MD   NPI 1234567893
"""


@pytest.mark.parametrize(
    "line",
    [
        "Date of this letter: 03/03/2026",
        "Date completed: 03/03/2026",
        "Form completed 3 March 2026 by the treating provider",
        "Prepared 03/03/2026",
        "Attested on 03/03/2026",
    ],
)
def test_issue_date_from_other_role_words(line):
    letter = parse_letter(text(FORM_WITH_DATES.format(line=line, validity="")))
    assert letter.issue_date == date(2026, 3, 3)
    assert letter.confidence["issue_date"] >= 0.8


def test_a_completed_treatment_is_no_issue_date():
    line = "She completed twelve weeks of therapy on 01/15/2026 with little change."
    letter = parse_letter(text(FORM_WITH_DATES.format(line="Dated 03/03/2026\n" + line, validity="")))
    assert letter.issue_date == date(2026, 3, 3)
    assert letter.confidence["issue_date"] >= 0.8


@pytest.mark.parametrize(
    "validity, end",
    [
        ("Certification period: 6 mo.", date(2026, 9, 2)),
        ("Length of certification: 6 months", date(2026, 9, 2)),
        ("Valid for 6 mos", date(2026, 9, 2)),
        ("This letter is valid for the current plan year ending 12/31/2026.", date(2026, 12, 31)),
    ],
)
def test_validity_of_forms_and_plan_years(validity, end):
    letter = parse_letter(text(FORM_WITH_DATES.format(line="Dated 03/03/2026", validity=validity)))
    assert letter.valid_through == end
