"""Chapter 6 · Convolutional networks: a filter by hand, why convolution, inside a trained conv net, live training."""
