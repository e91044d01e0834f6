"""The files of ``gdtui serve``: the server's folder, one folder per learner, and the SSH keys.

    <root>/ssh_host_ed25519_key     the server's host key, made on first start (mode 0600)
    <root>/authorized_keys          who may log in (OpenSSH format), unless --open
    <root>/users/<name>/            a learner's progress (gdtui.db) and ``ssh_key``, the
                                    fingerprint of the key that owns the name
    <root>/guests/<name>/           progress of guests who came in with --open
    <root>/online/                  a status file per live session, for the teacher's view

Guests get their own tree so that running the server with --open on the same root never hands
a key holder's progress to anyone who types their name.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import NamedTuple

import asyncssh

from gdtui.serve.folders import (  # noqa: F401 (users.X is how the server names them)
    AUTHORIZED_KEYS_NAME,
    BOUND_KEY_NAME,
    GUESTS,
    HOST_KEY_NAME,
    USERS,
)

MAX_NAME_LENGTH = 64
HASH_LENGTH = 12
# Lower-case ASCII letters, digits, - and _ are kept. Upper case is lowered (and marked as a
# change) so that 'Ann' and 'ann' stay apart on a case-insensitive file system.
_KEPT = re.compile(r"[a-z0-9_-]")


class ServeSetupError(Exception):
    """The server cannot start; the message says why and what to do."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def folder_name(user_name: str) -> str:
    """The folder for an SSH user name: safe as one path component, distinct for distinct names.

    A name made only of a-z, 0-9, - and _ (at most 64 of them) is used as it is. Any other name
    has its other characters replaced by '_', is cut to 64 and gets '.' and a hash of the original
    name: 'a.b' -> 'a_b.5d1d2b…'. A kept name never contains '.', so the two kinds never meet.
    """
    kept = "".join(ch if _KEPT.fullmatch(ch) else "_" for ch in user_name.lower())
    if kept == user_name and 0 < len(kept) <= MAX_NAME_LENGTH:
        return kept
    digest = hashlib.sha256(user_name.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kept[:MAX_NAME_LENGTH] or '_'}.{digest[:HASH_LENGTH]}"


def printable(user_name: str) -> str:
    """The user name as it goes into a log line: quoted, escaped, at most 64 characters."""
    shown = user_name if len(user_name) <= MAX_NAME_LENGTH else user_name[:MAX_NAME_LENGTH] + "…"
    return repr(shown)


def one_line(text: str, limit: int = 200) -> str:
    """Text from a client made safe for a log line: control characters escaped, length capped."""
    safe = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return safe if len(safe) <= limit else safe[:limit] + "…"


def user_dir(root: Path, user_name: str, *, guest: bool = False, create: bool = True) -> Path:
    """The learner's folder under ``root``, where their gdtui.db lives (created, private)."""
    folder = root / (GUESTS if guest else USERS) / folder_name(user_name)
    if create:
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def bound_key(folder: Path) -> str | None:
    """The fingerprint of the key that owns this learner's folder, or None if none does yet."""
    try:
        return (folder / BOUND_KEY_NAME).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def bind_key(folder: Path, fingerprint: str) -> bool:
    """Give the folder to ``fingerprint`` if no key owns it yet; True if that key owns it now.

    The file is created exclusively, so of two first logins at the same moment only one wins.
    """
    path = folder / BOUND_KEY_NAME
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bound_key(folder) == fingerprint
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(fingerprint + "\n")
    return True


def prepare_root(root: Path) -> Path:
    """Create the server's folder (private) if needed; ServeSetupError if it cannot be used."""
    root = root.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise ServeSetupError(f"{root} is a file, not a folder: give --root a folder")
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = root / ".gdtui-serve-probe"
        probe.touch()
        probe.unlink()
    except OSError as error:
        problem = f"cannot use {root} as the server's folder: {error.strerror}"
        raise ServeSetupError(problem) from None
    return root


def load_host_key(root: Path) -> asyncssh.SSHKey:
    """The server's host key: read from the root, or made (ed25519) and saved there on first start.

    The file is written with mode 0600 from the start, never readable by others even briefly.
    """
    path = root / HOST_KEY_NAME
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="gdtui serve")
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server made it meanwhile: use theirs
            return load_host_key(root)
        except OSError as error:
            raise ServeSetupError(f"cannot write the host key {path}: {error.strerror}") from None
        with os.fdopen(handle, "wb") as file:
            file.write(key.export_private_key())
        return key
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # like sshd, never leave a host key readable by others
        return asyncssh.read_private_key(path)
    except OSError as error:
        raise ServeSetupError(f"cannot read the host key {path}: {error.strerror}") from None
    except (asyncssh.KeyImportError, ValueError) as error:
        raise ServeSetupError(
            f"the host key {path} is damaged ({error}): move it away and a new one is made"
        ) from None


class AuthorizedKeys(NamedTuple):
    """What the authorized keys file says."""

    allowed: asyncssh.SSHAuthorizedKeys
    """The keys with their options (``from=`` ...), as asyncssh checks them."""
    count: int
    bad_lines: list[int]
    """Numbers of the lines that are not keys."""
    listed: frozenset[bytes]
    """Every key the file names, whatever its options: to tell "not listed" from "refused by
    its options" in the log."""
    named: dict[str, frozenset[bytes]] = {}
    """The keys by the name their line ends with ('ann', or 'ann' of 'ann@laptop'): how a
    --teacher is known."""


def _listed_key(line: str) -> tuple[bytes, str] | None:
    """(the key, the comment after it) of a good line."""
    # The key is the first "type base64" pair on the line that reads as a key; options come
    # before it, and may hold quoted spaces, so try each pair of words.
    words = line.split()
    for at, (first, second) in enumerate(zip(words, words[1:], strict=False)):
        try:
            key = asyncssh.import_public_key(f"{first} {second}").public_data
        except (asyncssh.KeyImportError, ValueError):
            continue
        return key, " ".join(words[at + 2:])
    return None


def _names(comment: str) -> set[str]:
    return {comment, comment.split("@", 1)[0]} if comment else set()


def read_authorized_keys(path: Path) -> AuthorizedKeys:
    """The keys allowed to log in, how many there are, and the numbers of lines that are not keys.

    ServeSetupError when none can be read: a missing or empty file (or one with no good line)
    exits with code 2 and says how to add a key or use --open.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a text file"
        raise ServeSetupError(f"cannot read the authorized keys file {path}: {reason}") from None
    good, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            asyncssh.import_authorized_keys(line)
            good.append(line)
        except (asyncssh.KeyImportError, ValueError):
            bad.append(number)
    if not good:
        problem = f"no usable key in {path}" if bad else f"no keys in {path}"
        raise ServeSetupError(
            f"{problem}: add the learners' public keys to it, one a line "
            f"(for example: cat ~/.ssh/id_ed25519.pub >> {path}), "
            "or pass --open to let anyone in as a guest",
            exit_code=2,
        )
    found = [pair for pair in map(_listed_key, good) if pair is not None]
    named: dict[str, set[bytes]] = {}
    for key, comment in found:
        for name in _names(comment):
            named.setdefault(name, set()).add(key)
    return AuthorizedKeys(asyncssh.import_authorized_keys("\n".join(good)), len(good), bad,
                          frozenset(key for key, _comment in found),
                          {name: frozenset(keys) for name, keys in named.items()})


def fingerprint(key: asyncssh.SSHKey) -> str:
    """The key's SHA256 fingerprint, as ``ssh-keygen -l`` prints it."""
    return key.get_fingerprint("sha256")
