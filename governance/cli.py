"""The `asamblea` command. Imports are made inside each command so that `asamblea verify` needs
nothing but `ballots/` and `cryptography`: an auditor installs no web stack to check a result."""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXIT_USAGE = 2


class CommandError(Exception):
    """A user mistake: printed as one line, with a non-zero exit."""


def _settings():  # type: ignore[no-untyped-def]
    from governance.settings import Settings

    return Settings.from_env()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from governance import migrate

    settings = _settings()
    migrate.upgrade(settings.database_url)
    print(f"Database is at the latest schema: {_shown_url(settings.database_url)}")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from governance import migrate

    settings = _settings()
    try:
        migrate.check(settings.database_url)
    except migrate.SchemaDrift as exc:
        raise CommandError(f"models and migrations differ: {exc}") from None
    print("Models and migrations agree.")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from governance.auth import services

    if args.password_file:
        try:
            password = Path(args.password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"cannot read {args.password_file}: {exc.strerror}") from None
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise CommandError("the two passwords differ")
    settings = _settings()
    with _transaction(settings) as db:
        user = services.create_staff_user(db, settings, args.username, args.role, password,
                                          actor="system:cli")
        print(f"Created {user.role} account {user.username}.")
    return 0


def cmd_user_active(args: argparse.Namespace) -> int:
    from governance.auth import services

    settings = _settings()
    active = args.user == "enable"
    with _transaction(settings) as db:
        user = services.set_staff_active(db, args.username, active, actor="system:cli")
        print(f"{'Enabled' if active else 'Disabled'} {user.role} account {user.username}"
              + ("" if active else "; its sessions have ended."))
    return 0


def cmd_orgs_import(args: argparse.Namespace) -> int:
    from governance import i18n
    from governance.organizations import services

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from None
    settings = _settings()
    with _transaction(settings) as db:
        report = services.import_organizations(db, raw)
    for row in report.rejected:
        print(f"line {row.line}: {i18n.gettext(row.message, **row.params)}", file=sys.stderr)
    print(f"{report.imported} imported, {report.updated} updated, "
          f"{len(report.rejected)} rejected.")
    return 1 if report.rejected else 0


def cmd_archive_import(args: argparse.Namespace) -> int:
    from governance.archive import exchange

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from None
    document = exchange.parse_document(raw)
    settings = _settings()
    with _transaction(settings) as db:
        report = exchange.import_archive(db, settings, document,
                                         actor=f"archive import: {Path(args.file).name}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for code in report.skipped:
        print(f"{code}: already in the archive; left unchanged", file=sys.stderr)
    print(f"{len(report.imported)} imported, {len(report.skipped)} already in the archive.")
    return 0


def cmd_archive_export(args: argparse.Namespace) -> int:
    import json

    from governance.archive import exchange

    settings = _settings()
    with _transaction(settings, write=False) as db:
        document = exchange.export_archive(db)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.out}: {exc.strerror}") from None
        print(f"{len(document['motions'])} motions written to {args.out}.")
    else:
        sys.stdout.write(text)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    if args.upgrade:
        from governance import migrate

        migrate.upgrade(settings.database_url)
    else:
        _require_schema(settings)
    # uvicorn picks uvloop and httptools when they are installed (they are dependencies where
    # they build), asyncio and h11 otherwise; its access log is replaced by the batched one.
    uvicorn.run("governance.asgi:app", host=args.host, port=args.port, workers=args.workers,
                proxy_headers=True, log_level="info", access_log=False)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import uvicorn

    from governance import demo

    os.environ.setdefault("ASAMBLEA_DATABASE_URL", "sqlite:///asamblea-demo.db")
    os.environ.setdefault("ASAMBLEA_DATA_DIR", "asamblea-demo-data")
    os.environ["ASAMBLEA_SECURE_COOKIES"] = "0"  # plain http on the local machine
    os.environ.setdefault("ASAMBLEA_ACCESS_LOG", "0")  # the demo's terminal shows the logins
    settings = _settings()
    logins = demo.prepare(settings)
    print("Asamblea demo — logins:")
    for line in logins:
        print("  " + line)
    if args.no_serve:
        return 0
    print(f"Serving on http://{args.host}:{args.port}  (Ctrl+C stops)")
    uvicorn.run("governance.asgi:app", host=args.host, port=args.port, log_level="warning")
    return 0


