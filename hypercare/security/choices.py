from enum import StrEnum


class SecondFactorStep(StrEnum):
    """What a person must do after their password before the session is theirs."""

    NONE = "none"
    CODE = "code"
    ENROL = "enrol"
