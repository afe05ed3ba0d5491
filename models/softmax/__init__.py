"""A news classifier (AG News, DBpedia) whose softmax outputs are exported as projector points."""

#: The run this model trains and exports into unless told otherwise.
RUN = "softmax"