def cmd_keys_generate(args: argparse.Namespace) -> int:
    from governance.results import keys

    public = keys.generate(_settings())
    print(f"Signing key created. Fingerprint (SHA-256 of the public key): {public.fingerprint}")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    from governance.results import keys

    public = keys.public_key(_settings())
    if public is None:
        raise CommandError("there is no signing key yet; run: asamblea keys generate")
    print(public.pem.decode(), end="")
    print(f"SHA-256 fingerprint: {public.fingerprint}")
    return 0


def cmd_export_audit(args: argparse.Namespace) -> int:
    from ballots.bundle import BundleError, write_bundle
    from governance.results import services

    settings = _settings()
    with _transaction(settings, write=False) as db:
        files = services.bundle_files(db, settings, args.poll_id)
    try:
        write_bundle(args.out, **files)
    except (BundleError, OSError) as exc:
        raise CommandError(str(exc)) from None
    print(f"Audit bundle of poll {args.poll_id} written to {args.out}")
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    from ballots.minutes import package_zip_bytes
    from governance import i18n
    from governance.db import utcnow
    from governance.minutes import services

    if args.lang not in i18n.LANGUAGES:
        raise CommandError(f"--lang must be one of {', '.join(i18n.LANGUAGES)}")
    settings = _settings()
    i18n.set_language(args.lang)
    with _transaction(settings) as db:
        minutes = services.draw_up(db, settings, args.assembly_id, args.lang, "cli", utcnow())
        data = package_zip_bytes(services.package(db, settings, args.assembly_id))
    out = Path(args.out or f"minutes-{args.assembly_id}.zip")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    print(f"Minutes of assembly {args.assembly_id} drawn up and signed (PDF SHA-256 "
          f"{minutes.pdf_sha256}); package written to {out}")
    print(f"Co-sign it offline: asamblea cosign {out} --key YOUR-KEY.pem --name NAME")
    return 0


def cmd_cosign(args: argparse.Namespace) -> int:
    from ballots import cosign

    return cosign.main(args.path, args.key, args.name, args.generate_key)


