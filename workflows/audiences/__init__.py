"""Audience triggers (campaigns): definitions that start on the records a rule selects,
re-evaluated daily in SQL. See workflows/README.md, "Audience triggers".

    config       the definition's ``audience`` JSON, checked (``clean_audience``)
    compiler     audience rules to Django ``Q`` objects (relative dates, ``has``)
    periods      relative dates against the evaluation time (business time zone)
    fields       what a rule can name per entity type (date columns, virtual fields)
    evaluation   the daily evaluation: counts, leavers, newcomers, run log; the schedule's
    starts       newcomers' instances in one INSERT … SELECT
    explain      the preview and one record's explanation
    backtest     the daily evaluations over past days
"""
