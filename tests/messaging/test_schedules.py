from importlib import import_module

from config.schedules import declared_schedules


def test_the_deferred_sender_is_scheduled_every_minute():
    [spec] = [s for s in declared_schedules() if s.name == "messaging-send-due"]
    module, _, name = spec.func.rpartition(".")
    assert spec.minutes == 1 and callable(getattr(import_module(module), name))
