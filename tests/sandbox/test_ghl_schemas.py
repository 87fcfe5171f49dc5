"""sandbox/ghl/schemas.json is what scripts/extract_ghl_schemas.py makes from the spec."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    path = ROOT / "scripts" / "extract_ghl_schemas.py"
    spec = importlib.util.spec_from_file_location("extract_ghl_schemas", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_schemas_match_a_fresh_extraction_from_the_spec():
    script = load_script()
    if not (script.DEFAULT_SPECS / "contacts.json").is_file():
        pytest.skip(f"the GHL specs are not at {script.DEFAULT_SPECS}")
    assert script.main(["--check"]) == 0


def test_the_extraction_keeps_the_specs_required_fields_for_create_opportunity():
    script = load_script()
    if not (script.DEFAULT_SPECS / "opportunities.json").is_file():
        pytest.skip(f"the GHL specs are not at {script.DEFAULT_SPECS}")
    schemas = script.extract(script.DEFAULT_SPECS)["schemas"]
    assert schemas["CreateOpportunityDto"]["required"] == [
        "pipelineId", "locationId", "name", "status", "contactId"]
