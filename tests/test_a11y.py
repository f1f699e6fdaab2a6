"""Charts say what they show in words (the text alternative under every Plotly chart), and the class's QR
code and address come from the configured public address."""

import io

import numpy as np
from PIL import Image

from tests.pagetools import arr, chart
from ui import a11y, figures
from ui.lecture import share


def test_a_cost_curve_says_where_the_cost_went():
    fig = figures.cost_curve({"train": [0.69, 0.5, 0.31, 0.23]}, title="Cost J after each step",
                             x_title="gradient-descent step")
    text = a11y.describe(fig)
    assert text == ("Chart: Cost J after each step. Across: gradient-descent step; up: cost J. train: 4 points, "
                    "cost J from 0.69 to 0.23 as gradient-descent step goes from 1 to 4, falling.")


def test_points_say_where_they_lie_and_maps_give_their_range():
    x, y = np.array([-2.0, 0.5, 3.0, 1.0]), np.array([0, 0, 1, 1])
    text = a11y.describe(figures.one_feature_fit(x, y, np.linspace(-3, 3, 5), np.linspace(0.1, 0.9, 5)))
    assert "cat (y = 0): 2 points, feature x from -2 to 0.5" in text
    assert "ŷ = σ(wx + b): 5 points, P(dog) = ŷ from 0.1 to 0.9 as feature x goes from -3 to 3, rising" in text
    import plotly.graph_objects as go
    heat = go.Figure(go.Heatmap(z=[[0.0, 0.25], [0.5, 1.0]], name="P(dog)"))
    assert "P(dog): a 2×2 map, values from 0 to 1" in a11y.describe(heat)


def test_every_chart_on_a_page_has_its_text_alternative_after_it(open_page):
    app = open_page("chapters/home.py")
    texts = [h.proto.body for h in app.get("html") if h.proto.body.startswith(f'<p class="{a11y.TEXT_CLASS}">')]
    assert len(texts) == len(app.get("plotly_chart")) == 2
    cost = arr(chart(app, "home_cost_chart")["data"][0]["y"])
    first, last = cost[0], cost[-1]
    assert f"cost J from {first:.3g} to {last:.3g} as gradient-descent step goes from 1 to 60, falling" in texts[1]


def test_the_share_address_is_the_configured_public_one(monkeypatch):
    monkeypatch.setenv(share.ENV, "http://192.168.1.20:8501/")
    assert share.base_url() == ("http://192.168.1.20:8501", None)
    monkeypatch.setenv(share.ENV, "lab.example.edu:8080")
    assert share.base_url() == ("http://lab.example.edu:8080", None)


def test_the_qr_code_is_a_large_black_on_white_picture():
    picture = Image.open(io.BytesIO(share.qr_png("http://192.168.1.20:8501/neuron?w2=1.5")))
    assert picture.width == picture.height >= 12 * (25 + 8)  # version 2 or more, 12 px a module, quiet zone 4
    colours = {c for _, c in picture.convert("RGB").getcolors()}
    assert colours == {(17, 17, 17), (255, 255, 255)}
