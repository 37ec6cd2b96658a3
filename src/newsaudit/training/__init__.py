"""Training and export code; needs the [train] extra. The runtime never imports this package."""
