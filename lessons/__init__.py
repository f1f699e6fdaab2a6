"""The lessons: small models that serve one chapter each, built on the engine (NumPy only, no UI).

    surface      the cost J(w, b) of one-feature logistic regression, and gradient descent on it
    graph        one neuron's computation graph, forward and backward, and the warm-up J = 3(a + b·c)
    vectorize    a Python-loop forward pass against the vectorized one
    features     extra inputs for the playground (x1², x1·x2, sin x1 …)
    grid         P(dog) and each unit's output over the input plane
    presets      the playground's set-ups as data, and resumable training runs
    diagnostics  per-layer activations, saturation and gradient norms
    softmax      one example's softmax, its cost and dZ, every number (chapter 7)
    tables       a CSV table to a trained network, and ``python -m lessons.tables`` (chapter 7)
    maps         a network over two of its inputs, the others at their means
    transfer     your own classes on the bundled conv net's frozen features (chapter 6)
    drawn        points placed on the plane, and their compact link text
"""
