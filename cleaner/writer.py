"""Writing inside the output folder: one safe way to create a file there, the atomic writer, checkpoints.

Every file a run writes (outputs, their temporary files and checkpoints, the
audit log, the rejects file, the report) is created through a :class:`Folder`:

* the folders below the output folder are opened one by one without
  following symbolic links (a link planted there cannot lead a write out of
  the folder), and created when missing;
* a file is always created new (``O_CREAT | O_EXCL | O_NOFOLLOW``) under a
  temporary name and renamed into place: an existing file, link or hard
  link at the target is replaced, never written through;
* names stay within the file system's limit (:func:`fit_name`): a 255-byte
  input name still gets its output and temporary files.

:class:`AtomicWriter` writes one output that way; :func:`read_checkpoint`
reads what a resumable writer recorded before a run was interrupted
(``--resume``). POSIX only (``dir_fd``, ``O_NOFOLLOW``).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gzip
import hashlib
import io
import json
import os
import secrets
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

NAME_MAX = 255  # bytes in a file name (ext4, xfs, btrfs, tmpfs ...)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def fit_name(head: str, tail: str = "", limit: int = NAME_MAX) -> str:
    """``head + tail`` when it fits in ``limit`` bytes; else ``head`` cut short, ``~`` and a hash of the whole
    ``head`` (so that two long names stay apart), then ``tail``. Deterministic: ``--resume`` finds it again."""
    name = head + tail
    raw = os.fsencode(name)
    if len(raw) <= limit:
        return name
    digest = "~" + hashlib.sha1(os.fsencode(head)).hexdigest()[:12]
    room = limit - len(os.fsencode(tail)) - len(digest)
    cut = os.fsencode(head)[: max(room, 1)]
    while cut and (cut[-1] & 0xC0) == 0x80:  # do not cut a UTF-8 sequence in two
        cut = cut[:-1]
    if cut and cut[-1] >= 0xC0:
        cut = cut[:-1]
    return os.fsdecode(cut) + digest + tail


def side_name(name: str, tag: str) -> str:
    """The name of a file that goes with ``name`` (``.NAME.TAG``), hidden and within the name limit."""
    return fit_name(f".{name}", f".{tag}")


class RefusedPath(OSError):
    """A path the run will not write through (a symbolic link, a hard link, not a folder)."""


def _refused(exc: OSError, path: Path) -> OSError:
    """``exc`` said plainly when it is a link met where none may be (ELOOP from O_NOFOLLOW, ENOTDIR)."""
    if exc.errno in (errno.ELOOP, errno.EMLINK):
        return RefusedPath(exc.errno, "a symbolic link: never written through", str(path))
    if exc.errno == errno.ENOTDIR:
        return RefusedPath(exc.errno, "not a folder (a file or a link is in the way)", str(path))
    return exc


class Folder:
    """A folder at ``root / rel`` opened for writing: ``root`` as given (the user's output folder, which may be
    a link they chose), every part of ``rel`` without following links. Created when missing."""

    def __init__(self, root: Path, rel: Path = Path()) -> None:
        self.root = root
        self.path = root / rel
        self.rel = rel
        self._fd: int | None = None

    def fd(self) -> int:
        """The open folder (opened, and created, on first use)."""
        if self._fd is None:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root, _DIR_FLAGS)
            try:
                here = self.root
                for part in self.rel.parts:
                    here = here / part
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, dir_fd=fd)
                    try:
                        child = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
                    except OSError as exc:
                        raise _refused(exc, here) from exc
                    os.close(fd)
                    fd = child
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        return self._fd

    def create(self, name: str, *, mode: int = 0o666) -> int:
        """A new file ``name`` (an existing file or link of that name is removed first, never followed; anything
        else there, a folder, a device or a FIFO, is refused)."""
        try:
            st = os.stat(name, dir_fd=self.fd(), follow_symlinks=False)
        except FileNotFoundError:
            pass
        else:
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                raise RefusedPath(errno.EEXIST, "in the way: not a regular file", str(self.path / name))
            os.unlink(name, dir_fd=self.fd())
        return self._new(name, mode)

    def create_temp(self, name: str, tag: str = "part") -> tuple[int, str]:
        """A new temporary file for ``name`` (``.NAME.RANDOM.part``): its descriptor and name."""
        while True:
            tmp = fit_name(f".{name}", f".{secrets.token_hex(4)}.{tag}")
            with contextlib.suppress(FileExistsError):
                return self._new(tmp, 0o666), tmp

    def _new(self, name: str, mode: int) -> int:
        try:
            return os.open(name, _NEW_FLAGS, mode, dir_fd=self.fd())
        except OSError as exc:
            raise _refused(exc, self.path / name) from exc

    def open_existing(self, name: str, flags: int = os.O_RDONLY) -> int:
        """Open the regular file ``name`` (a link is refused; for writing, a hard link too: it is another file)."""
        try:
            fd = os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self.fd())
        except OSError as exc:
            raise _refused(exc, self.path / name) from exc
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (flags & (os.O_WRONLY | os.O_RDWR) and st.st_nlink > 1):
            os.close(fd)
            raise RefusedPath(errno.EPERM, "not a regular file of its own (a hard link or a device)",
                              str(self.path / name))
        return fd

    def is_file(self, name: str) -> bool:
        """Whether ``name`` is a regular file here (a link is not)."""
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=self.fd(), follow_symlinks=False).st_mode)
        except OSError:
            return False

    def replace(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst`` in this folder (what was at ``dst``, link or not, is replaced)."""
        fd = self.fd()
        try:
            os.replace(src, dst, src_dir_fd=fd, dst_dir_fd=fd)
        except OSError as exc:
            raise _refused(exc, self.path / dst) from exc

    def unlink(self, name: str) -> None:
        """Remove ``name`` (nothing when it is not there)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=self.fd())

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Busy(OSError):
    """A file or folder another run is writing (it holds the lock)."""


def lock_file(fd: int) -> None:
    """Lock the open file or folder ``fd`` for this run (released when it is closed, or the process ends, however
    it ends); :class:`Busy` when another run holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise Busy(exc.errno, "another clean run is writing it") from exc


