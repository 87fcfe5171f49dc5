"""The Twilio sandbox (see ``app.py``)."""

from sandbox.twilio.app import TwilioOptions, TwilioSandbox

__all__ = ["TwilioOptions", "TwilioSandbox"]
