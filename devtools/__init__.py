"""Tools for developers, shared by the browser tests, the benchmarks and the screenshot script
(never imported by the app)."""
