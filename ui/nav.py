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
    PageInfo("chapters/neuron.py", "1 · The neuron and the sigmoid", ":material/neurology:", "neuron",
             "z = w·x + b and the sigmoid a = σ(z): one neuron is logistic regression."),
    PageInfo("chapters/gradient_descent.py", "2 · Cost and gradient descent", ":material/landscape:",
             "gradient-descent",
             "The loss, the convex cost J(w, b), and gradient descent rolling down it; try learning rates."),
    PageInfo("chapters/backprop.py", "3 · Backpropagation", ":material/account_tree:",
             "backprop",
             "The computation graph step by step, backprop checked numerically, and the vectorized version."),
    PageInfo("chapters/playground.py", "4 · Layers and deep networks", ":material/hub:", "playground",
             "Stack layers of neurons, pick their width and depth, train them live, and look inside."),
    PageInfo("chapters/pets.py", "5 · Cats vs dogs", ":material/pets:", "pets",
             "The same engine on real photos: upload your pet and get P(dog)."),
    PageInfo("chapters/convnets.py", "6 · Convolutional networks", ":material/grid_on:", "convnets",
             "Filters that slide over the picture: the step that makes the photos work."),
    PageInfo("chapters/own_data.py", "7 · Your own data", ":material/table_view:", "your-data",
             "Beyond two classes: softmax, and a network trained on a table you upload."),
]
