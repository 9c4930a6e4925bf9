"""The interface layer: the only code besides `quizgen.cli` that imports typer or rich."""
