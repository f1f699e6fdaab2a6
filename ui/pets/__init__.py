"""Chapter 5 · Cats vs dogs: photos in, P(dog) out, the models explained and trained."""
