"""Messaging services: every write to the messaging tables goes through one of these.

    send         send_sms (opt-outs, do-not-text, quiet hours, idempotency, pacing)
    inbound      receive_sms (the inbound webhook: dedupe, keywords, events, replies)
    status       record_status (status callbacks: dedupe, monotonic, 21610)
    preferences  opt_out / opt_in / confirm_review / is_opted_out (other apps call these)
    imports      import_opt_outs (a CSV list of numbers that opted out elsewhere)
"""
