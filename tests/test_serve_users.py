"""The files of gdtui serve: learners' folders, the key that owns a name, host and allowed keys."""

from __future__ import annotations

import stat

import asyncssh
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdtui.serve.users import (
    ServeSetupError,
    bind_key,
    bound_key,
    fingerprint,
    folder_name,
    load_host_key,
    one_line,
    prepare_root,
    printable,
    read_authorized_keys,
    user_dir,
)

names = st.text(max_size=300)


def test_plain_names_are_kept_and_others_get_a_hash():
    assert folder_name("alice") == "alice"
    assert folder_name("a_b-2") == "a_b-2"
    changed = folder_name("a.b")
    assert changed.startswith("a_b.") and changed != folder_name("a_b")
    assert folder_name("Alice") != folder_name("alice")  # apart even where case is ignored
    for odd in ("", ".", "..", "../../etc", "/", "a/b", "x" * 500, "é", "a\x00b", "a\nb"):
        name = folder_name(odd)
        assert name not in {"", ".", ".."} and "/" not in name and "\x00" not in name
        assert len(name) <= 80 and not name.startswith(".")


@given(names)
def test_any_name_stays_inside_the_root(tmp_path_factory, name):
    root = tmp_path_factory.mktemp("root")
    folder = user_dir(root, name)
    assert folder.parent == root / "users"
    assert folder.resolve().parent == (root / "users").resolve()
    assert folder.is_dir()


@given(names, names)
def test_distinct_names_get_distinct_folders(first, second):
    if first != second:
        assert folder_name(first) != folder_name(second)


def test_guests_and_key_holders_have_separate_trees(tmp_path):
    assert user_dir(tmp_path, "ann", guest=True) != user_dir(tmp_path, "ann")
    assert user_dir(tmp_path, "ann", guest=True).parent.name == "guests"
    assert stat.S_IMODE(user_dir(tmp_path, "ann").stat().st_mode) == 0o700


def test_folders_are_only_made_when_asked(tmp_path):
    folder = user_dir(tmp_path, "zoe", create=False)
    assert not folder.exists()


def test_printable_escapes_and_shortens():
    assert printable("a\nb") == repr("a\nb")
    assert len(printable("x" * 500)) < 80


def test_client_text_in_the_log_stays_on_one_line():
    assert one_line("evil\n2026-01-01 fake line") == "evil\\n2026-01-01 fake line"
    assert len(one_line("x" * 1000)) <= 201


def test_the_first_key_owns_a_name(tmp_path):
    folder = user_dir(tmp_path, "ann")
    assert bound_key(folder) is None
    assert bind_key(folder, "SHA256:first")
    assert bind_key(folder, "SHA256:first")  # the same key again: still hers
    assert not bind_key(folder, "SHA256:second")
    assert bound_key(folder) == "SHA256:first"
    assert stat.S_IMODE((folder / "ssh_key").stat().st_mode) == 0o600


def test_the_host_key_is_made_once_private_and_reused(tmp_path):
    root = prepare_root(tmp_path / "serve")
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    key = load_host_key(root)
    path = root / "ssh_host_ed25519_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.algorithm == b"ssh-ed25519"
    again = load_host_key(root)
    assert fingerprint(again) == fingerprint(key)
    path.chmod(0o644)
    assert fingerprint(load_host_key(root)) == fingerprint(key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_host_key_is_a_clear_error(tmp_path):
    (tmp_path / "ssh_host_ed25519_key").write_text("not a key")
    with pytest.raises(ServeSetupError, match="damaged"):
        load_host_key(tmp_path)


def test_a_root_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ServeSetupError, match="is a file"):
        prepare_root(tmp_path / "file")


def test_authorized_keys_are_read_and_bad_lines_reported(tmp_path):
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(2)]
    path = tmp_path / "authorized_keys"
    lines = ["# the class of 2025", keys[0].export_public_key().decode().strip(), "",
             "ssh-ed25519 garbage", keys[1].export_public_key().decode().strip()]
    path.write_text("\n".join(lines) + "\n")
    allowed, count, bad, listed, _named = read_authorized_keys(path)
    assert count == 2 and bad == [4]
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    assert allowed.validate(keys[1].convert_to_public(), "h", "127.0.0.1") is not None
    assert allowed.validate(stranger.convert_to_public(), "h", "127.0.0.1") is None
    assert listed == {key.convert_to_public().public_data for key in keys}


def test_a_key_with_options_is_listed_even_where_its_options_refuse_it(tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / "authorized_keys"
    public = key.export_public_key().decode().strip()
    path.write_text(f'from="10.9.9.9,192.168.1.0/24",no-pty,environment="A=b c" {public}\n')
    found = read_authorized_keys(path)
    assert found.allowed.validate(key.convert_to_public(), "h", "127.0.0.1") is None
    assert found.allowed.validate(key.convert_to_public(), "h", "10.9.9.9") is not None
    assert found.listed == {key.convert_to_public().public_data}


@pytest.mark.parametrize("text", [None, "", "# only a comment\n", "not a key\n"])
def test_no_usable_key_says_how_to_add_one_or_use_open(tmp_path, text):
    path = tmp_path / "authorized_keys"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ServeSetupError, match="--open") as caught:
        read_authorized_keys(path)
    assert caught.value.exit_code == 2


def test_a_key_line_names_its_holder_by_its_comment(tmp_path):
    teacher, other = (asyncssh.generate_private_key("ssh-ed25519") for _ in range(2))
    path = tmp_path / "authorized_keys"
    words = teacher.export_public_key().decode().split()[:2]
    path.write_text(f'no-pty,environment="A=b c" {" ".join(words)} ann@laptop\n'
                    + " ".join(other.export_public_key().decode().split()[:2]) + "\n")
    found = read_authorized_keys(path)
    public = teacher.convert_to_public().public_data
    assert found.named == {"ann@laptop": {public}, "ann": {public}}


def test_only_a_teachers_gdtui_is_given_the_class_screen(tmp_path):
    from gdtui.serve.child import child_command

    learner = child_command(tmp_path / "users" / "ann", ["--no-mouse"], tmp_path / "a.area")
    teacher = child_command(tmp_path / "users" / "teach", ["--no-mouse"], tmp_path / "t.area",
                            class_root=tmp_path)
    assert "--class-root" not in learner and learner[-2:] == ["--area-file",
                                                              str(tmp_path / "a.area")]
    assert teacher[-2:] == ["--class-root", str(tmp_path)]
