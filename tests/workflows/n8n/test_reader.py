"""Reading an export: workflows out, or one line saying why the file is not one."""

import json

import pytest

from tests.workflows.n8n.conftest import CORPUS, own_bytes
from workflows.n8n.reader import MAX_BYTES, UnreadableExport, read_export

ONE = {"name": "One", "nodes": [], "connections": {}}


def refusal(data: bytes) -> str:
    with pytest.raises(UnreadableExport) as error:
        read_export(data)
    return str(error.value)


def test_an_export_of_one_workflow_is_read_as_a_list_of_one():
    assert read_export(json.dumps(ONE).encode()) == [ONE]


def test_a_list_of_workflows_is_read_whole():
    assert [w["name"] for w in read_export((CORPUS / "902-derived-array-of-two.json")
                                           .read_bytes())] == ["Send an SMS to a number "
                                                               "whenever you go out",
                                                               "Creating your first workflow"]


def test_a_byte_order_mark_is_no_problem():
    assert read_export(b"\xef\xbb\xbf" + json.dumps(ONE).encode()) == [ONE]


@pytest.mark.parametrize(("data", "reason"), [
    (own_bytes("malformed-truncated.json"), "not JSON: Expecting property name"),
    (own_bytes("malformed-no-nodes.json"), 'not an n8n workflow: it has no "nodes"'),
    (own_bytes("malformed-mixed-list.json"),
     "item 2 of the list is a number, not an n8n workflow; nothing was imported from this "
     "file"),
    (b"", "empty, not JSON"),
    (b"  \n", "empty, not JSON"),
    (b'"a workflow"', "the file holds a string, not an object with nodes and connections"),
    (b"[]", "an empty list: no workflow to import"),
    (b'{"nodes": {"Twilio": {}}, "connections": {}}', '"nodes" is an object, not a list'),
    (b'{"nodes": [], "connections": []}', '"connections" is a list, not an object'),
    (b'[{"nodes": []}, {"name": "no nodes"}]', 'item 2 of the list: not an n8n workflow'),
    (b'{"nodes": [], "x": NaN}', "not JSON: NaN is not a JSON number"),
    (b'{"nodes": [], "x": 1e999}', "not JSON: the number 1e999 is too large"),
])
def test_what_is_not_an_export_is_refused_with_the_reason(data, reason):
    assert reason in refusal(data)


def test_latin1_bytes_are_refused_as_not_utf8():
    reason = refusal((CORPUS / "907-derived-latin1-bytes.json").read_bytes())
    assert reason.startswith("not UTF-8 text (byte 0xe9 at position")


def test_nesting_deeper_than_an_export_ever_is_refused_before_json_decodes_it():
    assert "nested more than 64 levels deep" in refusal(
        (CORPUS / "908-derived-deep-nesting.json").read_bytes())
    assert "nested more than 64" in refusal(b"[" * 1_000_000 + b"]" * 1_000_000)


def test_brackets_inside_texts_do_not_count_as_nesting():
    data = {"nodes": [{"name": "x", "parameters": {"text": "[" * 500 + "{" * 500}}]}
    assert read_export(json.dumps(data).encode())[0] == data


def test_a_file_over_the_size_limit_is_refused_unread():
    assert refusal(b" " * (MAX_BYTES + 1)) == "larger than 5 MB"


def test_texts_postgresql_cannot_store_are_made_storable():
    data = b'{"nodes": [{"name": "a\\u0000b", "parameters": {"x": "\\ud800!"}}]}'
    node = read_export(data)[0]["nodes"][0]
    assert node == {"name": "ab", "parameters": {"x": "\ufffd!"}}


def test_escaped_quotes_do_not_end_a_text_for_the_depth_count():
    data = {"nodes": [{"name": "x", "parameters": {"code": '"\\"' + "[" * 200 + '\\\\'}}]}
    assert read_export(json.dumps(data).encode())[0] == data
