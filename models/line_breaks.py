"""Characters a saved Keras vocabulary must not hold: Keras reads `vocabulary.txt` back with `str.splitlines()`.

TextVectorization splits on ASCII whitespace only, so a token can keep `\\x85` (NEL),
U+2028 or `\\x1c`; written one per line, it becomes two lines on reload and the model
fails to load ("repeated term" or "reserved mask token"). Replacing them with a space
before the vocabulary is built keeps every saved model reloadable.

Example:
>>> import re
>>> re.sub(LINE_BREAKS, " ", "great\\x85 movie\\u2028ever")
'great  movie ever'
"""

#: A regex class (valid in Python `re` and TensorFlow's RE2) of what `str.splitlines` splits on besides \\n.
LINE_BREAKS = "[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
