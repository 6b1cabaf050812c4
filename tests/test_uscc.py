"""统一社会信用代码 validation (GB 32100-2015)."""

import pytest

from matchmaker.uscc import UsccError, make_uscc, normalize_uscc, validate_uscc

VALID = "91350100M000100Y43"  # a published sample code


def test_a_valid_code_is_returned_unchanged():
    assert validate_uscc(VALID) == VALID


@pytest.mark.parametrize("typed", ["91350100m000100y43", "９１３５０１００Ｍ０００１００Ｙ４３", " 9135 0100 M000 100Y43 "])
def test_lower_case_full_width_and_spaces_are_normalised(typed):
    assert normalize_uscc(typed) == VALID
    assert validate_uscc(typed) == VALID


def test_make_uscc_appends_the_check_character_that_validates():
    code = make_uscc("91330106MA2H0001K")
    assert code == "91330106MA2H0001K" + code[-1]
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请填写统一社会信用代码 (required)"),
        ("91350100M000100Y4", "统一社会信用代码应为 18 位，当前为 17 位 (must be 18 characters, got 17)"),
        ("91350100M000100Y431", "统一社会信用代码应为 18 位，当前为 19 位 (must be 18 characters, got 19)"),
        ("91350100M0001I0Y43",
         "第 14 位字符“I”不允许；只能使用数字和除 I、O、S、V、Z 外的大写字母 (character 14 'I' is not allowed)"),
        ("91350100M00010OY43",
         "第 15 位字符“O”不允许；只能使用数字和除 I、O、S、V、Z 外的大写字母 (character 15 'O' is not allowed)"),
        ("913A0100M000100Y43", "第 3–8 位应为行政区划码（数字） (characters 3–8 must be the division code digits)"),
        ("91350100M000100Y44",
         "校验码错误：第 18 位应为“3”，填写的是“4”，请核对 (check character should be '3', got '4')"),
    ],
)
def test_each_kind_of_mistake_gets_its_own_message(code, message):
    with pytest.raises(UsccError) as caught:
        validate_uscc(code)
    assert caught.value.message == message


def test_a_single_changed_character_is_always_caught():
    for position in range(17):
        original = VALID[position]
        replacement = "1" if original != "1" else "2"
        mutated = VALID[:position] + replacement + VALID[position + 1:]
        with pytest.raises(UsccError):
            validate_uscc(mutated)