def cmd_backup(args: argparse.Namespace) -> int:
    from governance import backup

    settings = _settings()
    backup.backup(settings.database_url, Path(args.file))
    print(f"Backup written to {args.file}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from governance import backup

    settings = _settings()
    backup.restore(settings.database_url, Path(args.file))
    print(f"Database restored from {args.file}; verifying every signed result…")
    return _verify_results(settings)


def cmd_verify_results(args: argparse.Namespace) -> int:
    """Any database (a PostgreSQL one after pg_restore, too): every signed result and the
    audit trail's chain are checked again."""
    return _verify_results(_settings())


def _verify_results(settings) -> int:  # type: ignore[no-untyped-def]
    from governance import backup
    from governance.audit import services as audit

    with _transaction(settings, write=False) as db:
        checks = backup.verify_results(db, settings)
        trail = audit.verify_stored(db)
    for check in checks:
        mark = "ok" if check.ok else "FAILED: " + "; ".join(check.failures)
        print(f"  poll {check.poll_id} ({check.title}): {mark}")
    print(f"{sum(c.ok for c in checks)} of {len(checks)} signed results verify.")
    if trail.ok:
        print(f"The audit trail is whole: {trail.events} events, last hash {trail.head}")
    else:
        print("The audit trail is NOT whole: " + "; ".join(trail.problems[:10]))
    return 0 if all(c.ok for c in checks) and trail.ok else 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from governance.audit import services
    from governance.audit.chain import to_line

    target = Path(args.file)
    if target.exists():
        raise CommandError(f"{args.file} exists already; choose a new file")
    settings = _settings()
    written = 0
    with _transaction(settings, write=False) as db, target.open("xb") as out:
        for event in services.iter_export(
                lambda after: [services.export_event(e) for e in services.events_after(db, after)]):
            out.write(to_line(event))
            written += 1
    print(f"{written} audit events written to {args.file}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Offline: recompute the hash chain of an exported trail (JSON lines)."""
    from governance.audit.chain import read_lines, verify_chain

    try:
        with open(args.file, "rb") as handle:
            check = verify_chain(read_lines(handle))
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror}") from None
    except ValueError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    if args.head and check.head != args.head.lower():
        check = type(check)(False, check.events, [*check.problems,
                            f"the last hash is {check.head}, not the expected {args.head}"],
                            check.head)
    if check.ok:
        print(f"The audit trail is whole: {check.events} events, last hash {check.head}")
        return 0
    print(f"The audit trail is NOT whole ({check.events} events read):", file=sys.stderr)
    for problem in check.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def cmd_verify(args: argparse.Namespace) -> int:
    from ballots import verify_cli

    return verify_cli.main([args.path])


def _database(settings):  # type: ignore[no-untyped-def]
    from governance.db import Database

    _require_schema(settings)
    return Database(settings.database_url)


@contextmanager
def _transaction(settings, write: bool = True) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """One transaction on the configured database, whose connections are closed after it
    (a command run inside a test process must not leave them open)."""
    database = _database(settings)
    try:
        with database.transaction(write=write) as db:
            yield db
    finally:
        database.dispose()


def _require_schema(settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    from governance.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).has_table("alembic_version"):
            raise CommandError(
                f"the database {_shown_url(settings.database_url)} has no schema yet; "
                "run: asamblea db upgrade"
            )
    finally:
        engine.dispose()


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asamblea", description=__doc__.split(".")[0] + ".")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="create or reuse a demo database and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="prepare the data and stop")
    demo.set_defaults(run=cmd_demo)

    serve = sub.add_parser("serve", help="serve the app with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--upgrade", action="store_true", help="upgrade the database first")
    serve.set_defaults(run=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="migrate to the latest schema").set_defaults(run=cmd_db_upgrade)
    db.add_parser("check", help="fail if models and migrations differ").set_defaults(
        run=cmd_db_check)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user", required=True)
    create = user.add_parser("create", help="create a staff account")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["admin", "board", "committee", "auditor"])
    create.add_argument("--password-file", help="read the password from this file")
    create.set_defaults(run=cmd_user_create)
    for verb, text in (("disable", "disable a staff account and end its sessions at once"),
                       ("enable", "enable a disabled staff account again")):
        toggle = user.add_parser(verb, help=text)
        toggle.add_argument("--username", required=True)
        toggle.set_defaults(run=cmd_user_active)

    orgs = sub.add_parser("orgs", help="member registry").add_subparsers(dest="orgs", required=True)
    imp = orgs.add_parser("import", help="import or update organizations from CSV")
    imp.add_argument("file", metavar="FILE.csv")
    imp.set_defaults(run=cmd_orgs_import)

    keys = sub.add_parser("keys", help="the assembly's signing key").add_subparsers(
        dest="keys", required=True)
    keys.add_parser("generate", help="create the Ed25519 signing key (never overwrites)"
                    ).set_defaults(run=cmd_keys_generate)
    keys.add_parser("show", help="print the public key and its fingerprint").set_defaults(
        run=cmd_keys_show)

    export = sub.add_parser("export-audit", help="write the audit bundle of a closed poll")
    export.add_argument("poll_id", metavar="POLL_ID", type=int)
    export.add_argument("--out", required=True, metavar="DIR")
    export.set_defaults(run=cmd_export_audit)

    minutes = sub.add_parser("minutes", help="draw up and sign an assembly's minutes (PDF and "
                             "HTML) and write the package to verify and co-sign")
    minutes.add_argument("assembly_id", metavar="ASSEMBLY", type=int)
    minutes.add_argument("--lang", default="es", help="language of the minutes (es, en, pt, fr)")
    minutes.add_argument("--out", metavar="FILE.zip", help="where to write the package "
                         "(default minutes-ASSEMBLY.zip)")
    minutes.set_defaults(run=cmd_minutes)

    cosign = sub.add_parser("cosign", help="co-sign a result.json, or minutes, with your own "
                            "key, offline")
    cosign.add_argument("path", metavar="PATH", nargs="?",
                        help="result.json, or a bundle directory or .zip")
    cosign.add_argument("--key", metavar="KEY.pem", help="your Ed25519 private key (PEM)")
    cosign.add_argument("--name", default="", help="your name in the bundle's cosignatures/")
    cosign.add_argument("--generate-key", metavar="KEY.pem",
                        help="create a personal Ed25519 key in this file and stop")
    cosign.set_defaults(run=cmd_cosign)

    backup = sub.add_parser("backup", help="copy the SQLite database while it runs")
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(run=cmd_backup)
    restore = sub.add_parser("restore", help="restore a SQLite backup and verify its results")
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(run=cmd_restore)

    archive = sub.add_parser("archive", help="the archive of motions and positions")
    archive_sub = archive.add_subparsers(dest="archive", required=True)
    archive_import = archive_sub.add_parser(
        "import", help="load motions or historical positions (docs/archive-format.md)")
    archive_import.add_argument("file", metavar="FILE.json")
    archive_import.set_defaults(run=cmd_archive_import)
    archive_export = archive_sub.add_parser("export", help="write the public archive as JSON")
    archive_export.add_argument("--out", metavar="FILE.json", help="default: standard output")
    archive_export.set_defaults(run=cmd_archive_export)

    audit = sub.add_parser("audit", help="the audit trail of staff actions").add_subparsers(
        dest="audit", required=True)
    export_trail = audit.add_parser("export", help="write the whole trail as JSON lines")
    export_trail.add_argument("file", metavar="FILE")
    export_trail.set_defaults(run=cmd_audit_export)
    verify_trail = audit.add_parser("verify", help="check an exported trail's hash chain, offline")
    verify_trail.add_argument("file", metavar="FILE")
    verify_trail.add_argument("--head", metavar="HASH",
                              help="fail unless the last event's hash is this one (noted earlier)")
    verify_trail.set_defaults(run=cmd_audit_verify)

    verify_results = sub.add_parser(
        "verify-results", help="re-verify every signed result and the audit trail of the "
        "database (after a restore)")
    verify_results.set_defaults(run=cmd_verify_results)

    verify = sub.add_parser("verify", help="verify an audit bundle offline")
    verify.add_argument("path", metavar="PATH")
    verify.set_defaults(run=cmd_verify)
    return parser


