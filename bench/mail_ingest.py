"""Email intake throughput: ``python -m bench.mail_ingest`` (``--postgres`` for PostgreSQL).

Targets (issue 11): at least 150 messages/s ingested through the pipe's path on SQLite,
and a backlog of 10 000 messages in an IMAP folder drained in under 2 minutes.

*Ingested* is the whole of what ``hypercare mail deliver`` does for a message, in the
same functions: store it raw (``store_raw``), parse, thread, decide who wrote it, then
open a ticket or add a reply (``intake.process``). Half the messages open tickets from
known requesters; the other half are replies to those tickets, found by the reference
in their subjects. Each worker count runs in a child process with a database of its own
(``bench.database``); with two workers, two processes each take every other message,
which is what two MTA pipes or two job workers do. The timing excludes Python's and
Django's start-up, which an MTA pays once per message and a job worker once; that is
timed apart, as the median of a few ``hypercare mail deliver`` processes, start to exit.

The backlog is drained from a real Dovecot (``tests/imapserver.py``, Debian's
``dovecot-imapd``): the messages are appended first, then ``poll`` runs (as the
``mail_poll`` job does) until it finds nothing more: every message stored and marked read
on the server. Processing them (``process_received``, the ``mail_process`` job) is timed
apart. ``--backlog 0`` skips it (no Dovecot needed).

Printed as JSON; a Markdown table for the README goes to stderr.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import database
from bench.measure import conditions

PIPE_TARGET_PER_S = 150.0
BACKLOG_TARGET_S = 120.0
CHILD_TIMEOUT_S = 3600
DOMAIN = "bench.example.edu"
REQUESTERS = 50
DELIVER_RUNS = 5


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages per run")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 2],
        help="comma-separated worker counts (default 1,2)",
    )
    parser.add_argument(
        "--backlog", type=int, default=10_000, help="IMAP backlog size (0: skip; needs Dovecot)"
    )
    database.add_arguments(parser)
    parser.add_argument("--child", choices=["pipe", "backlog"], help=argparse.SUPPRESS)
    parser.add_argument("--child-output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--slice", type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--spool", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.messages < 2 or args.messages % 2:
        parser.error("--messages: must be an even number, at least 2")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.slice:
        _work_slice(args.spool, *args.slice)
        return
    if args.child:
        result = _pipe_child(args) if args.child == "pipe" else _backlog_child(args)
        args.child_output.write_text(json.dumps(result))
        return
    report: dict[str, Any] = {
        "conditions": conditions(args.database_url, messages=args.messages),
        "pipe": {},
        "backlog": None,
    }
    for workers in args.workers:
        result = _in_child(args, "pipe", workers)
        result["pass"] = workers > 1 or result["per_s"] >= PIPE_TARGET_PER_S
        report["pipe"][str(workers)] = result
    if args.backlog:
        result = _in_child(args, "backlog", 1)
        result["pass"] = result["drained_s"] < BACKLOG_TARGET_S and result["all_processed"]
        report["backlog"] = result
    print(json.dumps(report, indent=2))
    print(markdown_table(report), file=sys.stderr)


def _in_child(args: argparse.Namespace, kind: str, workers: int) -> dict[str, Any]:
    """One measurement in a child process, with its own data directory and database."""
    with tempfile.TemporaryDirectory(prefix="hypercare-mail-bench-") as data_dir:
        output = Path(data_dir) / "result.json"
        command = [sys.executable, "-m", "bench.mail_ingest", "--child", kind]
        command += ["--messages", str(args.messages), "--workers", str(workers)]
        command += ["--backlog", str(args.backlog), "--child-output", str(output)]
        print(f"bench: mail {kind}, {workers} worker(s), in {data_dir}", file=sys.stderr)
        with database.child_environment(data_dir, args.database_url) as env:
            subprocess.run(command, env=env, check=True, timeout=CHILD_TIMEOUT_S)  # noqa: S603
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _seed() -> list[str]:
    """An institution whose mail domain is registered, its requesters, and a mailbox."""
    from hypercare.accounts.choices import Role
    from hypercare.accounts.services import create_user
    from hypercare.mail.models import Mailbox
    from hypercare.orgs.services import create_institution

    institution = create_institution(name="Bench University", slug="bench")
    senders = []
    for n in range(REQUESTERS):
        person = create_user(
            username=f"person{n}",
            email=f"person{n}@{DOMAIN}",
            password=None,
            roles=[Role.REQUESTER],
            institution=institution,
        )
        senders.append(person.email)
    Mailbox.objects.create(
        name="Support", address="support@hypercare.example", institution=institution, polls=False
    )
    return senders


def _message(n: int, sender: str, subject: str) -> bytes:
    return (
        f"From: Person <{sender}>\r\n"
        f"To: support@hypercare.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <bench-{n}@{DOMAIN}>\r\n"
        f"Date: Thu, 03 Dec 2026 09:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Message {n}: the fee receipt prints blank after payment.\r\n"
        "We tried another browser; the same happens.\r\n"
        "\r\n-- \r\nFinance office\r\n"
    ).encode()


def _spool(folder: Path, messages: list[bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages):
        (folder / f"{n:06d}.eml").write_bytes(raw)


def _run_workers(spool: Path, workers: int) -> float:
    """Seconds for ``workers`` processes to take every message of ``spool`` through the
    pipe's path, from the moment all of them are set up (start-up is not counted)."""
    command = [sys.executable, "-m", "bench.mail_ingest", "--spool", str(spool), "--slice"]
    running = [
        subprocess.Popen([*command, str(n), str(workers)])  # noqa: S603
        for n in range(workers)
    ]
    deadline = time.monotonic() + 300
    while len(list(spool.glob("ready-*"))) < workers:
        if time.monotonic() > deadline or any(p.poll() not in (None, 0) for p in running):
            raise RuntimeError("a benchmark worker did not start")
        time.sleep(0.005)
    started = time.time()
    (spool / "go").touch()
    for process in running:
        if process.wait(timeout=CHILD_TIMEOUT_S) != 0:
            raise RuntimeError("a benchmark worker failed")
    finished = max(float(path.read_text()) for path in spool.glob("done-*"))
    return finished - started


