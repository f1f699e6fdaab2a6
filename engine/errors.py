"""Errors the engine raises on purpose, each with a message a student can act on."""


class ModelFileError(ValueError):
    """A model file that is not a valid Neuron Lab ``.npz`` (wrong format, shapes, or values)."""


class ImageError(ValueError):
    """An image that cannot be used: empty, not an image, truncated, too large (a decompression
    bomb) or too small. ``kind`` names which: "empty", "not_image", "truncated", "too_large",
    "too_small"."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class DatasetError(ValueError):
    """A photo folder that does not have a layout Neuron Lab can read, or has no usable photos."""
