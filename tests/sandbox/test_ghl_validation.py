"""Validation of GHL request bodies against the spec-derived schemas, with GHL's wording."""

from sandbox.ghl.validation import validate

GOOD_OPPORTUNITY = {"pipelineId": "p", "locationId": "l", "name": "n", "status": "open",
                    "contactId": "c"}


def test_a_body_matching_the_schema_has_no_errors():
    assert validate("CreateOpportunityDto", GOOD_OPPORTUNITY) == []


def test_a_missing_required_field_says_it_should_not_be_empty_and_its_type():
    body = {k: v for k, v in GOOD_OPPORTUNITY.items() if k != "name"}
    assert validate("CreateOpportunityDto", body) == ["name should not be empty",
                                                      "name must be a string"]


def test_null_is_accepted_for_an_optional_field():
    assert validate("UpdateContactDto", {"email": None, "dnd": None}) == []


def test_a_boolean_is_not_a_number():
    errors = validate("CreateOpportunityDto", {**GOOD_OPPORTUNITY, "monetaryValue": True})
    assert errors == ["monetaryValue must be a number conforming to the specified constraints"]


def test_nested_errors_name_the_path():
    errors = validate("UpdateContactDto", {"tags": ["ok", 5]})
    assert errors == ["tags.1 must be a string"]


def test_unknown_properties_are_refused_at_every_level():
    body = {"extra": 1, "dndSettings": {"Fax": {"status": "active"}}}
    assert validate("UpdateContactDto", body) == ["property extra should not exist",
                                                  "property dndSettings.Fax should not exist"]


def test_a_custom_field_needs_an_id_or_a_key():
    assert validate("UpdateContactDto", {"customFields": [{"key": "k", "field_value": 1}]}) == []
    assert validate("UpdateContactDto", {"customFields": [{"field_value": 1}]}) == [
        "customFields.0 must have one of: id, key"]


def test_a_body_that_is_not_an_object_is_refused():
    assert validate("UpdateContactDto", ["not", "an", "object"]) == [
        "request body must be a JSON object"]


def test_date_of_birth_is_a_string_despite_the_spec_typing_it_object():
    assert validate("UpsertContactDto", {"locationId": "l", "dateOfBirth": "1990-09-25"}) == []
