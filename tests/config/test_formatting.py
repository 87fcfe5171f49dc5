from config.formatting import MAX_ITEMS, pretty


def test_an_object_reads_as_names_and_values():
    html = pretty({"status": "Open", "total": "1250.00", "sold": False, "tags": ["a", "b"]})
    assert "<th>status</th><td>Open</td>" in html
    assert "<th>sold</th><td>no</td>" in html
    assert "<th>tags</th><td>a, b</td>" in html
    assert "{" not in html.split("</style>")[1]


def test_nested_objects_and_lists_of_objects_are_tables_in_tables():
    html = pretty({"changes": {"status": ["Open", "Sold"]}, "items": [{"sku": "A"}]})
    assert "<th>changes</th><td><table" in html
    assert "<th>#1</th><td><table" in html


def test_values_are_escaped():
    assert "<script>" not in pretty({"<script>": "<script>alert(1)</script>"})


def test_a_long_list_says_how_many_were_left_out():
    assert f"and {MAX_ITEMS + 5 - MAX_ITEMS} more" in pretty({"ids": list(range(MAX_ITEMS + 5))})


def test_an_event_page_shows_its_payload_as_a_table_not_as_json(admin_client, db):
    from tests.workflows.factories import EstimateFactory, emit

    event = emit(EstimateFactory(), "estimate.created")
    page = admin_client.get(f"/admin/workflows/workflowevent/{event.pk}/change/")
    html = page.content.decode()
    assert "<th>status</th><td>Open</td>" in html
    assert "&quot;status&quot;" not in html


def test_a_text_page_shows_twilios_data_as_a_table(admin_client, db):
    from messaging.models import SmsMessage

    text = SmsMessage.objects.create(direction="inbound", phone="+14075550142", body="Hi",
                                     status="received", raw={"SmsStatus": "received"})
    html = admin_client.get(f"/admin/messaging/smsmessage/{text.pk}/change/").content.decode()
    assert "<th>SmsStatus</th><td>received</td>" in html
    assert "&quot;SmsStatus&quot;" not in html
