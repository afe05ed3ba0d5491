"""`file_contents`: what a model file, checkpoint or vector file offers for export, read as data.

`projector-export inspect` prints it, to choose `--tensor` and `--vocab` for `checkpoint`.

Example:
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "glove.txt")
>>> _ = open(path, "w").write("cat 0.1 0.2\\ndog 0.3 0.4\\n")
>>> contents = file_contents(path)
>>> contents.format, [t.name for t in contents.exportable], len(contents.vocabularies)
('word2vec/GloVe text', ['vectors'], 1)
"""

import dataclasses

from exporter.sources import on_disk
from exporter.sources.vocabulary import find_vocabularies


@dataclasses.dataclass(frozen=True)
class FileContents:
    """The format of a file, every tensor it lists (`TensorInfo`s) and every vocabulary found in or beside it."""

    format: str
    tensors: tuple
    vocabularies: tuple

    @property
    def exportable(self):
        """The 2-D tensors that are no optimizer state: what `checkpoint --tensor` can name."""
        return tuple(t for t in self.tensors if t.exportable)

    @property
    def others(self):
        """The tensors that are not 2-D, and optimizer state."""
        return tuple(t for t in self.tensors if not t.exportable)


def file_contents(path, unicode_errors="strict"):
    """The `FileContents` of `path`; nothing in the file is executed.

    Args:
      path: a model file, checkpoint prefix or folder, or vector file.
      unicode_errors: how vocabulary bytes that are not UTF-8 are read (see `text_encoding`).
    """
    disk_format = on_disk.detect(path)
    tensors = tuple(disk_format.reader.list_tensors(path))
    return FileContents(disk_format.label, tensors, tuple(find_vocabularies(path, unicode_errors)))

