"""Flask commands of SPEC §5: bad arguments exit 2 with one line, unknown merchants exit 1."""

from __future__ import annotations

import secrets

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal.database import begin_write
from portal.extensions import db
from portal.services import merchants
from portal.services.api_keys import create_api_key


class UsageProblem(click.ClickException):
    exit_code = 2


class OneLineCommand(click.Command):
    """Turns click's multi-line usage errors into a single 'Error: …' line with exit code 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            raise UsageProblem(error.format_message()) from None


class UnknownMerchant(click.ClickException):
    exit_code = 1


def _merchant_or_exit(slug: str):
    merchant = merchants.get_merchant_by_slug(slug)
    if merchant is None:
        raise UnknownMerchant(f"unknown merchant '{slug}'")
    return merchant


@click.command("create-merchant", cls=OneLineCommand)
@click.option("--slug", required=True, help="URL name, e.g. acme")
@click.option("--name", required=True, help="Display name, e.g. 'Acme Outdoor'")
@with_appcontext
def create_merchant_command(slug: str, name: str) -> None:
    """Create a merchant."""
    begin_write()  # the web and the worker write meanwhile: read and write in one writer
    try:
        merchant = merchants.create_merchant(slug, name)
    except merchants.MerchantError as error:
        raise UsageProblem(str(error)) from None
    db.session.commit()
    click.echo(f"created merchant {merchant.slug} ({merchant.name})")


@click.command("create-user", cls=OneLineCommand)
@click.option("--merchant", "merchant_slug", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["owner", "admin", "agent"]))
@click.option("--password", default=None, help="Generated and printed when omitted")
@click.option("--name", default=None)
@with_appcontext
def create_user_command(merchant_slug, email, role, password, name) -> None:
    """Create a user of a merchant."""
    begin_write()
    merchant = _merchant_or_exit(merchant_slug)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = merchants.create_user(merchant, email, role, password, name=name)
    except merchants.MerchantError as error:
        raise UsageProblem(str(error)) from None
    db.session.commit()
    suffix = f" password: {password}" if generated else ""
    click.echo(f"created {user.role} {user.email} for {merchant.slug}{suffix}")


@click.command("create-api-key", cls=OneLineCommand)
@click.option("--merchant", "merchant_slug", required=True)
@click.option("--name", default="API key")
@with_appcontext
def create_api_key_command(merchant_slug: str, name: str) -> None:
    """Create an API key and print it once."""
    begin_write()
    merchant = _merchant_or_exit(merchant_slug)
    api_key, raw_key = create_api_key(merchant, name)
    db.session.commit()
    click.echo(raw_key)


@click.command("tick", cls=OneLineCommand)
@with_appcontext
def tick_command() -> None:
    """Poll every due shipment and send due notifications, in this process, then exit."""
    from portal.database import utcnow
    from portal.jobs.tasks import run_tick_inline
    from portal.services.polling import quota_usage
    from portal.services.quota import hourly_usage

    stats = run_tick_inline()
    now = utcnow()
    # SPEC §4: the day's figure per carrier, then each hourly window as `usps@hour:12/60`.
    figures = [
        f"{code}:{used}/{limit if limit is not None else 'unlimited'}"
        for code, (used, limit) in quota_usage(now.date()).items()
    ]
    figures += [f"{code}@hour:{used}/{limit}" for code, (used, limit) in hourly_usage(now).items()]
    quota = ",".join(figures)
    click.echo(
        f"tick: claimed={stats.claimed} polled={stats.polled} events={stats.events} "
        f"delayed={stats.delayed} notified={stats.notified} failed={stats.failed} quota={quota}"
    )


@click.command("worker", cls=OneLineCommand)
@click.option("--workers", "-w", default=2, type=click.IntRange(1, 64), show_default=True)
@click.option("--no-periodic", "-n", is_flag=True, help="Don't run the periodic tick here")
@with_appcontext
def worker_command(workers: int, no_periodic: bool) -> None:
    """Run the Huey consumer (the periodic tick runs in exactly one of them: use -n elsewhere)."""
    huey = current_app.extensions["huey"]
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=not no_periodic)
    click.echo(f"worker: {workers} threads, periodic={'off' if no_periodic else 'on'}")
    consumer.run()


@click.command("emulator", cls=OneLineCommand)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, type=click.IntRange(1, 65535), show_default=True)
@with_appcontext
def emulator_command(host: str, port: int) -> None:
    """Run the carrier emulator (UPS, FedEx, USPS, DHL, EasyPost and Twilio paths)."""
    from carriers.emulator import serve

    serve(host, port, speed=current_app.config["EMULATOR_SPEED"])


def init_commands(app: Flask) -> None:
    from portal.demo import seed_demo_command

    for command in (
        create_merchant_command,
        create_user_command,
        create_api_key_command,
        tick_command,
        worker_command,
        emulator_command,
        seed_demo_command,
    ):
        app.cli.add_command(command)
