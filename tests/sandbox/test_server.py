import time

import pytest
import requests
from django.core.management import CommandError, call_command

from sandbox.server import SandboxApp, start_sandbox
from sandbox.twilio import TwilioSandbox


@pytest.fixture
def bare_sandbox():
    running = start_sandbox(app=SandboxApp({"twilio": TwilioSandbox()}))
    yield running
    running.stop()


def test_a_fault_with_an_unknown_field_is_refused_with_a_reason(bare_sandbox):
    response = requests.post(f"{bare_sandbox.url}/_control/faults", json={"colour": "red"},
                             timeout=5)
    assert response.status_code == 400 and "bad fault" in response.json()["error"]


def test_an_injected_fault_answers_then_clears(bare_sandbox):
    requests.post(f"{bare_sandbox.url}/_control/faults",
                  json={"vendor": "twilio", "status": 503, "times": 1, "retry_after": 2},
                  timeout=5)
    first = requests.get(f"{bare_sandbox.url}/twilio/2010-04-01/Accounts/x/Messages/y.json",
                         timeout=5)
    second = requests.get(f"{bare_sandbox.url}/twilio/2010-04-01/Accounts/x/Messages/y.json",
                          timeout=5)
    assert first.status_code == 503 and first.headers["Retry-After"] == "2"
    assert second.status_code != 503


def test_an_unknown_vendor_prefix_is_a_404(bare_sandbox):
    assert requests.get(f"{bare_sandbox.url}/nowhere/x", timeout=5).status_code == 404


@pytest.mark.parametrize("args", [["--scale", "0"], ["--scale", "5000"], ["--host", "0.0.0.0"]])  # noqa: S104
def test_the_sandbox_command_refuses_bad_arguments(args):
    with pytest.raises(CommandError):
        call_command("sandbox", *args)


def test_a_slow_fault_delays_the_answer_then_serves_it(bare_sandbox):
    fault = bare_sandbox.app.faults.add(vendor="twilio", status=None, delay=0.3, times=1)
    started = time.perf_counter()
    response = requests.get(f"{bare_sandbox.url}/twilio/2010-04-01/Accounts/x/Messages/y.json",
                            timeout=5)
    # The vendor answered (not the fault), after the fault's delay at the least.
    assert fault.hits == 1 and response.status_code != 500
    assert time.perf_counter() - started >= 0.3


def test_a_slow_fault_makes_a_short_client_timeout_fire(bare_sandbox):
    bare_sandbox.app.faults.add(vendor="twilio", status=None, delay=1.0, times=1)
    with pytest.raises(requests.Timeout):
        requests.get(f"{bare_sandbox.url}/twilio/2010-04-01/Accounts/x/Messages/y.json",
                     timeout=0.2)
