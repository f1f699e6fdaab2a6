"""Chapter 2 · Cost and gradient descent: controls, the scene (data, surface, runs), the player's views and
their look, and the player component that animates them in the browser."""