def _work_slice(spool: Path, index: int, count: int) -> None:
    """One worker: set up, say so, wait for the start, then store and process its share
    (every ``count``-th message from ``index``) and write down when it finished.

    Django's template engine loads every template tag library the first time a mail is
    written, a fixed cost of start-up (half a second here) that a running job worker has
    paid already: it is paid before the start, with the rest of start-up."""
    import django

    django.setup()
    from django.template import engines

    engines.all()
    from hypercare.mail.intake import process
    from hypercare.mail.services import store_raw

    files = sorted(spool.glob("*.eml"))[index::count]
    (spool / f"ready-{index}").touch()
    while not (spool / "go").exists():
        time.sleep(0.001)
    for path in files:
        process(store_raw(raw=path.read_bytes(), mailbox=None).message)
    (spool / f"done-{index}").write_text(repr(time.time()))


def _pipe_child(args: argparse.Namespace) -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.db.models import Count

    from hypercare.mail.models import InboundMessage
    from hypercare.tickets.models import Ticket

    senders = _seed()
    workers = args.workers[0]
    half = args.messages // 2
    new = [_message(n, senders[n % len(senders)], f"Fee receipt {n}") for n in range(half)]
    with tempfile.TemporaryDirectory(prefix="hypercare-mail-spool-") as spool:
        _spool(Path(spool) / "new", new)
        connection.close()
        new_s = _run_workers(Path(spool) / "new", workers)
        opened = dict(Ticket.objects.values_list("title", "pk"))
        replies = [
            _message(
                half + n,
                senders[n % len(senders)],
                f"RE: Re: [HC-{opened[f'Fee receipt {n}']:06d}] Fee receipt {n}",
            )
            for n in range(half)
        ]
        _spool(Path(spool) / "replies", replies)
        connection.close()
        replies_s = _run_workers(Path(spool) / "replies", workers)
    deliver_s = _deliver_processes(senders[0], args.messages)
    outcomes = dict(
        InboundMessage.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total_s = new_s + replies_s
    return {
        "workers": workers,
        "vendor": connection.vendor,
        "messages": args.messages,
        "seconds": round(total_s, 2),
        "per_s": round(args.messages / total_s, 1),
        "new_tickets_per_s": round(half / new_s, 1),
        "replies_per_s": round(half / replies_s, 1),
        "deliver_process_s": deliver_s,
        "outcomes": outcomes,
    }


def _deliver_processes(sender: str, first: int) -> float:
    """Median seconds of one ``hypercare mail deliver`` process, start to exit, as an MTA
    runs it for each message: the start-up the figures above leave out, plus one message."""
    seconds = []
    for n in range(first, first + DELIVER_RUNS):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "hypercare", "mail", "deliver"],
            input=_message(n, sender, f"Deliver {n}"),
            capture_output=True,
            check=True,
            timeout=120,
        )
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds), 2)


