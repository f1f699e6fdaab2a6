"""Imports every heavy module the pages need, once, before any page runs.

Streamlit runs each session's script in its own thread. When a class opens a link at once on a freshly
started server, several first runs import pandas (through Plotly's figure validation) at the same time,
and one of them can see the module half-initialised ("partially initialized module 'pandas'"). Python
runs a module's body in one thread while the others wait for it, so importing this module first from
app.py makes every other first run wait until the heavy imports are complete.
"""

import pandas  # noqa: F401  (Plotly imports it lazily inside figure validation)
import plotly.graph_objects as go
import plotly.io  # noqa: F401

# Build and serialise one figure, so Plotly's lazily loaded validators are imported here too.
go.Figure(go.Scatter(x=[0], y=[0])).to_plotly_json()
