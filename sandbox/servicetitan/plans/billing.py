"""Planning of invoices, their items and payments."""

from __future__ import annotations

from array import array

from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import Tenant, Tree
from sandbox.servicetitan.plans.work import plan_lines
from sandbox.servicetitan.timefmt import DAY, MINUTE
from sandbox.servicetitan.vocab import CITIES, INSTALL_JOB_TYPES, PRICE_BOOK


def plan_invoices(t: Tenant) -> None:
    """One invoice per job (ServiceTitan opens it with the job). Items and a payment only once
    the job is completed; most are paid within three weeks."""
    jobs, completed, end = t.times["jobs"], t.extra["job_completed"], t.end
    invoices, payments = t.new_times("invoices"), t.new_times("payments")
    item_counts, payment_counts = [], []
    for j in range(len(jobs)):
        d = Dice(t.seed, "invoices.plan", j)
        done = completed[j]
        item_counts.append(1 + d.weighted((15, 25, 25, 20, 10, 5)) if done else 0)
        paid = bool(done) and d.chance(0.85)
        payment_counts.append(int(paid))
        pay_date = min(end, done + int(d.unit() * 20 * DAY)) if paid else 0
        modified = jobs.created[j]
        if done:
            modified = max(min(end, done + MINUTE * d.below(600)), pay_date)
        invoices.add(jobs.created[j], max(jobs.created[j], modified), not d.chance(0.02))
        if paid:
            payments.add(pay_date, pay_date, not d.chance(0.01))
    t.trees["invoices"] = Tree([1] * len(jobs))
    t.trees["invoice_items"] = Tree(item_counts)
    t.trees["payments"] = Tree(payment_counts)
    items = t.new_times("invoice_items")
    for j in range(len(jobs)):
        stamp = completed[j] or jobs.created[j]
        for _ in t.trees["invoice_items"].children(j):
            items.add(stamp, stamp, True)
    plan_lines(t, "invoice_items", int, lambda j: t.extra["job_type"][j] in INSTALL_JOB_TYPES)
    plan_amounts(t)
    plan_balances(t)


def plan_amounts(t: Tenant) -> None:
    """Every invoice's subtotal, tax and payments, in cents. Most payments settle the
    invoice, some pay half."""
    skus, quantities = t.extra["invoice_items_sku"], t.extra["invoice_items_qty"]
    items, payments, jobs = t.trees["invoice_items"], t.trees["payments"], t.trees["jobs"]
    city = t.extra["location_city"]
    subtotals, taxes, paid, amounts = array("q"), array("q"), array("q"), array("q")
    for loc in range(len(jobs.start) - 1):
        rate = CITIES[city[loc]].tax_rate
        for j in jobs.children(loc):
            lines = [(round(PRICE_BOOK[skus[k]].price * 100) * quantities[k],
                      PRICE_BOOK[skus[k]].taxable) for k in items.children(j)]
            subtotal = sum(cents for cents, _ in lines)
            tax = round(sum(cents for cents, taxable in lines if taxable) * rate / 100)
            shares = [round((subtotal + tax) * (1.0 if Dice(t.seed, "payments", p).chance(0.9)
                                                 else 0.5)) for p in payments.children(j)]
            subtotals.append(subtotal)
            taxes.append(tax)
            paid.append(sum(shares))
            amounts.extend(shares)
    t.extra.update(invoice_subtotal=subtotals, invoice_tax=taxes, invoice_paid=paid,
                   payment_amount=amounts)


def plan_balances(t: Tenant) -> None:
    """A customer's balance: what their invoices still owe, in cents."""
    locations, jobs = t.trees["locations"], t.trees["jobs"]
    subtotals, taxes, paid = (t.extra[name] for name in ("invoice_subtotal", "invoice_tax",
                                                          "invoice_paid"))
    balances = array("q")
    for c in range(len(locations.start) - 1):
        balances.append(sum(subtotals[j] + taxes[j] - paid[j]
                            for loc in locations.children(c) for j in jobs.children(loc)))
    t.extra["customer_balance"] = balances
