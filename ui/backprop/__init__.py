"""Chapter 3 · Forward and backward propagation: the computation graph, its steps, vectorization."""
