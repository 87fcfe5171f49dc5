"""n8n expressions to templates, by pattern: what maps becomes ``{{ path }}``, the rest is kept
verbatim as a comment that renders nothing. Nothing is ever evaluated."""

import pytest

from workflows.n8n.expressions import Fields, Prefix, Translator
from workflows.placeholders import placeholders
from workflows.templating import check_template, render

RECORD = Prefix("entity", skip=frozenset({"body"}))
SCOPES = {"Set": Fields({"greeting": "greeting", "Added by": "added_by"}, RECORD),
          "HTTP": Prefix("steps.http.response")}


def resolve(ref):
    scope = RECORD if ref.node is None else SCOPES.get(ref.node)
    return scope.path(ref.keys) if scope else None


def translator() -> Translator:
    return Translator(resolve)


@pytest.mark.parametrize(("source", "template"), [
    ("={{ $json.total }}", "{{ entity.total }}"),
    ('={{$json["total"]}}', "{{ entity.total }}"),
    ("={{ $json['body']['customer']['name'] }}", "{{ entity.customer.name }}"),
    ("={{ $json.body.items[0].sku }}", "{{ entity.items.0.sku }}"),
    ('={{$node["HTTP"].json["status"]}}', "{{ steps.http.response.status }}"),
    ("={{ $('HTTP').item.json.status }}", "{{ steps.http.response.status }}"),
    ("={{ $('HTTP').first().json.status }}", "{{ steps.http.response.status }}"),
    ("={{ $input.item.json.total }}", "{{ entity.total }}"),
    ("={{ $('Set').item.json['Added by'] }}", "{{ vars.added_by }}"),
    ("=Hi {{ $('Set').item.json.greeting }}, ${{ $json.total }} due", "Hi {{ vars.greeting }}, "
                                                                      "${{ entity.total }} due"),
    ("={{ 5 }} of {{ 'ten' }}", "5 of ten"),
    ("plain text", "plain text"),
])
def test_references_to_data_become_template_paths(source, template):
    t = translator()
    assert t.text(source) == template
    assert t.unconverted == []


@pytest.mark.parametrize("body", [
    "$json.total * 1.2", "$now.toISO()", "$json.items.length", '$json["a b"]',
    "$('Nowhere').item.json.x", "$json.name.toUpperCase()", "(() => { throw 1 })()",
    "require('fs').writeFileSync('/tmp/x', 'y')",
])
def test_an_expression_that_does_not_map_is_kept_verbatim_and_renders_nothing(body):
    t = translator()
    text = t.text("=Total: {{ " + body + " }}!")
    assert t.unconverted == [body]
    assert text.startswith("Total: {# n8n: ") and text.endswith(" #}!")
    assert render(text, {"entity": {"total": 9}}) == "Total: !"
    assert placeholders({"steps": [{"body": text}]})


def test_literal_template_syntax_in_plain_text_stays_text():
    text = translator().text("50% {% off {# today #} and {{ a")
    assert check_template(text) is None
    assert render(text, {}) == "50% { % off { # today #} and { { a"


def test_a_lone_reference_keeps_its_kind_as_a_value():
    t = translator()
    assert t.value("={{ 200 }}") == 200
    assert t.value("={{ true }}") is True
    assert t.value("=deliverable") == "deliverable"
    assert t.value("={{ $json.total }}") == "{{ entity.total }}"
    assert t.field("={{ $json.body.total }}") == "entity.total"


def test_json_with_unquoted_expressions_is_parsed_and_translated():
    ok, value = translator().json('={"id": "{{ $json.id }}", "total": {{ $json.total }}, '
                                  '"note": "x{{ $now }}"}')
    assert ok
    assert value["id"] == "{{ entity.id }}" and value["total"] == "{{ entity.total }}"
    assert value["note"].startswith("x{# n8n: $now")


def test_what_is_not_json_even_so_is_said_so():
    assert translator().json("={ not: json") == (False, None)
