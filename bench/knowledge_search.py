"""Article search and intake suggestions over many articles: ``python -m bench.knowledge_search``.

Target (issue 14): with 10 000 articles and 100 000 tickets on SQLite, searching the
articles (``GET /api/v1/articles?q=...``) and suggesting articles for what a requester
types (``GET /api/v1/articles/suggestions?...``) each answer with p95 under 30 ms over HTTP
against the real server on 127.0.0.1.

The run is a child process with a database of its own (``bench.database``): SQLite in a
temporary ``HYPERCARE_DATA_DIR``, or with ``--database-url postgres://USER@HOST:PORT/NAME``
(``--postgres`` for the local server) a database ``NAME_<random>`` created for it and
dropped after. ``DATABASE_URL`` from the environment is ignored.

Tickets come from ``bench.seed`` (bulk inserts); articles are bulk-inserted too, their text
from the same ERP vocabulary as the tickets (``bench.words``), so a subject such as "fee
receipt" finds hundreds of articles and a subject with a symptom word fewer. Nine in ten
articles are published, a tenth of those internal and a tenth chosen for one institution;
every one is written for everyone or for one work area. Searches and suggestions are sent
as a requester, whose scope (published, their institution's, their audiences) is the
costlier filter; searches as an agent too. ``--articles`` and ``--tickets`` scale it down.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import database
from bench.measure import conditions

TARGET_MS = 30.0
SAMPLES = 300
BATCH_SIZE = 2000
CHILD_TIMEOUT_S = 3600


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=SAMPLES, help="requests per metric")
    database.add_arguments(parser)
    parser.add_argument("--child-output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--server-log", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child_output:
        args.child_output.write_text(json.dumps(measure(args)))
        return
    report: dict[str, Any] = {
        "conditions": conditions(
            args.database_url, articles=args.articles, tickets=args.tickets, target_ms=TARGET_MS
        ),
    }
    with tempfile.TemporaryDirectory(prefix="hypercare-kb-bench-") as data_dir:
        output = Path(data_dir) / "result.json"
        command = [sys.executable, "-m", "bench.knowledge_search", "--child-output", str(output)]
        command += ["--articles", str(args.articles), "--tickets", str(args.tickets)]
        command += ["--samples", str(args.samples)]
        command += ["--server-log", str(Path(data_dir) / "server.log")]
        print(f"bench: {args.articles} articles, {args.tickets} tickets in {data_dir}",
              file=sys.stderr)  # fmt: skip
        hosts = "127.0.0.1,localhost,testserver"
        with database.child_environment(data_dir, args.database_url, ALLOWED_HOSTS=hosts) as env:
            subprocess.run(  # noqa: S603 (our own interpreter and module)
                command, env=env, check=True, timeout=CHILD_TIMEOUT_S
            )
        result: dict[str, Any] = json.loads(output.read_text())
    result["checks"] = {
        name: result["http"][name]["p95_ms"] < TARGET_MS and result["http"][name]["errors"] == 0
        for name in ("article_search", "suggestions")
    }
    report["result"] = result
    print(json.dumps(report, indent=2))
    print(markdown_table(result), file=sys.stderr)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """In the child: migrate, seed tickets and articles, then time the reads over HTTP."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import seed

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    desk = seed.build_desk()
    seed.seed_tickets(desk, args.tickets)
    tickets_s = time.perf_counter() - started
    started = time.perf_counter()
    seed_articles(desk, args.articles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    articles_s = time.perf_counter() - started
    return {
        "vendor": connection.vendor,
        "articles": args.articles,
        "tickets": args.tickets,
        "seed_tickets_s": round(tickets_s, 1),
        "seed_articles_s": round(articles_s, 1),
        "http": _over_http(desk, args),
    }


def seed_articles(desk: Any, count: int) -> None:
    """``count`` articles in bulk, with their audiences and chosen institutions."""
    from django.db import transaction

    from bench.words import ticket_text
    from hypercare.knowledge.choices import ArticleStatus, Audience, Visibility
    from hypercare.knowledge.models import Article, ArticleAudience
    from hypercare.lib import clock
    from hypercare.orgs.choices import ModuleCode

    rng = random.Random(14)
    author = desk.agents[0]
    now = clock.now()
    institutions = [staff.institution for staff in desk.institutions]
    audiences = [Audience.EVERYONE] * 4 + [
        value for value in Audience.values if value != "everyone"
    ]
    with transaction.atomic(durable=True):
        for first in range(0, count, BATCH_SIZE):
            drafts = []
            for _ in range(min(BATCH_SIZE, count - first)):
                module = rng.choice(ModuleCode.values)
                text = ticket_text(rng, module)
                roll = rng.random()
                drafts.append(
                    Article(
                        title=text.title[:200],
                        body=f"{text.description}\n\n1. {text.action_attempted}\n2. "
                        f"{text.operational_impact}\n\n{text.error_seen}",
                        module_code=module,
                        status=ArticleStatus.PUBLISHED if roll < 0.9 else ArticleStatus.DRAFT,
                        visibility=Visibility.INTERNAL
                        if roll < 0.09
                        else Visibility.CHOSEN_INSTITUTIONS
                        if roll < 0.18
                        else Visibility.ALL_INSTITUTIONS,
                        created_by=author,
                        created_at=now,
                        updated_at=now,
                        published_at=now if roll < 0.9 else None,
                    )
                )
            articles = Article.objects.bulk_create(drafts)
            ArticleAudience.objects.bulk_create(
                ArticleAudience(article=article, audience=rng.choice(audiences))
                for article in articles
            )
            Article.institutions.through.objects.bulk_create(
                Article.institutions.through(article=article, institution=rng.choice(institutions))
                for article in articles
                if article.visibility == Visibility.CHOSEN_INSTITUTIONS
            )


def _phrases(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(module, words) as people type them: a subject, a subject and a symptom, or a whole
    ticket title (what the report form sends for suggestions)."""
    from bench.words import SUBJECTS, SYMPTOMS, ticket_text

    found = []
    for n in range(count):
        module = rng.choice(list(SUBJECTS))
        subject = rng.choice(SUBJECTS[module])
        if n % 3 == 0:
            found.append((module, subject))
        elif n % 3 == 1:
            found.append((module, f"{subject} {rng.choice(SYMPTOMS).split()[-1]}"))
        else:
            found.append((module, ticket_text(rng, module).title))
    return found


def _over_http(desk: Any, args: argparse.Namespace) -> dict[str, Any]:
    from bench.http_load import HttpClient, Server, free_port, server_command
    from bench.measure import time_requests
    from hypercare.accounts.services import issue_token

    rng = random.Random(8)
    requester = desk.institutions[0].requesters[0]
    requester_token = issue_token(user=requester, name="bench")[1]
    agent_token = issue_token(user=desk.agents[0], name="bench")[1]
    phrases = _phrases(rng, args.samples)
    searches = [
        "/api/v1/articles?" + urlencode({"q": words, "page_size": 20}) for _, words in phrases
    ]
    suggestions = [
        "/api/v1/articles/suggestions?" + urlencode({"module": module, "text": words, "limit": 5})
        for module, words in phrases
    ]
    port = free_port()
    with Server(server_command(port), port, args.server_log):
        reader, agent = HttpClient(port, requester_token), HttpClient(port, agent_token)
        for path in searches[:20] + suggestions[:20]:
            reader.get(path)  # every worker thread opens its connection and warms up
            agent.get(path)
        return {
            "article_search": time_requests(reader.get, searches),
            "suggestions": time_requests(reader.get, suggestions),
            "article_search_agent": time_requests(agent.get, searches),
        }


def markdown_table(result: dict[str, Any]) -> str:
    """Metric | target | measured, ready to paste into the README."""
    rows = [
        ("article search, requester", "article_search"),
        ("suggestions, requester", "suggestions"),
        ("article search, agent", "article_search_agent"),
    ]
    lines = [
        f"{result['articles']:,} articles, {result['tickets']:,} tickets ({result['vendor']})",
        "",
        "| request | p50 (ms) | p95 (ms) | target p95 | errors |",
        "|---|---|---|---|---|",
    ]
    for label, key in rows:
        figures = result["http"][key]
        target = f"< {TARGET_MS:g} ms" if key != "article_search_agent" else ""
        lines.append(
            f"| {label} | {figures['p50_ms']} | {figures['p95_ms']} | {target} | "
            f"{figures['errors']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
