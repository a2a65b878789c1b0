"""The one way the desk writes a time: in the zone of whoever reads it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone

from hypercare.lib.times import Moment, day_text, local_text, parse_moment, time_zone_groups

AT = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)


def test_an_instant_reads_in_the_active_zone_in_one_format() -> None:
    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert local_text(AT) == "Tue 1 Dec 2026, 14:05"
        assert str(Moment(AT)) == "Tue 1 Dec 2026, 14:05 CET"
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        assert str(Moment(AT)) == "Tue 1 Dec 2026, 18:35 IST"
    assert day_text(date(2026, 12, 3)) == "Thu 3 Dec 2026"


def test_a_moment_is_text_in_a_mail_and_a_time_element_through_the_pages_filter() -> None:
    with timezone.override(ZoneInfo("America/New_York")):
        mail = Template("Due {{ due }}").render(Context({"due": Moment(AT)}, autoescape=False))
        page = Template("{% load when %}Due {{ due|when }}").render(Context({"due": Moment(AT)}))
    assert page == (
        'Due <time datetime="2026-12-01T08:05:00-05:00" title="America/New_York">'
        "Tue 1 Dec 2026, 08:05</time>"
    )
    assert mail == "Due Tue 1 Dec 2026, 08:05 EST"


def test_a_datetime_printed_as_it_is_takes_the_desks_format() -> None:
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        assert Template("{{ at }}").render(Context({"at": AT})) == "Tue 1 Dec 2026, 18:35"


def test_only_stored_instants_parse() -> None:
    assert parse_moment("2026-12-01T13:05:00+00:00") == Moment(AT)
    assert parse_moment("resolution") is None
    assert parse_moment("2026-12-01T13:05:00") is None


def test_the_zone_picker_lists_places_not_aliases() -> None:
    groups = dict(time_zone_groups())
    assert groups[""] == ("UTC",)
    assert "Asia/Kolkata" in groups["Asia"]
    assert "America/Argentina/Buenos_Aires" in groups["America"]
    listed = {zone for zones in groups.values() for zone in zones}
    assert not listed & {"US/Eastern", "EST5EDT", "Etc/GMT+3", "GMT"}
