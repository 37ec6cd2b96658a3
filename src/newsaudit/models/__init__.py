"""Model runtime (onnxruntime + tokenizers) and the model folders shipped as package data."""
