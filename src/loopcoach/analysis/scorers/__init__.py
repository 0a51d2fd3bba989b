"""One module per dimension. Each exposes `score(ctx) -> DimensionScore` (coverage and red flags
also return what they found). `REGISTRY` lists them in report order."""
