"""Training suggesters from a layer's annotations: the recognizer fine-tuned, events learned."""
