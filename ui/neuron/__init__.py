"""Chapter 1 · The neuron and the sigmoid: its controls and figures."""