def _terminal_language() -> str:
    """The operator's language from the POSIX locale (es_PE.UTF-8 → es, pt_BR → pt); English
    when it is not one of ours."""
    from governance.i18n import LANGUAGES

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.lower()[:2]
            return code if code in LANGUAGES else "en"
    return "en"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    if args.command not in ("verify", "cosign") and getattr(args, "audit", "") != "verify":
        from governance import i18n

        i18n.set_language(_terminal_language())
    try:
        return run(args)
    except CommandError as exc:
        print(f"asamblea: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into one line
        return _one_line(exc)


def _one_line(exc: Exception) -> int:
    from sqlalchemy.exc import OperationalError

    from governance import errors, i18n
    from governance.settings import SettingsError

    if isinstance(exc, errors.DomainError):
        print(f"asamblea: {i18n.gettext(exc.message, **exc.params)}", file=sys.stderr)
        return 1
    if isinstance(exc, SettingsError):
        print(f"asamblea: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, OperationalError | sqlite3.Error):
        orig = getattr(exc, "orig", None) or exc
        reason = (str(orig).strip().splitlines() or ["unknown error"])[0]
        print(f"asamblea: cannot use the database: {reason}", file=sys.stderr)
        return 1
    raise exc


if __name__ == "__main__":
    sys.exit(main())
