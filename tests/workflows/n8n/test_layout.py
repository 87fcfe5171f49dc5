"""The graph laid out as a list of steps: branches, joins, fan-outs and loops."""

from tests.workflows.n8n.conftest import WEBHOOK, convert, entry, node, steps, workflow

E = "Estimate created"


def text(name):
    return node(name, "twilio", message=name)


def if_node(name="IF"):
    return node(name, "if", 2, conditions={"conditions": [
        {"leftValue": "={{ $json.body.total }}", "rightValue": 5,
         "operator": {"type": "number", "operation": "gt"}}]})


def test_an_if_continues_with_its_true_branch_and_places_the_false_one_after():
    s = steps(convert(workflow(WEBHOOK, if_node(), text("Yes"), text("No"),
                               links={E: [["IF"]], "IF": [["Yes"], ["No"]]})))
    assert list(s) == ["if", "yes", "end", "no"]
    assert (s["if"]["then"], s["if"]["else"]) == ("yes", "no")


def test_branches_that_join_run_the_join_once_the_other_branch_jumps_to_it():
    s = steps(convert(workflow(WEBHOOK, if_node(), text("Yes"), text("No"), text("After"),
                               links={E: [["IF"]], "IF": [["Yes"], ["No"]],
                                      "Yes": [["After"]], "No": [["After"]]})))
    assert list(s) == ["if", "yes", "after", "end", "no", "go_to_after"]
    assert s["go_to_after"] == {"id": "go_to_after", "type": "condition",
                                "label": "continue at n8n node 'After'", "rule": {},
                                "then": "after"}


def test_a_fan_out_runs_its_branches_one_after_the_other_and_a_merge_once_after_both():
    s = steps(convert(workflow(WEBHOOK, text("A"), text("B"), node("Merge", "merge", 3),
                               text("Last"),
                               links={E: [["A", "B"]], "A": [["Merge"]], "B": [["Merge"]],
                                      "Merge": [["Last"]]})))
    assert list(s) == ["a", "b", "last"]


def test_a_branch_without_an_output_ends_the_instance():
    s = steps(convert(workflow(WEBHOOK, if_node(), text("Yes"), text("After"),
                               links={E: [["IF"]], "IF": [["Yes"], []], "Yes": [["After"]]})))
    assert s[s["if"]["else"]]["type"] == "end"


def test_a_loop_that_waits_on_the_way_round_is_kept():
    s = steps(convert(workflow(
        WEBHOOK, node("Check", "httpRequest", 4.2, url="https://x.example.com/status"),
        node("Done?", "if", 2, conditions={"conditions": [
            {"leftValue": "={{ $json.state }}", "rightValue": "done",
             "operator": {"type": "string", "operation": "equals"}}]}),
        node("Wait", "wait", 1, amount=1, unit="minutes"), text("Finished"),
        links={E: [["Check"]], "Check": [["Done?"]], "Done?": [["Finished"], ["Wait"]],
               "Wait": [["Check"]]})))
    assert s["done"]["rule"] == {"field": "steps.check.response.state", "op": "==",
                                 "value": "done"}
    assert s["go_to_check"]["then"] == "check"


def test_a_loop_over_items_without_a_wait_is_cut_with_a_note():
    conversion = convert(workflow(
        WEBHOOK, node("Each", "splitInBatches", 3), text("Per item"),
        links={E: [["Each"]], "Each": [[], ["Per item"]], "Per item": [["Each"]]}))
    assert "go_to_each" not in steps(conversion)
    assert any("n8n went back to 'Each' here" in n for n in entry(conversion, "Per item").notes)


def test_a_disabled_node_passes_its_input_on():
    disabled = {**text("Off"), "disabled": True}
    conversion = convert(workflow(WEBHOOK, disabled, text("On"),
                                  links={E: [["Off"]], "Off": [["On"]]}))
    assert list(steps(conversion)) == ["on"]
    assert entry(conversion, "Off").status == "dropped"


def test_step_ids_come_from_node_names_and_stay_unique():
    conversion = convert(workflow(WEBHOOK, text("📨 Send it!"), text("Send it"),
                                  text("123 go"),
                                  links={E: [["📨 Send it!"]], "📨 Send it!": [["Send it"]],
                                         "Send it": [["123 go"]]}))
    assert list(steps(conversion)) == ["send_it", "send_it_2", "n_123_go"]
