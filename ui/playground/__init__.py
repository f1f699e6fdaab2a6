"""Chapter 4 · Layers and deep networks: the playground (controls, session, views, figures) and what happens inside a network."""
