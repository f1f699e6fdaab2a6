"""Chapter 2 · Cost and gradient descent: controls, the scene (data, surface, runs), figures."""
