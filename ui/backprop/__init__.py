"""Chapter 3 · Backpropagation: the computation graph, its steps, vectorization."""
