"""Message SIDs: reproducible after a reset in one process, never repeated by another."""

import subprocess
import sys

from sandbox.credentials import SANDBOX_TWILIO_ACCOUNT_SID
from sandbox.twilio.messages import MessageStore

FIRST_SID = ("from sandbox.twilio.messages import MessageStore; "
             "print(MessageStore('AC', lambda: 0.0).new_sid())")


def test_a_reset_store_gives_the_same_sids_in_the_same_process():
    first = MessageStore(SANDBOX_TWILIO_ACCOUNT_SID, lambda: 0.0).new_sid()
    again = MessageStore(SANDBOX_TWILIO_ACCOUNT_SID, lambda: 0.0).new_sid()
    assert first == again


def test_another_sandbox_process_gives_other_sids():
    sids = {subprocess.run([sys.executable, "-c", FIRST_SID], capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)}
    assert len(sids) == 2
