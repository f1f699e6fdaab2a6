"""Errors the engine raises on purpose, each with a message a student can act on."""


class ModelFileError(ValueError):
    """A model file that is not a valid Neuron Lab ``.npz`` (wrong format, shapes, or values)."""
