"""`fixfirst serve` and `fixfirst user ...`: start the dashboard/API; create, disable and re-password
users; mint, list and revoke API tokens.

Why a module of its own: the web commands import FastAPI and uvicorn, which the batch commands
(ingest, analyze, report) never need; ``register_web_commands`` adds them to the main app and
imports the web stack only when one of them runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from fixfirst.cli import exit_codes
from fixfirst.errors import FixFirstError, StoreError
from fixfirst.store import Store

console = Console(stderr=True)
user_app = typer.Typer(help="Manage dashboard/API users.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL. Default: $FIXFIRST_DB or sqlite:///fixfirst.db.", envvar="FIXFIRST_DB",
                 show_envvar=False),
]


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on. Keep 127.0.0.1 unless behind a TLS proxy.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    redact: Annotated[bool, typer.Option("--redact/--no-redact", help="Redact conversations posted to the API "
                                         "before storing them (default on).")] = True,
    proxy_headers: Annotated[bool, typer.Option("--proxy-headers/--no-proxy-headers", help="Behind a TLS proxy: "
                                                "trust its X-Forwarded-Proto/For, so cookies get Secure and "
                                                "HSTS is sent.")] = False,
    forwarded_allow_ips: Annotated[str, typer.Option("--forwarded-allow-ips", help="Addresses of the proxies "
                                                     "whose forwarded headers are trusted.")] = "127.0.0.1",
    ssl_certfile: Annotated[Path | None, typer.Option("--ssl-certfile", help="Serve HTTPS directly with this "
                                                      "certificate (PEM).")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option("--ssl-keyfile", help="The certificate's private key "
                                                     "(PEM).")] = None,
    audio_dir: Annotated[Path | None, typer.Option("--audio-dir", help="Where kept call audio is (the folder "
                                                   "given to ingest --keep-audio): calls play from findings.")
                         ] = None,
) -> None:
    """Start the dashboard, the REST API (docs at /docs) and the survey pages with uvicorn."""
    import uvicorn

    from fixfirst.web.app import create_app

    try:
        app = create_app(db, redact=redact, audio_dir=audio_dir)
    except FixFirstError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.CONFIG) from None
    scheme = "https" if ssl_certfile else "http"
    console.print(f"FixFirst on {scheme}://{host}:{port}/  (API docs: {scheme}://{host}:{port}/docs)")
    uvicorn.run(
        app, host=host, port=port, log_level="info", proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="admin, manager or agent.")],
    team: Annotated[list[str] | None, typer.Option("--team", help="A team a manager is limited to (repeat for "
                                                   "several; none = all teams).")] = None,
    agent_id: Annotated[str | None, typer.Option("--agent-id", help="For agents: the agent id used in "
                                                 "conversations.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line "
                                                 "of stdin instead of prompting.")] = False,
    db: DbOption = None,
) -> None:
    """Create a user (the first one should be an admin). Passwords are stored as argon2 hashes."""
    from fixfirst.web.auth import create_user

    password = _read_password(password_stdin)
    try:
        with Store.open(db) as store:
            who = create_user(store, username, password, role, agent_id=agent_id, teams=team or ())
    except ValueError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.USAGE) from None
    except StoreError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.CONFIG) from None
    scope = ", ".join(who.teams) if who.teams else ("own conversations" if who.is_agent else "all teams")
    typer.echo(f"created {who.role.value} {who.username} ({scope})")


def _user_or_exit(store: Store, username: str) -> Any:
    from fixfirst.store.web_records import get_user_by_name

    user = get_user_by_name(store, username)
    if user is None:
        console.print(f"[red]error:[/red] no user named {username!r}")
        raise typer.Exit(exit_codes.USAGE)
    return user


@contextmanager
def _store_or_exit(db: str | None) -> Iterator[Store]:
    try:
        with Store.open(db) as store:
            yield store
    except StoreError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.CONFIG) from None


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as (same role and scope).")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Days until the token expires.")] = 90,
    db: DbOption = None,
) -> None:
    """Mint an API token for pipelines and print it once (only its hash is stored)."""
    from fixfirst.store.web_records import create_api_token

    with _store_or_exit(db) as store:
        token = create_api_token(store, _user_or_exit(store, username).id, name, days=days)
    typer.echo(token)
    console.print(f"Send it as 'Authorization: Bearer <token>'. It is shown only now and expires in {days} days.")


@user_app.command("tokens")
def user_tokens(username: Annotated[str, typer.Argument(help="Whose tokens to list.")], db: DbOption = None) -> None:
    """List a user's API tokens (id, name, created, expires); the tokens themselves are never stored."""
    from fixfirst.store.web_records import list_api_tokens

    with _store_or_exit(db) as store:
        tokens = list_api_tokens(store, _user_or_exit(store, username).id)
    for token in tokens:
        expires = token.expires_at.isoformat() if token.expires_at else "never"
        typer.echo(f"{token.id}\t{token.name}\tcreated {token.created_at.isoformat()}\texpires {expires}")


@user_app.command("revoke")
def user_revoke(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    token_id: Annotated[int, typer.Argument(help="The token id (see 'fixfirst user tokens').")],
    db: DbOption = None,
) -> None:
    """Revoke one API token at once."""
    from fixfirst.store.web_records import revoke_api_token

    with _store_or_exit(db) as store:
        if not revoke_api_token(store, _user_or_exit(store, username).id, token_id):
            console.print(f"[red]error:[/red] {username} has no token {token_id}")
            raise typer.Exit(exit_codes.USAGE)
    typer.echo(f"revoked token {token_id} of {username}")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Who.")], db: DbOption = None) -> None:
    """Disable a user: no login, no API token works, every session ends (data is kept)."""
    from fixfirst.store.web_records import end_sessions, set_user_active

    with _store_or_exit(db) as store:
        user = _user_or_exit(store, username)
        set_user_active(store, user.id, False)
        end_sessions(store, user.id)
    typer.echo(f"disabled {username}")


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Who.")], db: DbOption = None) -> None:
    """Enable a disabled user again."""
    from fixfirst.store.web_records import set_user_active

    with _store_or_exit(db) as store:
        set_user_active(store, _user_or_exit(store, username).id, True)
    typer.echo(f"enabled {username}")


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="Whose password.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line "
                                                 "of stdin instead of prompting.")] = False,
    db: DbOption = None,
) -> None:
    """Set a new password; every session of the user ends."""
    from fixfirst.web.auth import change_password

    password = _read_password(password_stdin)
    with _store_or_exit(db) as store:
        try:
            change_password(store, username, password)
        except ValueError as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(exit_codes.USAGE) from None
    typer.echo(f"password of {username} changed; their sessions ended")


calls_app = typer.Typer(help="Call recordings kept for playback.", no_args_is_help=True)


@calls_app.command("purge")
def calls_purge(
    audio_dir: Annotated[Path, typer.Option("--audio-dir", help="The folder given to --keep-audio.")],
    db: DbOption = None,
) -> None:
    """Delete kept call audio whose retention (--audio-retention-days at ingest) has passed."""
    from fixfirst.store.kept_audio import purge_expired

    with _store_or_exit(db) as store:
        purged = purge_expired(store, audio_dir)
    typer.echo(f"deleted {len(purged)} expired recording{'s' if len(purged) != 1 else ''}")


def register_web_commands(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(calls_app, name="calls")
