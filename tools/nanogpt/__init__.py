"""Converts a nanoGPT checkpoint (ckpt.pt, optional meta.pkl) into a QKV Scope model folder; see tools/from_nanogpt.py."""
