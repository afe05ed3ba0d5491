"""JSON from files we did not write, parsed without a RecursionError and checked to be the type expected.

Python's parser raises RecursionError past ~1,000 levels of nesting (a few bytes of
`[[[[...`); every reader of a user's or a damaged file parses through here instead.

Example:
>>> parse_json('{"embeddings": []}', "projector_config.json", dict)
{'embeddings': []}
>>> parse_json("[" * 100_000, "config.json", dict)
Traceback (most recent call last):
...
exporter.untrusted_json.JSONError: config.json: nested too deeply to be a config (more than 1,000 levels)
"""

import json


class JSONError(ValueError):
    """Not JSON, nested too deeply, or not the type expected; the message names the file."""


def parse_json(data, source, expected=None):
    """The value of JSON `data` (str or bytes), or a `JSONError` saying why not.

    Args:
      data: the file's text or bytes.
      source: the name messages give the file.
      expected: a type (or tuple of types) the top-level value must be, e.g. `dict`.
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise JSONError(f"{source}: nested too deeply to be a config (more than 1,000 levels)") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise JSONError(f"{source}: not valid JSON ({str(error).splitlines()[0]})") from None
    if expected is not None and not isinstance(value, expected):
        wanted = "an object" if expected is dict else "an array" if expected is list else str(expected)
        raise JSONError(f"{source}: holds a JSON {_json_kind(value)}, not {wanted}")
    return value


def _json_kind(value):
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")
