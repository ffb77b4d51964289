"""Categories read as words; an edited label goes back to the stored identifier."""

from hsawallet.ui.labels import category_label, category_name
from hsawallet.vocab import Category


def test_every_built_in_category_has_a_label_that_maps_back():
    for category in Category:
        label = category_label(category)
        assert "_" not in label and label
        assert category_name(label) == category


def test_a_user_category_reads_with_spaces_and_maps_back():
    assert category_label("hearing_aids") == "Hearing aids"
    assert category_name("Hearing aids") == "hearing_aids"
    assert category_label(None) == ""
