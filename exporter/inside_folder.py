"""One rule for paths read from a file (a config, a model folder): they must resolve inside its folder.

TensorBoard 2.21 applies it to a projector config's assets (`_rel_to_abs_asset_path`):
the path is joined to the folder, `~` expanded, symlinks resolved, and the result must
stay at or below the folder; absolute paths, `..` and symlinks out are refused.

Example:
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> [resolve_inside(folder, p) is not None for p in ("metadata.tsv", "../x", "/etc/passwd")]
[True, False, False]
"""

import os


def resolve_inside(folder, path):
    """The real path of `path` (relative to `folder`), or None when it resolves outside `folder`."""
    root = os.path.realpath(folder)
    real = os.path.realpath(os.path.join(root, os.path.expanduser(path)))
    return real if os.path.commonpath([root, real]) == root else None
