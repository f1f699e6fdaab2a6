"""The lessons: small models that serve one chapter each, built on the engine (NumPy only, no UI).

    surface      the cost J(w, b) of one-feature logistic regression, and gradient descent on it
    graph        one neuron's computation graph, forward and backward, and the warm-up J = 3(a + b·c)
    vectorize    a Python-loop forward pass against the vectorized one
    features     extra inputs for the playground (x1², x1·x2, sin x1 …)
    grid         P(dog) and each unit's output over the input plane
    presets      the playground's set-ups as data, and resumable training runs
    diagnostics  per-layer activations, saturation and gradient norms
"""
