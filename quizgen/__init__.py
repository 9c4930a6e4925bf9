"""quizgen: Chinese Q&A notes -> question bank -> quiz items -> quiz / paper / grade."""

from __future__ import annotations

__version__ = "0.1.0"
