"""A seccomp deny-list, compiled to classic BPF with libseccomp and handed to bubblewrap (`--seccomp FD`).

The sandbox gets everything a Python web service needs; what is denied is the kernel surface
a service never uses and an escape would: mounting, namespaces, tracing other processes,
kernel modules, keyrings, BPF, io_uring and the like. `clone3` answers ENOSYS so glibc falls
back to `clone`, whose namespace flags a filter can inspect.
"""

from __future__ import annotations

import errno
import os

DENIED = (
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsmount",
    "fspick",
    "mount_setattr",
    "unshare",
    "setns",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "open_by_handle_at",
    "name_to_handle_at",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "quotactl",
    "syslog",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "fanotify_init",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "mknod",
    "mknodat",
    "personality",
)
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)


def availability() -> tuple[bool, str]:
    """Whether a filter can be compiled here, and why not."""
    try:
        import pyseccomp

        pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    except (ImportError, OSError, RuntimeError, AttributeError) as exc:
        hint = "pip install pyseccomp; apt-get install libseccomp2"
        return False, f"libseccomp via pyseccomp is unavailable ({exc}): {hint}"
    return True, f"deny-list of {len(DENIED)} syscalls plus namespace flags of clone, via libseccomp"


def compile_filter() -> int:
    """Return a file descriptor positioned at the start of the BPF program (caller closes it)."""
    import pyseccomp as sc

    syscall_filter = sc.SyscallFilter(sc.ALLOW)
    for name in DENIED:
        try:
            syscall_filter.add_rule(sc.ERRNO(errno.EPERM), name)
        except (ValueError, RuntimeError, OSError):
            continue  # a syscall this architecture does not have
    syscall_filter.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in NAMESPACE_FLAGS:
        syscall_filter.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    fd = os.memfd_create("prodready-seccomp", 0)
    with os.fdopen(os.dup(fd), "wb") as handle:
        syscall_filter.export_bpf(handle)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
