"""A run folder: the names of its files, reading exports back, the commit and the configs it writes."""
