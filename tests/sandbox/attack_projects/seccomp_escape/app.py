import ctypes
import os

from _serve import attempt, healthz, serve

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


def call(name, *args):
    result = getattr(libc, name)(*args)
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return result


def escape():
    return {
        "unshare_user": attempt(lambda: call("unshare", CLONE_NEWUSER)),
        "unshare_net": attempt(lambda: call("unshare", CLONE_NEWNET)),
        "mount_tmpfs": attempt(lambda: call("mount", b"none", b"/tmp", b"tmpfs", 0, None)),
        "ptrace_attach_1": attempt(lambda: call("ptrace", 16, 1, None, None)),
    }


serve({"/healthz": healthz, "/report": escape})
