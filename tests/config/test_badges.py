from config.badges import badge


def test_a_status_reads_as_a_pill_whose_tone_says_how_it_went():
    assert 'class="pc-badge pc-bad"' in badge("failed")
    assert 'class="pc-badge pc-good"' in badge("delivered")
    assert 'class="pc-badge pc-wait"' in badge("waiting")
    assert ">gave up<" in badge("gave_up")


def test_an_unknown_status_is_grey_and_an_empty_one_a_dash():
    assert 'pc-quiet' in badge("something_new")
    assert badge("") == "-"


def test_the_status_text_is_escaped():
    assert "<script>" not in badge("<script>")
