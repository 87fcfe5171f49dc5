"""The migrations' backfill of ``phone_e164`` (``config.phones.backfill_phone_keys``): rows
written before the column existed get the key the sync now writes, in batches."""

import pytest
from django.db import connection
from django.utils import timezone

from config.phones import backfill_phone_keys
from ghl.models import GHLContact
from servicetitan.models import CustomerContact

pytestmark = pytest.mark.django_db
VALUES = {1: "(407) 555-0142", 2: "dana@example.com", 3: "1 (407) 555 0143", 4: "+14075550144",
          5: "407.555.0145", 6: ""}


def test_the_backfill_keys_every_phone_contact_and_leaves_other_values_null():
    CustomerContact.objects.bulk_create([
        CustomerContact(id=i, customer_id=9, type="Phone", value=v, raw={},
                        synced_at=timezone.now()) for i, v in VALUES.items()])
    filled = backfill_phone_keys(connection, "st_customer_contacts", "value", batch_size=2)
    keys = dict(CustomerContact.objects.values_list("id", "phone_e164"))
    assert keys == {1: "+14075550142", 2: None, 3: "+14075550143", 4: "+14075550144",
                    5: "+14075550145", 6: None}
    assert filled == 4


def test_the_backfill_works_on_text_ids_too():
    GHLContact.objects.bulk_create([
        GHLContact(id=f"g{i}", phone=v, synced_at=timezone.now()) for i, v in VALUES.items()])
    backfill_phone_keys(connection, "ghl_contacts", "phone", batch_size=4)
    assert GHLContact.objects.get(id="g3").phone_e164 == "+14075550143"
    assert GHLContact.objects.get(id="g2").phone_e164 is None
