"""The category table: default data, keyword matching, and a user's own table."""

from __future__ import annotations

import json

import pytest

from hsawallet.ingest.categories import default_categories, load_categories
from hsawallet.vocab import LMN_CATEGORIES, OTHER_CATEGORIES


def test_default_table_has_the_contract_categories():
    categories = load_categories()
    assert set(LMN_CATEGORIES) | set(OTHER_CATEGORIES) <= set(categories.names)
    assert all(categories.needs_lmn(name) for name in LMN_CATEGORIES)
    assert not any(categories.needs_lmn(name) for name in OTHER_CATEGORIES)
    assert not categories.needs_lmn("no_such_category")
    assert load_categories() is default_categories()  # cached


@pytest.mark.parametrize(
    "description, category",
    [
        ("Monthly membership dues - Individual", "fitness"),
        ("Personal training session, 60 min", "fitness"),
        ("Yoga mat carrying strap", "not_eligible"),
        ("Deep tissue massage 60 min", "massage"),
        ("Massage oil, 8 oz", "not_eligible"),
        ("Medical nutrition therapy, initial", "nutrition"),
        ("Meal replacement shake, chocolate", "weight_loss"),
        ("Cooling mattress pad, queen", "sleep"),
        ("Bamboo pillowcase set", "not_eligible"),
        ("MAGNESIUM GLYC 120CT", "supplements"),
        ("Fish oil 1200 mg softgels", "supplements"),
        ("Custom-molded orthotic inserts (pair)", "orthopedic"),
        ("KNEE BRACE HINGED", "orthopedic"),
        ("Electroacupuncture session", "acupuncture"),
        ("Oura ring sleep tracker", "wearable"),
        ("Heart-rate monitor chest strap", "wearable"),
        ("ResMed AirFit full face mask cushion", "cpap"),
        ("CPAP tubing, heated", "cpap"),
        ("IBUPROFEN 200MG 100CT", "otc_eligible"),
        ("Upper-arm blood pressure monitor", "otc_eligible"),
        ("SUNSCREEN SPF50 LOTION", "otc_eligible"),
        ("CONTACT SOLN 12OZ", "otc_eligible"),
        ("RX 6003076 AMOXICILLIN 500MG", "rx"),
        ("Office visit copay", "medical_service"),
        ("Gratuity", "not_eligible"),
        ("DISH SOAP 24OZ", "not_eligible"),
        # broad synonyms and till abbreviations (none of them a corpus description)
        ("DIGITAL THERMO ORAL", "otc_eligible"),
        ("OMEGA3 FISH 90CT", "supplements"),
        ("CALCIUM CITRATE 500MG", "supplements"),
        ("Smart sleep ring, gen 3", "wearable"),
        ("Reformer class, 50 min", "fitness"),
        ("MNT reassessment, 30 min", "nutrition"),
        ("Manual therapy techniques, 2 units", "massage"),
        ("Memory foam neck pillow", "sleep"),
        ("Contact lens fitting, toric", "medical_service"),
        ("Sports drink 12-pack", "not_eligible"),
        # alternatives joined by a slash share the noun that follows
        ("Yoga / spin class pass", "fitness"),
        ("Enrollment/registration fee", "fitness"),
    ],
)
def test_categorize_real_world_descriptions(description, category):
    found, confidence = load_categories().categorize(description)
    assert found == category
    assert 0.0 < confidence <= 1.0


def test_unknown_description_falls_back_with_low_confidence():
    category, confidence = load_categories().categorize("Zorblax 3000")
    assert category == "not_eligible"
    assert confidence < 0.5


def test_a_users_table_may_add_categories_and_change_needs_lmn(tmp_path):
    data = json.loads(
        json.dumps(
            {
                "default": "not_eligible",
                "categories": {
                    "fitness": {"needs_lmn": False, "keywords": ["gym", "personal training"]},
                    "hearing": {"needs_lmn": True, "keywords": ["hearing aid*"], "patterns": ["\\bPSAP\\b"]},
                    "not_eligible": {"needs_lmn": False, "keywords": []},
                },
            }
        )
    )
    path = tmp_path / "categories.json"
    path.write_text(json.dumps(data))
    categories = load_categories(path)
    assert categories.names == ["fitness", "hearing", "not_eligible"]
    assert not categories.needs_lmn("fitness")
    assert categories.categorize("Hearing aids, pair")[0] == "hearing"
    assert categories.categorize("PSAP amplifier")[0] == "hearing"
    assert categories.needs_lmn("hearing")
    assert categories.categorize("Gym day pass")[0] == "fitness"


def test_an_empty_table_is_refused(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("{}")
    with pytest.raises(ValueError):
        load_categories(path)
