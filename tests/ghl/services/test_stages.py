"""Default stage mappings from the configured pipeline's stages, and looking them up."""

from dataclasses import replace

import pytest

from ghl.models import StageMapping
from ghl.services.stages import StageMappingMissing, install_default_mappings, mapping_for
from ghl.services.sync import sync

pytestmark = pytest.mark.django_db


def test_a_pipeline_sync_installs_a_mapping_for_each_estimate_status(ghl_client):
    sync(["pipelines"], client=ghl_client)
    mapped = {m.st_status: (m.stage.name, m.ghl_status) for m in StageMapping.objects.all()}
    assert mapped == {"Open": ("New Lead", "open"), "Sold": ("Won", "won"),
                      "Dismissed": ("Lost", "lost")}


def test_a_mapping_staff_changed_is_never_overwritten(ghl_client):
    sync(["pipelines"], client=ghl_client)
    mapping = StageMapping.objects.get(st_status="Open")
    mapping.stage = mapping.pipeline.stages.get(name="Estimate Sent")
    mapping.save()
    sync(["pipelines"], client=ghl_client)
    assert StageMapping.objects.get(st_status="Open").stage.name == "Estimate Sent"
    assert StageMapping.objects.count() == 3


def test_nothing_is_installed_when_the_configured_pipeline_is_unknown(ghl_client, settings):
    settings.GHL = replace(settings.GHL, pipeline_id="noSuchPipeline")
    sync(["pipelines"], client=ghl_client)
    assert install_default_mappings() == [] and not StageMapping.objects.exists()


def test_an_unmapped_status_is_a_clear_error(ghl_client):
    sync(["pipelines"], client=ghl_client)
    with pytest.raises(StageMappingMissing, match="'Pending'"):
        mapping_for("Pending")


def test_no_configured_pipeline_is_a_clear_error(settings):
    settings.GHL = replace(settings.GHL, pipeline_id="")
    with pytest.raises(StageMappingMissing, match="GHL_PIPELINE_ID"):
        mapping_for("Open")
