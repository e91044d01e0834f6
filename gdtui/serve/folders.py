"""The names of the files and folders in a ``gdtui serve`` root, in one place that imports
nothing: the server (users.py) and the teacher's view (classroom.py) both read them, and the
view must not load the SSH library. users.py says what each one holds."""

HOST_KEY_NAME = "ssh_host_ed25519_key"
AUTHORIZED_KEYS_NAME = "authorized_keys"
BOUND_KEY_NAME = "ssh_key"
USERS, GUESTS = "users", "guests"
ONLINE = "online"
"""One status file per live session, written by the server (presence.py)."""