_HELD: dict[tuple[int, int], list[int]] = {}  # the folders this process has locked: (device, inode) -> [fd, holds]


def lock_folder(path: Path) -> int:
    """Create ``path`` if needed and lock it for this run (see :func:`lock_file`); the descriptor holding the
    lock, to give back to :func:`unlock_folder`. A folder this process holds already (the command line's, then
    its Runner's) is held once more, not refused. Where the file system has no locks (some network file systems)
    the folder is not locked."""
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, _DIR_FLAGS)
    st = os.fstat(fd)
    held = _HELD.get((st.st_dev, st.st_ino))
    if held is not None:
        os.close(fd)
        held[1] += 1
        return held[0]
    try:
        lock_file(fd)
    except Busy:
        os.close(fd)
        raise
    except OSError as exc:  # ENOLCK, EOPNOTSUPP: no locks here
        if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
            os.close(fd)
            raise
    _HELD[(st.st_dev, st.st_ino)] = [fd, 1]
    return fd


def unlock_folder(fd: int) -> None:
    """Give back a hold of :func:`lock_folder`; the last one releases the lock."""
    st = os.fstat(fd)
    held = _HELD[(st.st_dev, st.st_ino)]
    held[1] -= 1
    if not held[1]:
        del _HELD[(st.st_dev, st.st_ino)]
        os.close(fd)


@contextlib.contextmanager
def locked_folders(paths: Iterable[Path]) -> Iterator[None]:
    """Hold every folder of ``paths`` locked (see :func:`lock_folder`) while the block runs; :class:`Busy` when
    another run holds one (then none is held)."""
    fds: list[int] = []
    try:
        for path in dict.fromkeys(paths):
            fds.append(lock_folder(path))
        yield
    finally:
        for fd in reversed(fds):
            unlock_folder(fd)


