"""Every stylesheet and script the desk ships is one a page loads: a rule written into a
file no page links never applies."""

import re
from pathlib import Path

from django.conf import settings

WEB = Path(settings.BASE_DIR) / "hypercare" / "web"
STATIC = WEB / "static"
LINKED = re.compile(r"{% static '([^']+)' %}")


def test_every_stylesheet_and_script_under_static_is_loaded_by_some_template() -> None:
    templates = "\n".join(path.read_text() for path in WEB.glob("**/templates/**/*.html"))
    linked = set(LINKED.findall(templates))
    shipped = {
        str(path.relative_to(STATIC))
        for path in STATIC.glob("**/*")
        if path.suffix in {".css", ".js"}
    }
    assert shipped - linked == set()
