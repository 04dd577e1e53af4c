"""The `facilitator bench` command."""

from __future__ import annotations

import json

import click
from flask import Flask


@click.command("bench")
@click.option("--participants", "-n", type=int, default=None, help="Simulated participants (default 2000; 200 with --quick).")
@click.option("--processes", "-k", type=int, default=2, show_default=True, help="Load-generator processes.")
@click.option("--quick", is_flag=True, help="A short smoke run: 200 participants, short bursts.")
@click.option("--url", default=None, help="Target a running server instead of starting one.")
@click.option("--code", default=None, help="With --url: the workshop's join code.")
@click.option("--moderator-token", default=None, help="With --url: the workshop's moderator token.")
@click.option("--database-url", default=None,
              help="With --url: the server's database, to count stored writes; without: the database the "
                   "started server uses (default a fresh SQLite file), e.g. PostgreSQL for --server-processes.")
@click.option("--server-processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Start `facilitator serve --workers N`; participant i talks to process i mod N, as a "
                   "sticky proxy would keep it. Needs --message-queue and a PostgreSQL --database-url.")
@click.option("--message-queue", default=None, help="Redis URL the started server processes share.")
@click.option("--async-mode", type=click.Choice(["gevent", "threading"]), default="gevent", show_default=True,
              help="How the started server serves (ignored with --url).")
@click.option("--no-bare", is_flag=True, help="Skip the bare Flask-SocketIO reference run.")
@click.option("--vote-window", type=float, default=10.0, show_default=True, help="Seconds over which everyone votes.")
@click.option("--positions", type=int, default=500, show_default=True, help="Positions in the position burst.")
@click.option("--reactions", "reactions_each", type=int, default=10, show_default=True,
              help="Reactions per participant in the reaction burst.")
@click.option("--reaction-window", type=float, default=None, help="Seconds over which reactions are spread.")
@click.option("--hands", type=int, default=None,
              help="The floor burst: hands raised during a re-vote burst, against one without "
                   "(default 500; 50 with --quick; 0 to skip).")
@click.option("--crash", is_flag=True,
              help="The crash drill instead: SIGKILL the server mid-burst, restart it, count lost and "
                   "duplicated writes and time the resume (uses --participants and --positions).")
@click.option("--opinion", is_flag=True,
              help="The live opinion map instead: a prompt seeded with --participants (default 5000) × 40 "
                   "positions of reactions, one recompute's time, and vote acks while the map recomputes "
                   "(300 voters; 200 with --quick).")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON after the table.")
def bench_command(participants, processes, quick, url, code, moderator_token, database_url, server_processes,
                  message_queue, async_mode, no_bare, vote_window, positions, reactions_each, reaction_window, hands, crash, opinion, as_json):
    """Simulate live participants over websockets and print latency, loss, CPU and memory."""
    from .runner import Settings, run, table

    if opinion:
        from . import opinion_live

        report = opinion_live.run(participants or 5000, 40, 0.5, 200 if quick else 300, 1, 2 if quick else 3, 8.0,
                                  say=lambda m: click.echo(m, err=True))
        click.echo("\nfacilitator bench --opinion")
        for line in opinion_live.lines(report):
            click.echo("  " + line)
        if as_json:
            click.echo(json.dumps(report, indent=2, default=str))
        return

    if crash:
        from .crash import DrillSettings, lines, run_drill

        report = run_drill(DrillSettings(participants=participants or (100 if quick else 1000),
                                         positions=positions if positions != 500 else (100 if quick else 1000),
                                         say=lambda m: click.echo(m, err=True)))
        click.echo("\nfacilitator bench --crash")
        for line in lines(report):
            click.echo("  " + line)
        if as_json:
            click.echo(json.dumps(report, indent=2, default=str))
        return

    settings = Settings(
        participants=participants or (200 if quick else 2000), processes=processes, quick=quick, url=url,
        code=code, moderator_token=moderator_token, database_url=database_url, async_mode=async_mode,
        bare=not no_bare, vote_window=vote_window, positions=positions, reactions_each=reactions_each,
        reaction_window=reaction_window, hands=hands, server_processes=server_processes,
        message_queue=message_queue, say=lambda m: click.echo(m, err=True),
    )
    report = run(settings)
    click.echo(f"\nfacilitator bench: {settings.participants} participants, {processes} load processes, "
               f"server {'at ' + url if url else async_mode}"
               + (f", {server_processes} server processes" if server_processes > 1 and not url else ""))
    click.echo(table(report))
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))


@click.command("bench-export")
@click.option("--participants", default=5000, show_default=True)
@click.option("--positions", default=1500, show_default=True)
@click.option("--reactions", default=100_000, show_default=True)
@click.option("--database", default=None, help="SQLite file to fill (default: a temporary one).")
def bench_export_command(participants: int, positions: int, reactions: int, database: str | None) -> None:
    """Fill a scratch SQLite database with a large session and time every export format."""
    from .export import run_benchmark

    for line in run_benchmark(participants, positions, reactions, database):
        click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(bench_command)
    app.cli.add_command(bench_export_command)
