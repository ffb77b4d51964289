"""Words people read for the identifiers the core stores (categories, document kinds)."""

from __future__ import annotations

from hsawallet.vocab import Category

CATEGORY_LABELS: dict[str, str] = {
    Category.FITNESS: "Fitness",
    Category.MASSAGE: "Massage",
    Category.NUTRITION: "Nutrition",
    Category.WEIGHT_LOSS: "Weight loss",
    Category.SLEEP: "Sleep",
    Category.SUPPLEMENTS: "Supplements",
    Category.ORTHOPEDIC: "Orthopedic",
    Category.ACUPUNCTURE: "Acupuncture",
    Category.WEARABLE: "Wearable",
    Category.CPAP: "CPAP",
    Category.OTC_ELIGIBLE: "Over-the-counter (eligible)",
    Category.RX: "Prescription",
    Category.MEDICAL_SERVICE: "Medical service",
    Category.NOT_ELIGIBLE: "Not eligible",
}


def category_label(name: str | None) -> str:
    """'otc_eligible' -> 'Over-the-counter (eligible)'; a category a user added reads with spaces."""
    if not name:
        return ""
    return CATEGORY_LABELS.get(name) or name.replace("_", " ").capitalize()


def category_name(label: str) -> str:
    """The stored identifier for a label shown by ``category_label`` (or the text itself)."""
    label = label.strip()
    for name, text in CATEGORY_LABELS.items():
        if text == label:
            return str(name)
    for_user = label.lower().replace(" ", "_")
    return for_user
