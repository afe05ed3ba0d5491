"""A news classifier (AG News, DBpedia) whose softmax outputs are exported as projector points."""
