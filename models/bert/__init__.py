"""BERT fine-tuned on GoEmotions; its [CLS] embeddings exported before and after fine-tuning."""

#: The run this model trains and exports into unless told otherwise.
RUN = "bert"
