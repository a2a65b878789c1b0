from hypercare.lib.placeholders import fill_placeholders


def test_known_placeholders_are_filled_with_or_without_spaces() -> None:
    text = fill_placeholders(
        "Hi {{name}}, re {{ reference }}.", {"name": "Riya", "reference": "HC-1"}
    )
    assert text == "Hi Riya, re HC-1."


def test_unknown_placeholders_stay_as_written() -> None:
    assert fill_placeholders("{{nope}} {{name}}", {"name": "x"}) == "{{nope}} x"


def test_values_are_not_themselves_filled() -> None:
    assert fill_placeholders("{{a}}", {"a": "{{b}}", "b": "no"}) == "{{b}}"
