"""Chapter 7, your own data: the softmax tab and the table tab."""
