"""The app's pages, in story order: one place for the navigation, the home page's links and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageInfo:
    file: str       # relative to the repository root
    title: str
    icon: str
    url_path: str   # stable: links and the browser tests use it; "" is the default page at "/"
    blurb: str      # one line for the home page


PAGES = [
    PageInfo("chapters/home.py", "Neuron Lab", ":material/home:", "",
             "Start here: the story and a logistic regression trained in front of you."),
    PageInfo("chapters/neuron.py", "1 · The neuron", ":material/neurology:", "neuron",
             "z = w·x + b, the sigmoid, and forward and backward propagation step by step."),
    PageInfo("chapters/gradient_descent.py", "2 · Gradient descent", ":material/landscape:",
             "gradient-descent",
             "Watch gradient descent roll down the convex cost surface J(w, b); try learning rates."),
    PageInfo("chapters/playground.py", "3 · Network playground", ":material/hub:", "playground",
             "Stack layers of neurons, pick their width, and train them live on 2-D data."),
    PageInfo("chapters/pets.py", "4 · Cats vs dogs", ":material/pets:", "pets",
             "The same engine on real photos: upload your pet and get P(dog)."),
]

