"""The one way we open HDF5 (`.h5`, `.weights.h5`, inside `.keras`, keras-hub presets): checked first.

HDF5 lets a file point elsewhere: a dataset may keep its bytes in any other file
(external storage, `external=[('/etc/passwd', 0, 16)]`), a link may name an object
in another file (external link), a virtual dataset maps other files' datasets.
Reading any of them reads a file the user never named, so a file holding one is
refused as a whole before a value is read. Keras never writes them.

Sizes are checked before reading: a dataset stored uncompressed must have its
bytes in the file (a 2 KB file can declare a 4 GB dataset it never wrote), and
what is read must fit in memory; `read_rows` reads only the rows asked for.

Example:
>>> import h5py, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "e.h5")
>>> with h5py.File(path, "w") as f:
...     _ = f.create_dataset("emb", shape=(4, 4), dtype="uint8", external=[("/etc/passwd", 0, 16)])
>>> try:
...     with open_hdf5(path, source=path):
...         pass
... except ExportError as error:
...     print(str(error).split(": ", 1)[1])
dataset 'emb' keeps its values in another file ('/etc/passwd', HDF5 external storage): refused, nothing outside the file is read: re-save the model (model.save) so the weights are inside it
"""

import contextlib

import numpy as np

from exporter.errors import ExportError
from exporter.sources.limits import check_rows

_FIX = "re-save the model (model.save) so the weights are inside it"


@contextlib.contextmanager
def open_hdf5(file, *, source):
    """An `h5py.File` on `file` (a path or a binary file object) that holds no reference to another file.

    Args:
      file: path or readable binary file object.
      source: the name the user gave, for messages.
    """
    import h5py

    try:
        with h5py.File(file, "r") as f:
            _refuse_outside_references(f, source)
            yield f
    except OSError as error:
        raise ExportError(f"{source}: cannot read its HDF5 weights (truncated or corrupt?): {error}") from None


def read_rows(dataset, rows=None, *, source):
    """The values of `dataset` (all rows, or the sorted row indices `rows`), after checking what it declares.

    An uncompressed dataset must store every byte it declares (else it is a size
    bomb or a truncated file); what is read must fit in the machine's memory.
    """
    shape, itemsize = tuple(dataset.shape), dataset.dtype.itemsize
    declared = int(np.prod(shape, dtype=object)) * itemsize
    stored = dataset.id.get_storage_size()
    if dataset.id.get_create_plist().get_nfilters() == 0 and stored < declared:
        raise ExportError(
            f"{source}: dataset {dataset.name!r} declares {' x '.join(map(str, shape))} {dataset.dtype} "
            f"({declared:,} bytes) but the file stores {stored:,} bytes of it: a size bomb or a truncated "
            f"file, refused before reading: {_FIX}"
        )
    check_rows(shape, itemsize, rows, repr(dataset.name), source=source)
    if rows is not None and not isinstance(rows, slice):
        rows = np.asarray(rows, dtype=np.int64)
    return dataset[()] if rows is None else dataset[rows]


def _refuse_outside_references(f, source):
    """Raises on the first link or dataset that reads another file (h5py's visitors stop on a returned value)."""
    import h5py

    def check_link(name):
        kind = f.id.links.get_info(name.encode()).type
        if kind == h5py.h5l.TYPE_EXTERNAL:
            link = f.get(name, getlink=True)
            return (f"{name!r} is an HDF5 external link to {link.path!r} in {link.filename!r}: refused, "
                    "nothing outside the file is read")
        if kind not in (h5py.h5l.TYPE_HARD, h5py.h5l.TYPE_SOFT):
            return f"{name!r} is a user-defined HDF5 link: refused"
        return None

    def check_object(name, node):
        if not isinstance(node, h5py.Dataset):
            return None
        plist = node.id.get_create_plist()
        if plist.get_layout() == h5py.h5d.VIRTUAL:
            files = sorted({m.file_name for m in node.virtual_sources()})
            return f"dataset {name!r} is an HDF5 virtual dataset reading {files}: refused, nothing outside the file is read"
        if plist.get_external_count():
            target = plist.get_external(0)[0].decode(errors="replace")
            return (f"dataset {name!r} keeps its values in another file ({target!r}, HDF5 external storage): "
                    "refused, nothing outside the file is read")
        return None

    problem = f.visit_links(check_link) or f.visititems(check_object)
    if problem:
        raise ExportError(f"{source}: {problem}: {_FIX}")
