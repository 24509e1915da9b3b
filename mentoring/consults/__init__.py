"""Curbside consults: "ask the author" on guides, private questions to one's
mentor, answers, reports and moderation, and FAQ drafts (docs/mentoring.md)."""