def inside(path: Path, root: Path | None) -> bool:
    """Whether ``path`` names a file below the output folder ``root`` (as written, links aside: where a run's
    own file is created through a :class:`Folder`)."""
    return root is not None and Path(os.path.abspath(root)) in Path(os.path.abspath(path)).parents


def landing(path: Path, root: Path | None) -> Path:
    """The file that writing ``path`` replaces or writes to: inside the output folder ``root``, where no link at
    the name is followed, that name in its folder's real path; elsewhere (a path of the user's own, opened as
    any program opens it), wherever its links lead. Two paths with one landing are one file."""
    if inside(path, root):
        return path.parent.resolve() / path.name
    return path.resolve()


def is_special(path: Path) -> bool:
    """Whether ``path`` is a device, a FIFO or a socket (``/dev/null``, ``/dev/stderr``): written to as it is,
    never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_file(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically, through a :class:`Folder` (anchored at ``root``, else the file's
    folder): a temporary file, then a rename. A device or FIFO (``/dev/null``) is written to as it is."""
    if is_special(path):
        with path.open("wb") as fh:
            fh.write(data)
        return
    root = root if root is not None else path.parent
    folder = Folder(root, path.parent.relative_to(root))
    try:
        fd, tmp = folder.create_temp(path.name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            folder.replace(tmp, path.name)
        except BaseException:
            folder.unlink(tmp)
            raise
    finally:
        folder.close()


class AtomicWriter:
    """Write a text file under a temporary name; rename it into place on commit.

    The temporary file (``.NAME.*.part``, which no run reads as input) sits
    in the target's folder, so the rename is atomic: a reader sees the old
    file or the whole new one, never a part; an aborted or killed run leaves
    the target as it was. The temporary file is created at the first write
    (or at commit, for an empty output), so the errors of a folder that
    cannot be written surface as OSError from :meth:`write` or
    :meth:`commit`. A ``.gz`` target is gzip-compressed. ``root``: the output
    folder, below which no link is followed (see :class:`Folder`).

    A *resumable* writer (JSONL outputs, one record per line) writes to
    ``.NAME.partial`` instead and can :meth:`checkpoint`: what it wrote so
    far is flushed (a gzip stream too, so that it can be read back) and
    ``.NAME.partial.json`` records how many lines that is, with the caller's
    state. When the run is interrupted, both stay, and a later run can
    :meth:`restore` those lines and go on (see ``--resume``).

    Text is written as UTF-8. A lone surrogate, which UTF-8 cannot encode
    (a JSONL field with a bad ``\\ud800`` escape), is written back as that
    escape: inside a JSON string this keeps the field exactly as it was.
    """

    def __init__(self, target: Path, *, resumable: bool = False, root: Path | None = None) -> None:
        self.target = target
        self.resumable = resumable
        root = root if root is not None else target.parent
        self.folder = Folder(root, target.parent.relative_to(root))
        self.name = target.name
        self.partial_name = side_name(self.name, "partial")
        self.checkpoint_name = side_name(self.name, "partial.json")
        self.tmp: str | None = None
        self._file: IO[bytes] | None = None
        self._gzip: gzip.GzipFile | None = None
        self.stream: io.TextIOWrapper | None = None
        self.lines = 0  # lines written (counted by resumable writers)

    @property
    def partial(self) -> Path:
        """Where a resumable writer writes until it commits."""
        return self.target.with_name(self.partial_name)

    @property
    def checkpoint_file(self) -> Path:
        """Where a resumable writer records its last checkpoint."""
        return self.target.with_name(self.checkpoint_name)

    def _start(self) -> io.TextIOWrapper:
        if self.stream is None:
            if self.resumable:
                self.folder.unlink(self.checkpoint_name)  # a stale one would describe another file
                self.tmp = self.partial_name
                fd = self.folder.create(self.tmp)
            else:
                fd, self.tmp = self.folder.create_temp(self.name)
            self._file = os.fdopen(fd, "wb")
            raw: IO[bytes] = self._file
            if self.name.endswith(".gz"):
                self._gzip = gzip.GzipFile(filename="", fileobj=self._file, mode="wb", mtime=0)
                raw = self._gzip  # type: ignore[assignment]
            self.stream = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="\n")
        return self.stream

    def write(self, text: str) -> None:
        """Write ``text`` to the temporary file."""
        self._start().write(text)
        if self.resumable:
            self.lines += text.count("\n")

    def checkpoint(self, state: dict[str, Any]) -> None:
        """Flush what was written and record it (its line count, with ``state``) for a later :meth:`restore`."""
        assert self.resumable
        stream = self._start()
        stream.flush()
        if self._gzip is not None:
            self._gzip.flush()  # a sync flush: every byte so far can be decompressed
        assert self._file is not None
        self._file.flush()
        tmp = side_name(self.name, "partial.json.tmp")
        data = json.dumps({**state, "lines": self.lines}).encode("utf-8")
        fd = self.folder.create(tmp)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        self.folder.replace(tmp, self.checkpoint_name)

    def restore(self, lines: int) -> None:
        """Begin with the first ``lines`` lines of the partial output an interrupted run left.

        Raises OSError or ValueError when that output holds fewer complete lines.
        """
        old = side_name(self.name, "partial.old")
        self.folder.replace(self.partial_name, old)
        try:
            raw = os.fdopen(self.folder.open_existing(old), "rb")
            fh: Any = gzip.GzipFile(fileobj=raw) if self.name.endswith(".gz") else raw
            with raw, fh:
                for _ in range(lines):
                    line = fh.readline()
                    if not line.endswith(b"\n"):
                        raise ValueError(f"{self.partial}: fewer than {lines} lines")
                    self.write(line.decode("utf-8"))
        except (EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as exc:  # cut short, or not ours
            raise ValueError(f"{self.partial}: unreadable ({exc})") from exc
        finally:
            self.folder.unlink(old)

    def commit(self) -> None:
        """Flush, close and move the file into place (the temporary file is removed if that fails)."""
        stream = self._start()
        try:
            stream.close()
            assert self._file is not None and self.tmp is not None
            self._file.close()
            self.folder.replace(self.tmp, self.name)
            self.tmp = None
            if self.resumable:
                self.folder.unlink(self.checkpoint_name)
        except BaseException:
            self.abort(keep=False)
            raise
        finally:
            self.folder.close()

    def abort(self, *, keep: bool = True) -> None:
        """Close and delete the temporary file (nothing happens when none was created).

        A resumable writer that made a checkpoint keeps it and its partial output, for ``--resume``
        (unless ``keep`` is false: then both go).
        """
        if self.tmp is None:
            self.folder.close()
            return
        try:
            keep = keep and self.resumable and self.folder.is_file(self.checkpoint_name)
            for closing in (self.stream, self._file):
                with contextlib.suppress(OSError, ValueError):  # a full disk cannot take the last bytes
                    if closing is not None:
                        closing.close()
            if self.tmp is not None and not keep:
                self.folder.unlink(self.tmp)
                if self.resumable:
                    self.folder.unlink(self.checkpoint_name)
        except OSError:
            pass  # the folder is gone or unreadable: nothing of ours to remove
        finally:
            self.folder.close()


def read_checkpoint(target: Path, root: Path | None = None) -> dict[str, Any] | None:
    """The last checkpoint a resumable writer of ``target`` recorded (None when there is none, or no partial
    output beside it)."""
    writer = AtomicWriter(target, resumable=True, root=root)
    try:
        with os.fdopen(writer.folder.open_existing(writer.checkpoint_name), "rb") as fh:
            state = json.loads(fh.read(1 << 20).decode("utf-8"))
        if not isinstance(state, dict) or not isinstance(state.get("lines"), int):
            return None
        return state if writer.folder.is_file(writer.partial_name) else None
    except (OSError, ValueError):
        return None
    finally:
        writer.folder.close()
