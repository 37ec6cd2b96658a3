"""Analysis steps that add layers to a Document."""
