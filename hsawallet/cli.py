"""Command line (../shared/CLI.md). No business logic here: every command calls the core."""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import operator
import os
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hsawallet.vocab import AccountType, ClaimStatus, DocumentKind, ImportStatus

EXIT_OK, EXIT_USER, EXIT_LOCKED, EXIT_PARTIAL = 0, 1, 3, 4


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USER):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- argument types


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


def amount(value: str) -> Decimal:
    try:
        return Decimal(value.replace("$", "").replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"'{value}' is not an amount such as 42.17") from None


def id_list(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("--items takes item ids separated by commas, e.g. 4,7,9") from None


# ---------------------------------------------------------------- output


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str] | str | None = None) -> None:
    if args.json:
        out = json_bytes(data)
        stream = getattr(sys.stdout, "buffer", None)  # absent when stdout is a text stream only (captured)
        if stream is None:
            print(out.decode())
        else:  # the bytes as they are: decoding tens of megabytes only to encode them again costs
            sys.stdout.flush()
            stream.write(out + b"\n")
    elif callable(text):
        print(text(data))
    elif text is not None:
        print(text)


def json_bytes(data: Any) -> bytes:
    """json.dumps(data, indent=2, default=str), byte for byte, through orjson (the standard encoder's
    indented form is pure Python: seconds for tens of thousands of receipts). The standard one writes it
    when orjson's text could differ: non-ASCII (json escapes it), a number with an exponent (written
    1e-05 by json, 1e-5 by orjson), or data orjson refuses (non-string keys, surrogates). A NaN, which is
    not JSON, comes out null."""
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    try:
        out = orjson.dumps(data, default=str, option=options)
    except TypeError:  # orjson.JSONEncodeError
        out = b""
    if out and out.isascii() and out.translate(_DIGIT_E).find(b"0e") < 0:
        return out
    return json.dumps(data, indent=2, default=str).encode()


# Digits to 0, e and E to e, the rest to a space: "0e" then marks a digit before an e, as in an exponent
# (a regex search over the whole output costs more than the encoding).
_DIGIT_E = bytes(0x30 if 0x30 <= b <= 0x39 else 0x65 if b in (0x45, 0x65) else 0x20 for b in range(256))


Column = str | Callable[[dict[str, Any]], Any]  # a row's key, or what to show of the row


def emit_rows(args: argparse.Namespace, rows: list[dict[str, Any]], columns: dict[str, Column]) -> None:
    """``rows`` as JSON, or as a table of ``columns`` (heading -> the row's key, or a function of the row)."""
    cells = [operator.itemgetter(c) if isinstance(c, str) else c for c in columns.values()]
    emit(args, rows, lambda r: table([[cell(x) for cell in cells] for x in r], list(columns)))