def _backlog_child(args: argparse.Namespace) -> dict[str, Any]:
    """Append the backlog to a Dovecot folder, then poll and process until it is drained."""
    _setup()
    from django.conf import settings
    from django.db import connection

    from hypercare.mail.choices import InboundStatus
    from hypercare.mail.imap import poll
    from hypercare.mail.intake import process_received
    from hypercare.mail.models import InboundMessage, Mailbox
    from tests.imapserver import dovecot

    senders = _seed()
    with dovecot() as server:
        settings.HYPERCARE_MAIL_CA_FILE = str(server.ca_file)
        messages = [
            _message(n, senders[n % len(senders)], f"Backlog {n}") for n in range(args.backlog)
        ]
        appended = time.perf_counter()
        server.append(*messages, folder="Backlog")
        append_s = time.perf_counter() - appended
        mailbox = Mailbox.objects.create(
            name="Backlog",
            address="backlog@hypercare.example",
            host="127.0.0.1",
            port=server.imaps_port,
            username=server.user,
            password=server.password,
            folder="Backlog",
        )
        started = time.perf_counter()
        polls = 0
        while poll(mailbox).fetched:
            polls += 1
        drained_s = time.perf_counter() - started
        unread = server.count("Backlog", "UNSEEN")
        started = time.perf_counter()
        while process_received()["processed"]:
            pass
        processed_s = time.perf_counter() - started
    processed = InboundMessage.objects.exclude(status=InboundStatus.RECEIVED).count()
    return {
        "vendor": connection.vendor,
        "backlog": args.backlog,
        "append_s": round(append_s, 1),
        "drained_s": round(drained_s, 1),
        "drained_per_s": round(args.backlog / drained_s, 1),
        "polls": polls,
        "processed_s": round(processed_s, 1),
        "processed_per_s": round(args.backlog / processed_s, 1),
        "left_unread_on_server": unread,
        "all_processed": processed == args.backlog and unread == 0,
    }


def markdown_table(report: dict[str, Any]) -> str:
    database_name = report["conditions"]["database"]
    lines = [
        f"| mail intake ({database_name}) | measured | target |",
        "|---|---|---|",
    ]
    for workers, result in report["pipe"].items():
        target = f">= {PIPE_TARGET_PER_S:g} msg/s" if workers == "1" else ""
        lines.append(
            f"| pipe path, {workers} worker(s): {result['messages']} messages "
            f"(new tickets {result['new_tickets_per_s']}/s, replies {result['replies_per_s']}/s)"
            f" | {result['per_s']} msg/s | {target} |"
        )
    if "1" in report["pipe"]:
        lines.append(
            f"| one `hypercare mail deliver` process, start to exit (median of {DELIVER_RUNS})"
            f" | {report['pipe']['1']['deliver_process_s']} s | |"
        )
    backlog = report["backlog"]
    if backlog:
        lines.append(
            f"| IMAP backlog of {backlog['backlog']} drained (fetched, stored, marked read) "
            f"| {backlog['drained_s']} s | < {BACKLOG_TARGET_S:g} s |"
        )
        lines.append(
            f"| the same backlog processed into tickets | {backlog['processed_s']} s "
            f"({backlog['processed_per_s']} msg/s) | |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
