"""SMS segment counting: GSM-7 (160/153) against UCS-2 (70/67)."""

from sandbox.twilio.segments import is_gsm7, segment_count


def test_gsm7_holds_160_characters_in_one_segment_and_153_per_part():
    assert [segment_count("a" * n) for n in (160, 161, 306, 307)] == [1, 2, 2, 3]


def test_extension_characters_cost_two_septets():
    assert [segment_count("{" * n) for n in (80, 81)] == [1, 2]


def test_an_extension_character_is_not_split_across_segments():
    assert segment_count("a" * 152 + "€" + "a" * 153) == 3


def test_one_character_outside_gsm7_makes_the_whole_body_ucs2():
    assert not is_gsm7("Café ☕")
    assert [segment_count("ł" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]


def test_emoji_take_two_ucs2_units_and_are_never_split():
    assert segment_count("😀" * 35) == 1
    assert segment_count("😀" * 36) == 2
    # 134 units would fit two 67-unit parts, but the pair after "aa" + 32 emoji cannot
    # straddle the first boundary.
    assert segment_count("aa" + "😀" * 66) == 3


def test_an_empty_body_is_one_segment():
    assert segment_count("") == 1
