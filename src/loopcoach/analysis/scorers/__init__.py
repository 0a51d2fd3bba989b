"""One module per dimension. Each exposes `score(ctx, ...) -> DimensionScore` over an
`AnswerContext` and what it needs found once (STAR parts, talking points, flag hits);
`analysis.pipeline.default_scorers` registers them, in report order."""
