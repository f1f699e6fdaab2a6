"""Cats vs dogs on real photos with the same NumPy engine.

    from engine.pets import data, models
    d = data.load("path/to/cats_and_dogs", size=64)      # PetData, cached in .cache/pets
    model = models.load_bundled("logistic")              # PetModel: Network + standardisation
    model.predict_bytes(open("rex.jpg", "rb").read())    # P(dog)

Command line: ``python -m engine.pets train|evaluate|predict|download`` (see ``__main__``).
"""

from .data import PetData, load
from .models import BUNDLED, PetModel, Standardizer, load_bundled

__all__ = ["PetData", "PetModel", "Standardizer", "BUNDLED", "load", "load_bundled"]
