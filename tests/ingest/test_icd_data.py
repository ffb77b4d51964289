"""The ICD-10-CM code set is read from simple_icd_10_cm's data, plain or gzip-compressed (as the bundle ships it)."""

from __future__ import annotations

import gzip
from importlib.machinery import ModuleSpec
from importlib.util import find_spec
from pathlib import Path

import pytest

from hsawallet.ingest import validate


@pytest.fixture
def compressed_code_set(tmp_path, monkeypatch):
    spec = find_spec("simple_icd_10_cm")
    assert spec is not None and spec.submodule_search_locations
    source = next(iter(spec.submodule_search_locations))
    data = tmp_path / "simple_icd_10_cm" / "data"
    data.mkdir(parents=True)
    for name in ("code-list", "icd10"):
        for original in (p for p in Path(source, "data").iterdir() if p.name.startswith(name)):
            (data / f"{original.name}.gz").write_bytes(gzip.compress(original.read_bytes()))
    fake = ModuleSpec("simple_icd_10_cm", None, is_package=True)
    fake.submodule_search_locations = [str(tmp_path / "simple_icd_10_cm")]
    monkeypatch.setattr(validate, "find_spec", lambda name: fake)
    for cached in (validate._icd_codes, validate._icd_tabular, validate.describe_icd10):
        cached.cache_clear()
    yield data
    for cached in (validate._icd_codes, validate._icd_tabular, validate.describe_icd10):
        cached.cache_clear()


def test_codes_and_titles_come_from_the_compressed_files(compressed_code_set):
    assert sorted(p.suffix for p in compressed_code_set.iterdir()) == [".gz", ".gz"]
    assert validate.normalize_icd10("M5416") == "M54.16"
    assert validate.normalize_icd10("M54.99") is None  # shaped like a code, not in the code set
    assert validate.describe_icd10("M54.16") == "Radiculopathy, lumbar region"
