"""camscan CLI: the web dashboard - serve, and the accounts that may log in to it (users)."""

from __future__ import annotations

import ipaddress
import socket
import sys

import click

from camscan.cli import AppContext
from camscan.cli.output import Column, table
from camscan.errors import UsageError
from camscan.inventory.db import open_inventory

commands: list[click.Command] = []


def _check_can_listen(bind: str, port: int) -> None:
    """A one-line error now, rather than the server's traceback later, when the address
    is not this machine's or the port is taken."""
    host = bind.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            raise UsageError(
                f"cannot listen on {bind} port {port} ({err.strerror or err}); "
                "give another --bind or --port"
            ) from None


def _loopback(bind: str) -> bool:
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Mark the session cookie Secure (give it when a TLS reverse proxy serves the pages).",
)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="Serve HTTPS: cert.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="Serve HTTPS: key.")
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="A host name the pages are served under (a reverse proxy's public name).",
)
@click.option(
    "--costs",
    type=click.Path(exists=True, dir_okay=False),
    help="Unit costs file (TOML) for the plan and the costs shown; see docs/scoring.md.",
)
@click.option(
    "--session-hours",
    default=8.0,
    show_default=True,
    type=click.FloatRange(0.1, 24 * 7),
    help="A login lasts this long.",
)
@click.pass_obj
def serve(
    app: AppContext,
    bind: str,
    port: int,
    secure_cookies: bool,
    tls_cert: str | None,
    tls_key: str | None,
    allowed_hosts: tuple[str, ...],
    costs: str | None,
    session_hours: float,
) -> None:
    """Serve the web dashboard over the inventory: sites, devices with filters, each
    device's evidence and history, the replacement plan, changes between scans, and the
    CSV/XLSX/PDF downloads.  Read-only, except tagging for accounts with the editor role.

    Listens on 127.0.0.1 unless --bind says otherwise, and on loopback answers only
    requests naming this machine (or an --allowed-host); anyone reaching it must log in
    with an account made by `camscan users add`.  To offer it to other machines, put a TLS
    reverse proxy in front and give --secure-cookies and the proxy's name as
    --allowed-host (docs/dashboard.md).

    \b
    Example:
      camscan users add alice --role editor
      camscan serve
      camscan serve --secure-cookies --allowed-host cameras.example.org
      camscan serve --db postgresql+psycopg://camscan@db/camscan --port 8443 \\
          --bind 0.0.0.0 --tls-cert dash.pem --tls-key dash.key
    """
    import uvicorn

    from camscan.web import accounts
    from camscan.web.app import LOOPBACK_NAMES, Settings, create_app

    if bool(tls_cert) != bool(tls_key):
        raise UsageError("give --tls-cert and --tls-key together")
    tls = tls_cert is not None
    inv = open_inventory(app.db)
    loopback = _loopback(bind)
    if not loopback and not tls and not secure_cookies:
        click.echo(
            f"camscan: warning: listening on {bind} without TLS: passwords and inventory "
            "data cross the network in clear; put a TLS reverse proxy in front and give "
            "--secure-cookies, or give --tls-cert/--tls-key",
            err=True,
        )
    if not accounts.list_accounts(inv):
        click.echo(
            "camscan: warning: no accounts yet, so nobody can log in: "
            "`camscan users add NAME --role viewer|editor`",
            err=True,
        )
    from camscan.cli import settings as env
    from camscan.scoring.plan import load_costs
    from camscan.scoring.policy import load_policy
    from camscan.scoring.vulns import load_vulns
    from camscan.web.data import Scoring

    scoring = Scoring(
        load_policy(env.policy_path()),
        load_vulns(user_copy=env.vulns_path()),
        load_costs(costs) if costs else None,
    )
    _check_can_listen(bind, port)
    settings = Settings(
        scoring=scoring,
        secure_cookies=secure_cookies or tls,
        session_hours=session_hours,
        allowed_hosts=(
            LOOPBACK_NAMES | {h.strip().lower() for h in allowed_hosts}
            if loopback or allowed_hosts
            else None
        ),
    )
    web = create_app(inv, settings)
    scheme = "https" if tls else "http"
    host = f"[{bind}]" if ":" in bind else bind
    if not app.quiet:
        click.echo(f"camscan dashboard on {scheme}://{host}:{port}/ (Ctrl-C stops it)", err=True)
    uvicorn.run(
        web,
        host=bind,
        port=port,
        ssl_certfile=tls_cert,
        ssl_keyfile=tls_key,
        log_level="warning" if app.quiet else "info",
        proxy_headers=True,  # X-Forwarded-For/-Proto from a proxy on this machine only
        forwarded_allow_ips="127.0.0.1,::1",
        server_header=False,
        access_log=app.verbose > 0,
    )


commands.append(serve)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group()
def users() -> None:
    """The accounts that may log in to the dashboard (`camscan serve`), each with a role:
    viewer (reads everything) or editor (also tags zone and criticality).  Passwords have
    at least 15 characters and are stored as scrypt hashes.

    \b
    Example:
      camscan users add alice --role editor
      camscan users list
      camscan users passwd alice
      camscan users remove alice
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(["viewer", "editor"]), default="viewer", show_default=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def users_add(app: AppContext, name: str, role: str, password_stdin: bool) -> None:
    """Make an account (asks for its password twice, or reads one line with --password-stdin).

    \b
    Example:
      camscan users add alice --role editor
      printf '%s\\n' "$PASS" | camscan users add bob --password-stdin
    """
    from camscan.web import accounts

    inv = open_inventory(app.db)
    accounts.check_name(name)
    info = accounts.add_account(inv, name, role, _password(password_stdin))
    click.echo(f"added {info.name} ({info.role})", err=True)


@users.command("list")
@click.pass_obj
def users_list(app: AppContext) -> None:
    """List the accounts, their roles and last logins.

    \b
    Example:
      camscan users list
    """
    from camscan.web import accounts

    rows = accounts.list_accounts(open_inventory(app.db))
    if not rows:
        click.echo("No accounts; `camscan users add NAME --role viewer` makes one.")
        return
    table(
        None,
        (Column("name", 0), Column("role", 0), Column("created", 1, whole=True),
         Column("last login", 2, whole=True)),
        ((a.name, a.role, a.created_at, a.last_login_at or "never") for a in rows),
    )  # fmt: skip


@users.command("remove")
@click.argument("name")
@click.pass_obj
def users_remove(app: AppContext, name: str) -> None:
    """Remove an account (its open sessions end at their next request).

    \b
    Example:
      camscan users remove alice
    """
    from camscan.web import accounts

    accounts.remove_account(open_inventory(app.db), name)
    click.echo(f"removed {name}", err=True)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def users_passwd(app: AppContext, name: str, password_stdin: bool) -> None:
    """Set a new password (sessions opened with the old one end).

    \b
    Example:
      camscan users passwd alice
    """
    from camscan.web import accounts

    inv = open_inventory(app.db)
    if accounts.session_state(inv, name) is None:  # before asking for a password
        raise UsageError(f"no account {name!r}; `camscan users list` shows them")
    accounts.set_password(inv, name, _password(password_stdin))
    click.echo(f"new password for {name}", err=True)


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["viewer", "editor"]))
@click.pass_obj
def users_role(app: AppContext, name: str, role: str) -> None:
    """Change an account's role (its open sessions end).

    \b
    Example:
      camscan users role bob editor
    """
    from camscan.web import accounts

    accounts.set_role(open_inventory(app.db), name, role)
    click.echo(f"{name} is now {role}", err=True)


commands.append(users)
