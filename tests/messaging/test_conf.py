import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging.conf import DEFAULT_REPLY_TEXTS, messaging_conf


def test_the_defaults_suit_one_us_long_code(settings):
    settings.MESSAGING = {}
    conf = messaging_conf()
    assert (conf.sending_hours, conf.sends_per_second) == ((8, 21), 1.0)
    assert conf.reply_text("help") == DEFAULT_REPLY_TEXTS["help"]


def test_a_reply_text_can_be_replaced_alone(settings):
    settings.MESSAGING = {"reply_texts": {"help": "Call 555-0100"}}
    conf = messaging_conf()
    assert conf.reply_text("help") == "Call 555-0100"
    assert conf.reply_text("opt_out") == DEFAULT_REPLY_TEXTS["opt_out"]


def test_an_unknown_key_is_a_configuration_error(settings):
    settings.MESSAGING = {"quiet_hours": (9, 20)}
    with pytest.raises(ImproperlyConfigured, match="unknown keys"):
        messaging_conf()


@pytest.mark.parametrize("bad", [{"sending_hours": (21, 8)}, {"sends_per_second": 0}])
def test_impossible_values_are_configuration_errors(settings, bad):
    settings.MESSAGING = bad
    with pytest.raises(ImproperlyConfigured):
        messaging_conf()
