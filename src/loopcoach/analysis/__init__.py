"""Answer analysis: sentence embeddings and related scoring helpers."""
