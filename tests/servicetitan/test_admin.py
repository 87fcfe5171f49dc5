"""Every ServiceTitan admin page, through the admin client, on data synced from the sandbox."""

import pytest
from django.urls import reverse
from django_q.models import OrmQ

from servicetitan.admin.mirrors import MIRRORS
from servicetitan.models import EstimateItem, SyncLog, SyncState
from servicetitan.resources import RESOURCES

pytestmark = pytest.mark.django_db

RESOURCE_OF = {r.shape.model: r.name for r in RESOURCES} | {EstimateItem: "estimates"}


def url(model, view: str, *args) -> str:
    return reverse(f"admin:servicetitan_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """admin_client's user: a fast hasher, not 1,000,000 rounds of PBKDF2 per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def synced(st, run_sync):
    def sync_model(model):
        assert run_sync(RESOURCE_OF[model]).ok
        return model.objects.order_by("-modified_on").first()  # first on the changelist
    return sync_model


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_every_mirror_lists_its_records(admin_client, synced, model,
                                        django_assert_max_num_queries):
    record = synced(model)
    with django_assert_max_num_queries(12):  # a fixed number, whatever the page holds
        response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200 and str(record.id) in response.content.decode()


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_every_mirror_searches_by_id(admin_client, synced, model):
    record = synced(model)
    response = admin_client.get(url(model, "changelist"), {"q": str(record.id)})
    assert response.status_code == 200 and response.context["cl"].result_count == 1


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_every_mirror_survives_a_text_search(admin_client, synced, model):
    synced(model)
    response = admin_client.get(url(model, "changelist"), {"q": "no such thing"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", MIRRORS, ids=lambda m: m.__name__)
def test_every_mirror_shows_a_record_read_only_with_its_raw_json(admin_client, synced, model):
    record = synced(model)
    page = admin_client.get(url(model, "change", record.id)).content.decode()
    assert "Raw record" in page and "&quot;modifiedOn&quot;" in page
    assert 'name="_save"' not in page


def test_references_link_to_the_records_they_name(admin_client, synced):
    from servicetitan.models import Job

    job = synced(Job)
    page = admin_client.get(url(Job, "change", job.id)).content.decode()
    assert f'href="/admin/servicetitan/customer/{job.customer_id}/change/"' in page


def test_mirrors_cannot_be_added_changed_or_deleted(admin_client, synced):
    from servicetitan.models import Customer

    customer = synced(Customer)
    assert admin_client.get(url(Customer, "add")).status_code == 403
    assert admin_client.get(url(Customer, "delete", customer.id)).status_code == 403
    admin_client.post(url(Customer, "change", customer.id), {"name": "Changed"})
    assert Customer.objects.get(id=customer.id).name == customer.name


def test_the_mirror_filters_work(admin_client, synced):
    from servicetitan.models import Job

    synced(Job)
    response = admin_client.get(url(Job, "changelist"), {"job_status": "Completed"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == Job.objects.filter(
        job_status="Completed").count() > 0


def test_the_sync_log_shows_runs_at_a_glance_with_a_chart(admin_client, st, run_sync):
    run_sync("customers", "jobs")
    page = admin_client.get(url(SyncLog, "changelist")).content.decode()
    assert "<svg" in page and "records fetched" in page and "success" in page


def test_a_sync_log_entry_shows_its_rejected_records(admin_client, st, run_sync):
    st.replace("customers", 10000001, {"id": "none", "modifiedOn": "never"})
    run_sync("customers")
    entry = SyncLog.objects.get()
    page = admin_client.get(url(SyncLog, "change", entry.pk)).content.decode()
    assert "partial" in page and "id: &#x27;none&#x27; is not an id" in page


def test_a_sync_log_entry_shows_the_values_that_did_not_fit(admin_client, st, run_sync):
    st.replace("customers", 10000001, {"id": 10000001, "modifiedOn": "never"})
    run_sync("customers")
    entry = SyncLog.objects.get()
    page = admin_client.get(url(SyncLog, "change", entry.pk)).content.decode()
    assert "success" in page and (
        "modifiedOn: &#x27;never&#x27; is not a date-time; stored as NULL") in page


def test_the_sync_log_lists_warnings_beside_rejections(admin_client, st, run_sync):
    st.set_options(worded_numbers=1.0)
    run_sync("payments")
    response = admin_client.get(url(SyncLog, "changelist"))
    assert "warnings" in response.content.decode()
    assert response.context["cl"].result_list[0].warnings > 0


def test_the_sync_log_filters_by_status(admin_client, st, run_sync):
    run_sync("customers")
    response = admin_client.get(url(SyncLog, "changelist"), {"status__exact": "failed"})
    assert response.context["cl"].result_count == 0


def test_the_cursors_list_every_resource(admin_client):
    page = admin_client.get(url(SyncState, "changelist")).content.decode()
    assert all(r.name in page for r in RESOURCES) and "(from the beginning)" in page


def test_a_cursor_page_opens(admin_client):
    assert admin_client.get(url(SyncState, "change", "customers")).status_code == 200


def test_sync_now_queues_a_task_from_the_cursor_list(admin_client):
    response = admin_client.post(url(SyncState, "changelist"), {
        "action": "sync_now", "_selected_action": ["customers", "jobs"]}, follow=True)
    assert "Queued a sync of customers, jobs" in response.content.decode()
    assert OrmQ.objects.count() == 1


def test_reset_cursor_from_the_cursor_list(admin_client, st, run_sync):
    run_sync("customers")
    response = admin_client.post(url(SyncState, "changelist"), {
        "action": "reset_cursor", "_selected_action": ["customers"]}, follow=True)
    assert "Reset: customers." in response.content.decode()
    assert SyncState.objects.get(resource="customers").cursor == ""