def table(rows: list[list[Any]], headers: list[str]) -> str:
    from hsawallet.safeio import printable_name

    # A cell never breaks the table or reaches the terminal as a control sequence (file names).
    cells = [[("" if c is None else printable_name(str(c))) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(lines) if cells else "(none)"


# ---------------------------------------------------------------- vault access


def vault_path(args: argparse.Namespace) -> Path:
    from hsawallet.paths import resolve_vault_path

    return resolve_vault_path(args.vault)


def _prompt() -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass("Vault passphrase: ")


_opened: list = []  # closed when the command ends: the WAL is folded into the file and the lock let go


def open_vault(args: argparse.Namespace):
    from hsawallet.services import vault

    opened = vault.unlock(vault_path(args), passphrase=vault.passphrase_from_env(), prompt=_prompt, notify=_tell)
    _opened.append(opened)
    return opened


def _tell(message: str) -> None:
    """Waits and other notes while a command runs ("another import is running, waiting...")."""
    print(f"hsawallet: {message}", file=sys.stderr, flush=True)


def progress_bar(args: argparse.Namespace, total: int, unit: str):
    """A tqdm bar on a terminal for human output, else nothing."""
    if args.json or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, file=sys.stderr, leave=False)


# ---------------------------------------------------------------- commands


def cmd_init(args):
    from hsawallet.services import vault as vaults

    path = vault_path(args)
    if path.exists():
        raise CliError(f"A vault already exists at {path}; HSA Wallet never overwrites one.")
    passphrase = vaults.passphrase_from_env()
    if passphrase is None and (args.passphrase or not vaults.keychain_usable()):
        if not sys.stdin.isatty():
            raise CliError(
                "No usable OS keychain and no terminal to ask for a passphrase: set "
                "HSAWALLET_PASSPHRASE to create a passphrase vault."
            )
        passphrase = getpass.getpass("New vault passphrase: ")
        if passphrase != getpass.getpass("Repeat the passphrase: "):
            raise CliError("The two passphrases differ; nothing was created.")
    vault = vaults.create(path, passphrase=passphrase)
    vault.close()
    mode = "passphrase" if passphrase is not None else "keychain"
    emit(args, {"vault": str(path), "mode": mode}, f"Created a {mode} vault at {path}")


def cmd_gui(args):
    from hsawallet.ui.app import run

    return run(vault=args.vault)


def cmd_person(args):
    from hsawallet.services import people

    vault = open_vault(args)
    if args.person_cmd == "add":
        person = people.register_person(vault, name=args.name, dob=args.dob)
        emit(args, person_json(person), f"Added {person.name} (id {person.id})")
    elif args.person_cmd == "edit":
        changes = {"dob": args.dob} if "dob" in args else {}
        person = people.edit_person(vault, args.who, name=getattr(args, "new_name", None), **changes)
        emit(args, person_json(person), f"Saved {person.name} (id {person.id})")
    elif args.person_cmd == "remove":
        person = people.remove_person(vault, args.who)
        emit(args, person_json(person), f"Removed {person.name}; their documents stay in the vault.")
    else:
        with vault.session() as session:
            rows = [person_json(p) for p in people.list_people(session)]
        emit_rows(args, rows, {"id": "id", "name": "name", "dob": "dob"})


def person_json(p) -> dict:
    return {"id": p.id, "name": p.name, "dob": _d(p.dob)}


def _d(value):
    return value.isoformat() if value else None


def account_json(a) -> dict:
    return {
        "id": a.id,
        "name": a.name,
        "type": a.type,
        "plan_start": _d(a.plan_start),
        "plan_end": _d(a.plan_end),
        "grace_end": _d(a.grace_end),
        "carryover": None if a.carryover is None else str(a.carryover),
        "runout_end": _d(a.runout_end),
        "established": _d(a.established),
    }


def cmd_account(args):
    from hsawallet.services import people

    vault = open_vault(args)
    if args.account_cmd == "add":
        account = people.register_account(
            vault,
            name=args.name,
            type=args.type,
            plan_start=args.plan_start,
            plan_end=args.plan_end,
            grace_end=args.grace_end,
            carryover=args.carryover,
            runout_end=args.runout_end,
            established=args.established,
        )
        emit(args, account_json(account), f"Added {account.type.upper()} account {account.name} (id {account.id})")
    elif args.account_cmd == "edit":
        terms = {field: getattr(args, field) for field in people.ACCOUNT_TERMS if field in args}
        account = people.edit_account(vault, args.who, name=getattr(args, "new_name", None), **terms)
        emit(args, account_json(account), f"Saved account {account.name} (id {account.id})")
    elif args.account_cmd == "remove":
        account = people.remove_account(vault, args.who)
        emit(args, account_json(account), f"Removed account {account.name}.")
    else:
        with vault.session() as session:
            rows = [account_json(a) for a in people.list_accounts(session)]
        emit_rows(
            args,
            rows,
            {
                "id": "id",
                "name": "name",
                "type": "type",
                "plan start": "plan_start",
                "plan end": "plan_end",
                "run-out end": "runout_end",
            },
        )


def cmd_document(args):
    from hsawallet.services import documents

    vault = open_vault(args)
    if args.document_cmd == "remove":
        removed = documents.remove_document(vault, args.id)
        emit(
            args,
            {"id": removed.document_id, "file": removed.file_name, "removed": True},
            f"Removed document {removed.document_id} ({removed.file_name}).",
        )
    else:
        doc = documents.reclassify_document(vault, args.id, args.kind)
        emit(
            args,
            {"id": doc.id, "file": doc.file_name, "kind": doc.kind},
            f"Document {doc.id} ({doc.file_name}) is now read as a {doc.kind}.",
        )


def cmd_import(args):
    from hsawallet.services import documents, people

    vault = open_vault(args)
    with vault.session() as session:
        person_id = people.find_person(session, args.person).id if args.person else None
        account_id = people.find_account(session, args.account).id if args.account else None
    files = documents.expand_paths(args.paths)
    bar = progress_bar(args, len(files), "file")

    def progress(done, total, outcome):
        if args.json:
            print(json.dumps(outcome.as_json()), flush=True)
        elif bar is not None:
            if total != bar.total:  # an e-mail file counts as the documents it holds
                bar.total = total
            bar.update(done - bar.n)
            bar.write(_outcome_line(outcome))
        else:
            print(_outcome_line(outcome), flush=True)

    outcomes = documents.import_files(vault, args.paths, person_id=person_id, account_id=account_id, progress=progress)
    if bar is not None:
        bar.close()
    errors = sum(o.status == ImportStatus.ERROR for o in outcomes)
    if not args.json:
        imported = sum(o.status == ImportStatus.IMPORTED for o in outcomes)
        dupes = sum(o.status == ImportStatus.DUPLICATE for o in outcomes)
        print(f"{imported} imported, {dupes} duplicate, {errors} failed", file=sys.stderr)
    if not outcomes:
        raise CliError("No files to import at the given paths.")
    return EXIT_PARTIAL if errors else EXIT_OK


def _name(file_name: str | None) -> str:
    from hsawallet.safeio import printable_name

    return printable_name(file_name or "")


def _outcome_line(o) -> str:
    name = f"{_name(o.file)} (in {_name(o.container)})" if o.container and o.container != o.file else _name(o.file)
    if o.status == ImportStatus.ERROR:
        return f"error      {name}: {o.error}"
    return f"{o.status:<10} {name} -> document {o.document_id} ({o.kind or 'unknown'})"


def cmd_list(args):
    from hsawallet.services import records

    vault = open_vault(args)
    with vault.session() as session:
        if args.what == "documents":
            columns = {
                "id": "id",
                "file": "file",
                "kind": "kind",
                "pages": "pages",
                "status": "status",
                "imported": "imported_at",
            }
            emit_rows(args, records.list_documents(session), columns)
        elif args.what == "receipts":
            columns = {
                "id": "id",
                "doc": "document_id",
                "file": "file",
                "date": "date",
                "merchant": "merchant",
                "total": "total",
                "person": "person",
                "items": lambda x: len(x["items"]),
            }
            emit_rows(args, records.list_receipts(session), columns)
        else:
            columns = {
                "id": "id",
                "doc": "document_id",
                "file": "file",
                "patient": "patient_name",
                "provider": "provider_name",
                "issued": "issue_date",
                "valid through": "valid_through",
                "categories": lambda x: ",".join(x["categories"]),
                "missing": lambda x: ",".join(x["missing"]) or "complete",
            }
            emit_rows(args, records.list_letters(session), columns)


def cmd_show(args):
    from hsawallet.services import records

    vault = open_vault(args)
    with vault.session() as session:
        data = records.show_document(session, args.id)
    if data is None:
        raise CliError(f"There is no document {args.id}.")
    emit(args, data, lambda d: json.dumps(d, indent=2, default=str))


def cmd_set(args):
    from hsawallet.services import documents

    vault = open_vault(args)
    for assignment in args.assignments:
        if "=" not in assignment:
            raise CliError(f"'{assignment}' is not FIELD=VALUE.")
        field, value = assignment.split("=", 1)
        documents.set_field(vault, args.id, field.strip(), value)
    emit(args, {"document_id": args.id, "set": args.assignments}, f"Saved {len(args.assignments)} correction(s).")


def cmd_links(args):
    from hsawallet.services import records

    vault = open_vault(args)
    if args.recompute:
        from hsawallet.services import coverage

        coverage.recompute_links(vault)
    with vault.session() as session:
        rows = records.links_json(session)
    emit(
        args,
        rows,
        lambda r: (
            "\n".join(f"item {x['item_id']} ({_name(x['receipt_file'])}): {x['reason']}" for x in r)
            or "(no items that need a letter)"
        ),
    )


def cmd_link(args):
    from hsawallet.services import coverage, records

    vault = open_vault(args)
    if args.auto:
        coverage.clear_manual_link(vault, args.item)
    else:
        coverage.set_manual_link(vault, args.item, args.letter, force=args.force)
    with vault.session() as session:
        link = next((l for l in records.links_json(session) if l["item_id"] == args.item), None)
    emit(
        args,
        {
            "item_id": args.item,
            "letter_id": args.letter,
            "auto": args.auto,
            "status": link["status"] if link else None,
            "reason": link["reason"] if link else None,
            "outside_terms": link["outside_terms"] if link else [],
        },
        lambda d: f"Saved. {d['reason']}" if d["reason"] else "Saved.",
    )


def cmd_letter(args):
    from hsawallet.services import people, records

    vault = open_vault(args)
    people.assign_letter(vault, args.letter_id, None if args.none else args.person)
    with vault.session() as session:
        row = next((l for l in records.list_letters(session) if l["id"] == args.letter_id), None)
    emit(args, row, lambda r: f"Letter {r['id']} is for {r['person'] or 'no one in People'}.")


def cmd_check(args):
    from hsawallet.services import coverage, records

    vault = open_vault(args)
    with vault.session() as session:
        warnings = coverage.check(session, as_of=args.as_of)
        files = records.file_maps(
            session, {w.receipt_id for w in warnings if w.receipt_id}, {w.letter_id for w in warnings if w.letter_id}
        )
        dismissed = coverage.dismissed_keys(session)
        rows = [records.warning_json(session, w, files, dismissed) for w in warnings]
    emit(
        args,
        rows,
        lambda r: (
            "\n".join(f"[{x['severity']}] {x['message']}" + (" (dismissed)" if x["dismissed"] else "") for x in r)
            or "No warnings."
        ),
    )


def cmd_search(args):
    from hsawallet.services import documents

    vault = open_vault(args)
    with vault.session() as session:
        hits = documents.search(session, " ".join(args.query))
        docs = documents.documents_by_id(session, [h[0] for h in hits])
    rows = [{"document_id": i, "file": docs[i].file_name, "kind": docs[i].kind, "snippet": s} for i, s in hits]
    emit(
        args,
        rows,
        lambda r: "\n".join(f"{x['document_id']:>5}  {_name(x['file'])}: {x['snippet']}" for x in r) or "No matches.",
    )


def cmd_settings(args):
    from hsawallet import config

    vault = open_vault(args)
    if args.settings_cmd == "set":
        try:
            config.set_value(vault, args.key, args.value)
        except config.SettingError as exc:
            raise CliError(str(exc)) from None
    with vault.session() as session:
        values = config.all_values(session)
    emit(args, values, lambda v: "\n".join(f"{k} = {val}    # {config.OPTIONS[k].help}" for k, val in v.items()))


def cmd_backup(args):
    from hsawallet.services import vault as vaults

    vault = open_vault(args)
    report = vaults.backup(vault, out=Path(args.out))
    emit(
        args,
        {"backup": str(Path(args.out).resolve()), "documents_verified": report.documents_checked},
        f"Backup written and verified ({report.documents_checked} documents): {args.out}",
    )


def cmd_restore(args):
    from hsawallet.services import vault as vaults

    path = vault_path(args)
    kept = vaults.restore(
        Path(args.backup), to=path, passphrase=vaults.passphrase_from_env(), prompt=_prompt, force=args.force
    )
    emit(
        args,
        {"vault": str(path), "kept_aside": str(kept) if kept else None},
        f"Restored {args.backup} to {path}" + (f"; the previous vault is kept at {kept}" if kept else ""),
    )


def cmd_passwd(args):
    from hsawallet.services import vault as vaults

    vault = open_vault(args)
    new = os.environ.get("HSAWALLET_NEW_PASSPHRASE")
    if new is None and not args.keychain:
        if not sys.stdin.isatty():
            raise CliError("Set HSAWALLET_NEW_PASSPHRASE (or pass --keychain) to change the key without a terminal.")
        new = getpass.getpass("New passphrase: ")
        if new != getpass.getpass("Repeat the new passphrase: "):
            raise CliError("The two passphrases differ; the key was not changed.")
    vault = vaults.change_key(vault, new_passphrase=None if args.keychain else new)
    vault.close()
    mode = "keychain" if args.keychain else "passphrase"
    emit(args, {"vault": str(vault.path), "mode": mode}, f"The vault now opens with the new {mode} key only.")


def cmd_verify(args):
    from hsawallet.services import vault as vaults

    vault = open_vault(args)
    report = vaults.verify(vault)
    data = {
        "ok": report.ok,
        "cipher_errors": report.cipher_errors,
        "integrity_errors": report.integrity_errors,
        "documents_checked": report.documents_checked,
        "bad_documents": [{"id": i, "file": f} for i, f in report.bad_documents],
    }

    def text(d):
        if d["ok"]:
            return f"Vault OK: encryption, database structure and {d['documents_checked']} documents verified."
        lines = ["Vault problems found:"]
        lines += [f"  encryption: {e}" for e in d["cipher_errors"]]
        lines += [f"  database: {e}" for e in d["integrity_errors"]]
        lines += [
            f"  document {b['id']} ({_name(b['file'])}): bytes do not match their SHA-256" for b in d["bad_documents"]
        ]
        return "\n".join(lines)

    emit(args, data, text)
    return EXIT_OK if report.ok else EXIT_PARTIAL


# ---------------------------------------------------------------- claims (see hsawallet/services/claims.py)


def cmd_claim(args):
    from hsawallet.services import claims
    from hsawallet.services.records import jsonable

    vault = open_vault(args)
    if args.claim_cmd == "new":
        created = claims.new_claim(
            vault,
            account=args.account,
            person=args.person,
            date_from=args.date_from,
            date_to=args.date_to,
            item_ids=args.items,
            include_claimed=args.include_claimed,
        )
        emit(
            args,
            jsonable(created.claim) | {"left_out": jsonable(created.left_out)},
            lambda d: (
                f"Claim {d['id']}: {len(d['items'])} expense(s), total {d['total']}"
                + (f"\n{d['left_out']['message']}" if d["left_out"]["message"] else "")
            ),
        )
    elif args.claim_cmd == "list":
        columns = {
            "id": "id",
            "account": "account",
            "status": "status",
            "items": lambda x: len(x["items"]),
            "total": "total",
            "reimbursed": "reimbursed_amount",
        }
        emit_rows(args, jsonable(claims.list_claims(vault)), columns)
    elif args.claim_cmd == "export":
        pdf, zip_path = claims.export(vault, args.claim_id, Path(args.out), anyway=args.anyway)
        emit(args, {"claim_id": args.claim_id, "pdf": str(pdf), "zip": str(zip_path)}, f"Wrote {pdf}\nWrote {zip_path}")
    elif args.claim_cmd == "mark":
        data = jsonable(
            claims.mark(vault, args.claim_id, args.status, amount=args.amount, on=args.date, reason=args.reason)
        )
        emit(args, data, lambda d: f"Claim {d['id']} is now {d['status']}.")
    elif args.claim_cmd == "withdraw":
        data = jsonable(claims.withdraw(vault, args.claim_id))
        emit(args, data, lambda d: f"Claim {d['id']} is a draft again; its expenses stay in it.")
    elif args.claim_cmd == "delete":
        data = jsonable(claims.delete_claim(vault, args.claim_id))
        emit(
            args,
            {"deleted": data["id"], "claim": data},
            lambda d: f"Claim {d['deleted']} deleted; its {len(d['claim']['items'])} expense(s) can be claimed again.",
        )
    else:
        with vault.session() as session:
            data = jsonable(claims.shoebox(session))
        emit(args, data, lambda d: json.dumps(d, indent=2))


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    def global_options(**defaults) -> argparse.ArgumentParser:
        options = argparse.ArgumentParser(add_help=False)
        options.add_argument(
            "--vault", help="vault file (default: $HSAWALLET_VAULT or the platform data folder)", **defaults
        )
        options.add_argument("--json", action="store_true", help="machine-readable output", **defaults)
        options.add_argument("--debug", action="store_true", help="on an error, print where it happened", **defaults)
        return options

    top = global_options()
    # Accepted after the command too; a subcommand sets them only when given there, so that its
    # defaults do not undo "hsawallet --vault PATH --json list receipts".
    common = global_options(default=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="hsawallet",
        parents=[top],
        description="HSA Wallet: encrypted HSA/FSA receipts and letters of medical necessity",
    )
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("init", parents=[common], help="create a vault (refuses an existing file)")
    p.add_argument("--passphrase", action="store_true", help="use a passphrase even if a keychain is available")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("gui", parents=[common], help="the desktop app (the default)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("person", parents=[common], help="household members")
    s = p.add_subparsers(dest="person_cmd", required=True)
    a = s.add_parser("add", parents=[common])
    a.add_argument("name")
    a.add_argument("--dob", type=iso_date)
    s.add_parser("list", parents=[common])
    a = s.add_parser("edit", parents=[common], help="rename, or change the date of birth")
    a.add_argument("who", metavar="NAME|ID")
    a.add_argument("--name", dest="new_name", default=argparse.SUPPRESS)
    a.add_argument("--dob", type=iso_date, default=argparse.SUPPRESS)
    a = s.add_parser("remove", parents=[common], help="remove (refused while a claim names them)")
    a.add_argument("who", metavar="NAME|ID")
    p.set_defaults(func=cmd_person)

    p = sub.add_parser("account", parents=[common], help="HSA/FSA/HRA accounts")
    s = p.add_subparsers(dest="account_cmd", required=True)

    def account_terms(a: argparse.ArgumentParser, *, edit: bool = False) -> None:
        # edit: a term not given is absent from the namespace (SUPPRESS), so only the options given change
        unset: dict[str, Any] = {"default": argparse.SUPPRESS} if edit else {}
        a.add_argument("--type", choices=[t.value for t in AccountType], required=not edit, **unset)
        a.add_argument("--plan-start", type=iso_date, **unset)
        a.add_argument("--plan-end", type=iso_date, **unset)
        g = a.add_mutually_exclusive_group()
        g.add_argument("--grace-end", type=iso_date, **unset)
        g.add_argument("--carryover", type=amount, **unset)
        a.add_argument("--runout-end", type=iso_date, **unset)
        a.add_argument("--established", type=iso_date, **unset)

    a = s.add_parser("add", parents=[common])
    a.add_argument("name")
    account_terms(a)
    s.add_parser("list", parents=[common])
    a = s.add_parser("edit", parents=[common], help="rename, or change the plan terms given")
    a.add_argument("who", metavar="NAME|ID")
    a.add_argument("--name", dest="new_name", default=argparse.SUPPRESS)
    account_terms(a, edit=True)
    a = s.add_parser("remove", parents=[common], help="remove (refused while it holds claims)")
    a.add_argument("who", metavar="NAME|ID")
    p.set_defaults(func=cmd_account)

    p = sub.add_parser("document", parents=[common], help="remove a document, or say what it is")
    s = p.add_subparsers(dest="document_cmd", required=True)
    a = s.add_parser("remove", parents=[common], help="remove (refused while a claim relies on it)")
    a.add_argument("id", type=int)
    a = s.add_parser("reclassify", parents=[common], help="read it again as a receipt, letter or other")
    a.add_argument("id", type=int)
    a.add_argument("kind", choices=[k.value for k in DocumentKind])
    p.set_defaults(func=cmd_document)

    p = sub.add_parser(
        "import", parents=[common], help="import files or folders (recursive); an .eml or .mbox gives its attachments"
    )
    p.add_argument("paths", nargs="+")
    p.add_argument("--person")
    p.add_argument("--account")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", parents=[common], help="list documents, receipts or letters")
    p.add_argument("what", choices=["documents", "receipts", "letters"])
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", parents=[common], help="one document with what was read from it")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("set", parents=[common], help="correct extracted fields (kept as user edits)")
    p.add_argument("id", type=int, help="document id")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("links", parents=[common], help="line item -> letter links, with the reason")
    p.add_argument(
        "--recompute",
        action="store_true",
        help="relink every item of the vault first (changes relink only what they touch)",
    )
    p.set_defaults(func=cmd_links)
    p = sub.add_parser("link", parents=[common], help="link an item to a letter by hand (or unlink)")
    p.add_argument("item", type=int)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--letter", type=int)
    g.add_argument("--none", dest="letter", action="store_const", const=None)
    g.add_argument("--auto", action="store_true", help="forget the manual choice")
    p.add_argument(
        "--force",
        action="store_true",
        help="link even outside the letter's terms (category, dates, patient); the link is marked so",
    )
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("letter", parents=[common], help="whose letter this is")
    s = p.add_subparsers(dest="letter_cmd", required=True)
    a = s.add_parser("assign", parents=[common], help="assign a letter to a person in People")
    a.add_argument("letter_id", type=int)
    g = a.add_mutually_exclusive_group(required=True)
    g.add_argument("person", nargs="?", help="name or id from People")
    g.add_argument("--none", action="store_true", help="forget the assignment (match the printed name again)")
    p.set_defaults(func=cmd_letter)

    p = sub.add_parser("check", parents=[common], help="warnings")
    p.add_argument("--as-of", type=iso_date)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("search", parents=[common], help="full-text search in the documents")
    p.add_argument("query", nargs="+")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("claim", parents=[common], help="claims")
    s = p.add_subparsers(dest="claim_cmd", required=True)
    a = s.add_parser("new", parents=[common])
    a.add_argument("--account", required=True)
    a.add_argument("--person")
    a.add_argument("--from", dest="date_from", type=iso_date)
    a.add_argument("--to", dest="date_to", type=iso_date)
    a.add_argument("--items", type=id_list)
    a.add_argument(
        "--include-claimed",
        action="store_true",
        help="also take expenses already in another claim that is not denied (recorded on the claim)",
    )
    s.add_parser("list", parents=[common])
    a = s.add_parser("export", parents=[common])
    a.add_argument("claim_id", type=int)
    a.add_argument("--out", required=True)
    a.add_argument(
        "--anyway",
        action="store_true",
        help="export although a letter the claim uses is unsigned or incomplete (the cover says so)",
    )
    a = s.add_parser("mark", parents=[common])
    a.add_argument("claim_id", type=int)
    a.add_argument("status", choices=[s.value for s in ClaimStatus])
    a.add_argument("--amount", type=amount)
    a.add_argument("--date", type=iso_date, help="the day it happened (default: today)")
    a.add_argument("--reason")
    a = s.add_parser("withdraw", parents=[common], help="a submitted claim goes back to draft")
    a.add_argument("claim_id", type=int)
    a = s.add_parser("delete", parents=[common], help="delete a draft claim")
    a.add_argument("claim_id", type=int)
    s.add_parser("shoebox", parents=[common])
    p.set_defaults(func=cmd_claim)

    p = sub.add_parser("settings", parents=[common], help="preferences")
    s = p.add_subparsers(dest="settings_cmd", required=True)
    s.add_parser("list", parents=[common])
    a = s.add_parser("set", parents=[common])
    a.add_argument("key")
    a.add_argument("value")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("backup", parents=[common], help="an encrypted copy, verified after writing")
    p.add_argument("out")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="the backup becomes the vault")
    p.add_argument("backup")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("passwd", parents=[common], help="change the vault key")
    p.add_argument("--keychain", action="store_true", help="switch to a new random key in the OS keychain")
    p.set_defaults(func=cmd_passwd)
    p = sub.add_parser("verify", parents=[common], help="check encryption, structure and every document")
    p.set_defaults(func=cmd_verify)
    return parser


# A command other than the GUI is one burst of many small objects (imports, rows, JSON) that reference
# counting frees: the cycle collector at its default pace (a pass every 700 new objects, and now and then
# over every survivor) took about a fifth of `list receipts --json` at 50k receipts. It still runs, less often.
COMMAND_GC_THRESHOLD = (100_000, 50, 50)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every error ends as one line on stderr and an exit code (a traceback only
    with --debug)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args.func = cmd_gui
    pace = gc.get_threshold()
    if args.func is not cmd_gui:
        gc.set_threshold(*COMMAND_GC_THRESHOLD)
    try:
        return _run(args)
    finally:
        gc.set_threshold(*pace)  # main() may run in a longer process (tests, benches)


def _run(args: argparse.Namespace) -> int:
    try:
        try:
            return args.func(args) or EXIT_OK
        finally:
            while _opened:
                _opened.pop().close()
            sys.stdout.flush()  # a closed pipe (| head) surfaces here, inside the handler
    except BaseException as exc:  # noqa: BLE001 - the one place every error is turned into a message
        return _report_failure(args, exc)


def _report_failure(args: argparse.Namespace, exc: BaseException) -> int:
    from hsawallet.ingest.model import IngestError
    from hsawallet.services.errors import UserError, describe_failure, safe_traceback
    from hsawallet.services.vault import VaultBusyError, VaultError, VaultLockedError

    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, BrokenPipeError):  # the reader of our output went away: nothing left to tell
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_USER
    if getattr(args, "debug", False):
        print(safe_traceback(exc), file=sys.stderr)
    if isinstance(exc, KeyboardInterrupt):
        print("hsawallet: interrupted", file=sys.stderr)
        return 130
    if isinstance(exc, VaultLockedError):
        message, code = str(exc), EXIT_LOCKED
    elif isinstance(exc, CliError):
        message, code = str(exc), exc.code
    elif isinstance(exc, (UserError, VaultError, IngestError, VaultBusyError)):
        message, code = str(exc), EXIT_USER
    else:
        try:
            path = vault_path(args)
        except Exception:  # noqa: BLE001 - the message is still useful without the path
            path = None
        failure = describe_failure(exc, path)
        message, code = failure.message, EXIT_LOCKED if failure.damaged else EXIT_USER
        if failure.internal and not getattr(args, "debug", False):
            message += " Run the command again with --debug for details."
    print(f"hsawallet: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
